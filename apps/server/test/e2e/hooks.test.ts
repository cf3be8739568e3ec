import { randomBytes } from 'node:crypto'
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { HookRequest } from '@tus/core'
import { Upload } from 'tus-js-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type PythonHookServer,
  startPythonHookServer,
} from '../../../../packages/hooks-http/test/fixtures/hook-server.js'
import {
  assertBuilt,
  cleanup,
  createUpload,
  download,
  headUpload,
  openRaw,
  patchUpload,
  requestHead,
  sleep,
  startTusd,
  TUS,
  type Tusd,
  tempDir,
} from './harness.js'

/**
 * Hooks end to end: the binary with each provider. The HTTP one talks to a
 * hook server in Python (standard library only), as tusd's own examples do.
 */

const OCTET = { 'Content-Type': 'application/offset+octet-stream' }
const b64 = (text: string) => Buffer.from(text).toString('base64')
const metadata = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key} ${b64(value)}`)
    .join(',')

const hookServers: PythonHookServer[] = []
const servers: Server[] = []
beforeAll(assertBuilt)
afterAll(async () => {
  await Promise.all(hookServers.map((server) => server.stop()))
  for (const server of servers) {
    server.closeAllConnections()
    server.close()
  }
  await cleanup()
})

/** Starts the Python hook server; resolves with its URL and the path of its log. */
async function pythonHookServer(): Promise<{ url: string; log: string }> {
  const log = join(await tempDir(), 'hooks.log')
  const server = await startPythonHookServer(log)
  hookServers.push(server)
  return { url: server.url, log }
}

/** The hook requests the Python server logged, parsed. */
async function logged(log: string): Promise<HookRequest[]> {
  const text = await readFile(log, 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line))
}

/** A hook endpoint in Node that answers every request with `reply`. */
async function nodeHookServer(
  reply: (res: import('node:http').ServerResponse) => void,
): Promise<string> {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => reply(res))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

describe('-hooks-http with a hook server in Python', () => {
  let tusd: Tusd
  let log: string
  beforeAll(async () => {
    const hooks = await pythonHookServer()
    log = hooks.log
    tusd = await startTusd({
      args: [
        '-hooks-http',
        hooks.url,
        '-hooks-enabled-events',
        'pre-create,post-create,post-receive,pre-finish,post-finish,pre-terminate,post-terminate',
        '-progress-hooks-interval',
        '100ms',
      ],
    })
  })

  it('refuses a creation without a filename with the hook’s own status and body', async () => {
    const res = await fetch(tusd.url, { method: 'POST', headers: { ...TUS, 'Upload-Length': '5' } })
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.text()).toBe('{"error":"filename required"}')
    expect(await readdir(tusd.dir)).toEqual([])
  })

  it('gets the id and metadata the hook chose; every event arrives in order, in tusd’s shape', async () => {
    const data = randomBytes(300_000)
    const url = await new Promise<string>((resolve, reject) => {
      const job = new Upload(data, {
        endpoint: tusd.url,
        chunkSize: 100_000,
        retryDelays: null,
        metadata: { filename: 'a.bin', filetype: 'application/octet-stream', secret: 'x' },
        onError: reject,
        onSuccess: () => resolve(job.url as string),
      })
      job.start()
    })
    const id = url.split('/').pop()!
    expect(id).toMatch(
      /^prefix-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    const head = await headUpload(url)
    const meta = (head.headers.get('upload-metadata') ?? '').split(',').map((p) => p.split(' ')[0])
    expect(meta.sort()).toEqual(['filename', 'filetype'])
    expect((await download(url)).equals(data)).toBe(true)

    await expect
      .poll(async () => (await logged(log)).some((h) => h.Type === 'post-finish'))
      .toBe(true)
    const events = (await logged(log)).filter(
      (h) =>
        h.Event.Upload.ID === id || (h.Type === 'pre-create' && h.Event.Upload.MetaData.secret),
    )
    const types = events.map((h) => h.Type)
    expect(types[0]).toBe('pre-create')
    expect(types[1]).toBe('post-create')
    expect(types.slice(-2)).toEqual(['pre-finish', 'post-finish'])
    expect(types.slice(2, -2).every((t) => t === 'post-receive')).toBe(true)
    expect(types.filter((t) => t === 'post-receive').length).toBeGreaterThanOrEqual(3)
    const offsets = events
      .filter((h) => h.Type === 'post-receive')
      .map((h) => h.Event.Upload.Offset)
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
    expect(offsets.at(-1)).toBe(data.length)
    // tusd's JSON: exactly these keys.
    const finish = events.at(-1)!
    expect(Object.keys(finish).sort()).toEqual(['Event', 'Type'])
    expect(Object.keys(finish.Event).sort()).toEqual(['HTTPRequest', 'Upload'])
    expect(Object.keys(finish.Event.Upload).sort()).toEqual(
      [
        'ID',
        'IsFinal',
        'IsPartial',
        'MetaData',
        'Offset',
        'PartialUploads',
        'Size',
        'SizeIsDeferred',
        'Storage',
      ].sort(),
    )
    expect(Object.keys(finish.Event.HTTPRequest).sort()).toEqual([
      'Header',
      'Method',
      'RemoteAddr',
      'URI',
    ])
    expect(finish.Event.Upload).toMatchObject({ ID: id, Size: data.length, Offset: data.length })
    expect(finish.Event.Upload.Storage).toMatchObject({ Type: 'filestore' })
    expect(finish.Event.HTTPRequest.Method).toBe('PATCH')
    expect(finish.Event.HTTPRequest.Header['Tus-Resumable']).toEqual(['1.0.0'])
  })

  it('refuses to terminate what the hook keeps', async () => {
    const keep = await createUpload(tusd, 5, {
      'Upload-Metadata': metadata({ filename: 'k', keep: 'yes' }),
    })
    const refused = await fetch(keep, { method: 'DELETE', headers: TUS })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toMatch(/^ERR_UPLOAD_TERMINATION_REJECTED/)
    expect((await headUpload(keep)).status).toBe(200)
    const drop = await createUpload(tusd, 5, { 'Upload-Metadata': metadata({ filename: 'd' }) })
    expect((await fetch(drop, { method: 'DELETE', headers: TUS })).status).toBe(204)
    expect((await headUpload(drop)).status).toBe(404)
  })

  it('stops an upload in progress when post-receive says StopUpload; the upload is gone', async () => {
    const url = await createUpload(tusd, 1_000_000, {
      'Upload-Metadata': metadata({ filename: 's', stop: 'yes' }),
    })
    const conn = await openRaw(tusd.port)
    await conn.write(
      requestHead('PATCH', new URL(url).pathname, {
        ...TUS,
        ...OCTET,
        'Upload-Offset': 0,
        'Content-Length': 1_000_000,
      }),
    )
    // Bytes keep coming until the server answers.
    const feeding = (async () => {
      for (let i = 0; i < 50 && !conn.socket.destroyed; i++) {
        await conn.write(Buffer.alloc(10_000, 1)).catch(() => {})
        await sleep(20)
      }
    })()
    const answer = await conn.response
    conn.socket.destroy()
    await feeding
    expect(answer.status).toBe(400)
    expect(answer.body).toMatch(/^ERR_UPLOAD_STOPPED/)
    await expect.poll(async () => (await headUpload(url)).status).toBe(404)
  })
})

describe('-hooks-http: pre-access authorises every request', () => {
  let tusd: Tusd
  beforeAll(async () => {
    const hooks = await pythonHookServer()
    tusd = await startTusd({
      args: ['-hooks-http', hooks.url, '-hooks-enabled-events', 'pre-access'],
    })
  })

  it('refuses HEAD and PATCH without the token and allows them with it', async () => {
    const url = await createUpload(tusd, 5)
    const head = await fetch(url, { method: 'HEAD', headers: TUS })
    expect(head.status).toBe(403)
    const patch = await fetch(url, {
      method: 'PATCH',
      headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' },
      body: 'hello',
    })
    expect(patch.status).toBe(403)
    expect(await patch.text()).toBe('no access')
    const auth = { Authorization: 'Bearer letmein' }
    const allowed = await fetch(url, {
      method: 'PATCH',
      headers: { ...TUS, ...OCTET, ...auth, 'Upload-Offset': '0' },
      body: 'hello',
    })
    expect(allowed.status).toBe(204)
    const res = await fetch(url, { headers: auth })
    expect(await res.text()).toBe('hello')
  })
})

describe('hook servers that misbehave', () => {
  const post = (tusd: Tusd) =>
    fetch(tusd.url, { method: 'POST', headers: { ...TUS, 'Upload-Length': '5' } })

  it('down: 502 ERR_HOOK_FAILED and nothing is created', async () => {
    const url = await nodeHookServer(() => {})
    servers.at(-1)!.close()
    servers.at(-1)!.closeAllConnections()
    const tusd = await startTusd({
      args: ['-hooks-http', url, '-hooks-http-retry', '2', '-hooks-http-backoff', '50ms'],
    })
    const res = await post(tusd)
    expect(res.status).toBe(502)
    expect(await res.text()).toBe('ERR_HOOK_FAILED: the pre-create hook failed\n')
    expect(await readdir(tusd.dir)).toEqual([])
    await expect.poll(() => tusd.output()).toMatch(/HookInvocationError/)
  })

  it('slow: 504 ERR_HOOK_TIMEOUT after -hooks-http-timeout; other requests go on', async () => {
    const url = await nodeHookServer((res) => {
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')
      }, 3000)
    })
    const tusd = await startTusd({ args: ['-hooks-http', url, '-hooks-http-timeout', '500ms'] })
    const started = Date.now()
    const slow = post(tusd)
    // Requests that call no hook are not held up.
    expect((await fetch(tusd.url, { method: 'OPTIONS' })).status).toBe(200)
    const res = await slow
    expect(res.status).toBe(504)
    expect(await res.text()).toMatch(/^ERR_HOOK_TIMEOUT/)
    expect(Date.now() - started).toBeLessThan(2500)
  })

  it.each([
    ['a 500', (res: import('node:http').ServerResponse) => res.writeHead(500).end('oops')],
    [
      'an oversized body',
      (res: import('node:http').ServerResponse) =>
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ HTTPResponse: { Body: 'x'.repeat(10_000) } })),
    ],
    [
      'a body that is not JSON',
      (res: import('node:http').ServerResponse) =>
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('<html>'),
    ],
  ])('answering %s: 502 ERR_HOOK_FAILED', async (_, reply) => {
    const url = await nodeHookServer(reply)
    const tusd = await startTusd({
      args: ['-hooks-http', url, '-hooks-http-retry', '1'],
    })
    const res = await post(tusd)
    expect(res.status).toBe(502)
    expect(await res.text()).toMatch(/^ERR_HOOK_FAILED/)
    expect(await readdir(tusd.dir)).toEqual([])
  })

  it('a failing notification is logged and the upload goes on', async () => {
    const url = await nodeHookServer((res) => res.writeHead(500).end())
    const tusd = await startTusd({
      args: [
        '-hooks-http',
        url,
        '-hooks-http-retry',
        '1',
        '-hooks-enabled-events',
        'post-create,post-finish',
      ],
    })
    const upload = await createUpload(tusd, 5)
    expect((await patchUpload(upload, 0, Buffer.from('hello'))).status).toBe(204)
    expect((await download(upload)).toString()).toBe('hello')
    await expect.poll(() => tusd.output()).toMatch(/HookInvocationError/)
  })
})

describe('-hooks-dir: executable files', () => {
  it('runs scripts with the request on stdin and TUS_* in the environment; missing ones are skipped', async () => {
    const dir = await tempDir()
    const out = join(dir, 'finished.txt')
    await writeFile(
      join(dir, 'pre-create'),
      `#!/bin/sh
# Refuse uploads without a filename: the request JSON is on stdin.
if grep -q '"filename"' ; then echo '{}'; else
  echo '{"RejectUpload": true, "HTTPResponse": {"StatusCode": 400, "Body": "filename missing"}}'
fi
`,
    )
    await writeFile(
      join(dir, 'post-finish'),
      `#!/bin/sh
echo "$TUS_ID $TUS_SIZE $TUS_OFFSET" >> "${out}"
`,
    )
    await chmod(join(dir, 'pre-create'), 0o755)
    await chmod(join(dir, 'post-finish'), 0o755)
    const tusd = await startTusd({ args: ['-hooks-dir', dir] })
    const refused = await fetch(tusd.url, {
      method: 'POST',
      headers: { ...TUS, 'Upload-Length': '5' },
    })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toBe('filename missing')
    const url = await createUpload(tusd, 5, { 'Upload-Metadata': metadata({ filename: 'a' }) })
    expect((await patchUpload(url, 0, Buffer.from('hello'))).status).toBe(204)
    const id = url.split('/').pop()
    await expect.poll(() => readFile(out, 'utf8').catch(() => '')).toBe(`${id} 5 5\n`)
  })
})

describe('-hooks-plugin: a JavaScript module', () => {
  it('calls the functions the module exports', async () => {
    const dir = await tempDir()
    const out = join(dir, 'events.txt')
    const plugin = join(dir, 'hooks.mjs')
    await writeFile(
      plugin,
      `import { appendFileSync } from 'node:fs'
export function preCreate(event) {
  return { ChangeFileInfo: { ID: 'plugin-' + (event.Upload.MetaData.filename ?? 'none') } }
}
export async function postFinish(event, { type }) {
  appendFileSync(${JSON.stringify(out)}, type + ' ' + event.Upload.ID + '\\n')
}
`,
    )
    const tusd = await startTusd({ args: ['-hooks-plugin', plugin] })
    const url = await createUpload(tusd, 5, { 'Upload-Metadata': metadata({ filename: 'cat' }) })
    expect(url.endsWith('/files/plugin-cat')).toBe(true)
    expect((await patchUpload(url, 0, Buffer.from('hello'))).status).toBe(204)
    await expect.poll(() => readFile(out, 'utf8').catch(() => '')).toBe('post-finish plugin-cat\n')
  })

  it('a module without hook functions stops the start-up', async () => {
    const dir = await tempDir()
    const plugin = join(dir, 'empty.mjs')
    await writeFile(plugin, 'export const nothing = 1\n')
    await expect(startTusd({ args: ['-hooks-plugin', plugin] })).rejects.toThrow(/exports none of/)
  })
})
