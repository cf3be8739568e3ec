import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { formatHost } from '../../src/serve.js'
import { startServer } from '../../src/start.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('startServer (programmatic)', () => {
  it('serves tus from a directory it creates, and closes gracefully', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tusd-start-'))
    cleanups.push(() => rm(root, { recursive: true, force: true }))
    const server = await startServer(
      { host: '127.0.0.1', port: 0, uploadDir: join(root, 'nested/uploads') },
      { silent: true },
    )
    cleanups.push(() => server.close(0))
    expect(server.url).toBe(`http://127.0.0.1:${server.address.port}/files/`)

    const created = await fetch(server.url, {
      method: 'POST',
      headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '5' },
    })
    expect(created.status).toBe(201)
    const location = created.headers.get('location') as string
    const patched = await fetch(location, {
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        'Content-Type': 'application/offset+octet-stream',
        'Upload-Offset': '0',
      },
      body: 'hello',
    })
    expect(patched.status).toBe(204)
    expect(await (await fetch(location)).text()).toBe('hello')
    await expect(server.close()).resolves.toBe('graceful')
  })
})

describe('formatHost', () => {
  it('brackets IPv6 addresses', () => {
    expect(formatHost({ address: '127.0.0.1', family: 'IPv4', port: 80 })).toBe('127.0.0.1:80')
    expect(formatHost({ address: '::', family: 'IPv6', port: 8080 })).toBe('[::]:8080')
    expect(formatHost({ address: '::1', family: 'IPv6', port: 1 })).toBe('[::1]:1')
  })
})
