import { type HookRequest, newFileInfo } from '@tus/core'
import { HttpHookHandler, marshalHookRequest } from '@tus/hooks-http'
import { describe, expect, test } from 'vitest'
import { hookServer, reply } from './servers.js'

const request: HookRequest = {
  Type: 'pre-create',
  Event: {
    Upload: newFileInfo({ Size: 11, MetaData: { filetype: 'text/plain', filename: 'a<b>&c.txt' } }),
    HTTPRequest: {
      Method: 'POST',
      URI: '/files/?x=1',
      RemoteAddr: '127.0.0.1:5555',
      Header: {
        'Upload-Length': ['11'],
        Host: ['localhost:1080'],
        Authorization: ['Bearer abc'],
        Cookie: ['a=1', 'b=2'],
        'X-Secret': ['not forwarded'],
      },
    },
  },
}

// What tusd's json.Marshal writes for the same HookRequest: struct order, sorted map keys, HTML escapes.
const TUSD_BODY = String.raw`{"Type":"pre-create","Event":{"Upload":{"ID":"","Size":11,"SizeIsDeferred":false,"Offset":0,"MetaData":{"filename":"a\u003cb\u003e\u0026c.txt","filetype":"text/plain"},"IsPartial":false,"IsFinal":false,"PartialUploads":null,"Storage":null},"HTTPRequest":{"Method":"POST","URI":"/files/?x=1","RemoteAddr":"127.0.0.1:5555","Header":{"Authorization":["Bearer abc"],"Cookie":["a=1","b=2"],"Host":["localhost:1080"],"Upload-Length":["11"],"X-Secret":["not forwarded"]}}}}`

/** The values of header `name` (any case) in the order they were sent, with the spelling used. */
function rawHeader(raw: string[], name: string): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() === name.toLowerCase()) {
      out.push([raw[i] as string, raw[i + 1] as string])
    }
  }
  return out
}

describe('the hook request', () => {
  test('is a POST of tusd JSON to the endpoint, path and query kept', async () => {
    const server = await hookServer((res) => reply(res, 200, '{}'))
    const hooks = new HttpHookHandler({ endpoint: `${server.url}?token=t1` })

    await expect(hooks.invoke(request)).resolves.toEqual({})

    expect(server.received).toHaveLength(1)
    const [seen] = server.received
    expect(seen?.method).toBe('POST')
    expect(seen?.url).toBe('/hooks?token=t1')
    expect(seen?.body).toBe(TUSD_BODY)
    expect(seen?.headers['content-type']).toBe('application/json')
    expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength(TUSD_BODY)))
    expect(marshalHookRequest(request)).toBe(TUSD_BODY)
    expect(JSON.parse(TUSD_BODY)).toEqual(request)
  })

  test('forwards the listed client headers, spelled as configured, one line per value', async () => {
    const server = await hookServer((res) => reply(res, 200, '{}'))
    const hooks = new HttpHookHandler({
      endpoint: server.url,
      forwardHeaders: ['authorization', ' Cookie ', 'X-Multi', 'X-Absent', 'Content-Type', ''],
    })

    const multi = structuredClone(request)
    multi.Event.HTTPRequest.Header['X-Multi'] = ['one', 'two']
    await hooks.invoke(multi)

    const raw = server.received[0]?.rawHeaders ?? []
    expect(rawHeader(raw, 'authorization')).toEqual([['authorization', 'Bearer abc']])
    expect(rawHeader(raw, 'x-multi')).toEqual([
      ['X-Multi', 'one'],
      ['X-Multi', 'two'],
    ])
    // Node joins cookies into one line, as RFC 6265 asks of clients (Go sends one line per value).
    expect(rawHeader(raw, 'cookie')).toEqual([['Cookie', 'a=1; b=2']])
    // Not listed, listed but absent, or framing the hook request itself: not forwarded.
    expect(rawHeader(raw, 'x-secret')).toEqual([])
    expect(rawHeader(raw, 'x-absent')).toEqual([])
    expect(rawHeader(raw, 'content-type')).toEqual([['Content-Type', 'application/json']])
  })

  test('forwards nothing by default', async () => {
    const server = await hookServer((res) => reply(res, 200, '{}'))
    await new HttpHookHandler({ endpoint: server.url }).invoke(request)

    const names = (server.received[0]?.rawHeaders ?? []).filter((_, i) => i % 2 === 0)
    expect(names.map((n) => n.toLowerCase()).sort()).toEqual([
      'connection',
      'content-length',
      'content-type',
      'host',
    ])
  })

  test('leaves out a forwarded value Node cannot send instead of failing the hook', async () => {
    const server = await hookServer((res) => reply(res, 200, '{}'))
    const hooks = new HttpHookHandler({ endpoint: server.url, forwardHeaders: ['X-Trace'] })
    const odd = structuredClone(request)
    odd.Event.HTTPRequest.Header['X-Trace'] = ['good', 'bad\r\nInjected: 1']

    await expect(hooks.invoke(odd)).resolves.toEqual({})
    const raw = server.received[0]?.rawHeaders ?? []
    expect(rawHeader(raw, 'x-trace')).toEqual([['X-Trace', 'good']])
    expect(rawHeader(raw, 'injected')).toEqual([])
  })

  test('is not sent when Go could not hold it: the hook fails, naming the field', async () => {
    const server = await hookServer((res) => reply(res, 200, '{}'))
    const hooks = new HttpHookHandler({ endpoint: server.url })
    const bad = structuredClone(request)
    ;(bad.Event.Upload as { Size: unknown }).Size = undefined

    await expect(hooks.invoke(bad)).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook pre-create: ${server.url}: invalid request: Event.Upload.Size is not an integer`,
    })
    expect(server.received).toHaveLength(0)
  })
})
