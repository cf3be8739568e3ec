import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { HookRequest } from '@tus/core'
import { HttpHookHandler, marshalHookRequest } from '@tus/hooks-http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type PythonHookServer, startPythonHookServer } from './fixtures/hook-server.js'
import { hookRequest } from './servers.js'

let server: PythonHookServer | undefined
let dir: string
let log: string
let hooks: HttpHookHandler
const sent: HookRequest[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tus-hooks-http-'))
  log = join(dir, 'hooks.log')
  server = await startPythonHookServer(log)
  hooks = new HttpHookHandler({ endpoint: server.url, retry: 1, timeout: 5_000 })
})

afterAll(async () => {
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** Invokes the hook and remembers what was sent, for the log check. */
function invoke(request: HookRequest) {
  sent.push(request)
  return hooks.invoke(request)
}

describe('the Python hook server (standard library only)', () => {
  test('pre-create without a filename: rejected with 422 and a JSON body', async () => {
    await expect(invoke(hookRequest('pre-create', { ID: '', MetaData: {} }))).resolves.toEqual({
      RejectUpload: true,
      HTTPResponse: {
        StatusCode: 422,
        Body: '{"error":"filename required"}',
        Header: { 'Content-Type': 'application/json' },
      },
    })
  })

  test('pre-create with a filename: a prefixed id, and only the chosen metadata keys kept', async () => {
    const response = await invoke(
      hookRequest('pre-create', {
        ID: '',
        MetaData: { filename: 'a <b>.txt', filetype: 'text/plain', keep: 'no', secret: 'x' },
      }),
    )
    expect(response.ChangeFileInfo?.ID).toMatch(
      /^prefix-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(response).toEqual({
      ChangeFileInfo: {
        ID: response.ChangeFileInfo?.ID,
        MetaData: { filename: 'a <b>.txt', filetype: 'text/plain', keep: 'no' },
      },
    })
  })

  test('pre-terminate: refused for keep=yes only', async () => {
    await expect(
      invoke(hookRequest('pre-terminate', { MetaData: { keep: 'yes' } })),
    ).resolves.toEqual({ RejectTermination: true })
    await expect(
      invoke(hookRequest('pre-terminate', { MetaData: { keep: 'no' } })),
    ).resolves.toEqual({})
  })

  test('post-receive: stopped for stop=yes only', async () => {
    await expect(
      invoke(hookRequest('post-receive', { MetaData: { stop: 'yes' } })),
    ).resolves.toEqual({
      StopUpload: true,
    })
    await expect(invoke(hookRequest('post-receive'))).resolves.toEqual({})
  })

  test('pre-access: 403 without the right bearer token', async () => {
    await expect(invoke(hookRequest('pre-access'))).resolves.toEqual({
      RejectAccess: true,
      HTTPResponse: { StatusCode: 403, Body: 'no access' },
    })
    await expect(
      invoke(hookRequest('pre-access', {}, { Authorization: ['Bearer wrong'] })),
    ).resolves.toMatchObject({ RejectAccess: true })
    await expect(
      invoke(hookRequest('pre-access', {}, { Authorization: ['Bearer letmein'] })),
    ).resolves.toEqual({})
  })

  test('the other hooks: {}', async () => {
    for (const type of ['post-create', 'pre-finish', 'post-finish', 'post-terminate'] as const) {
      await expect(invoke(hookRequest(type))).resolves.toEqual({})
    }
  })

  test('logged every hook request, byte for byte as sent, in order', async () => {
    const lines = (await readFile(log, 'utf8')).split('\n')
    expect(lines.pop()).toBe('')
    expect(sent.length).toBe(13)
    expect(lines).toEqual(sent.map(marshalHookRequest))
  })
})
