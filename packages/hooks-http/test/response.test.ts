import { HttpHookHandler } from '@tus/hooks-http'
import { describe, expect, test } from 'vitest'
import { hookRequest, hookServer, reply } from './servers.js'

/** A handler for `url` that never retries, so each test sees one request. */
function once(url: string, sizeLimit?: number) {
  return new HttpHookHandler({ endpoint: url, retry: 1, backoff: 0, timeout: 5_000, sizeLimit })
}

/** A JSON body of exactly `size` bytes. */
function jsonOfSize(size: number): string {
  const head = '{"RejectUpload":true,"Pad":"'
  const tail = '"}'
  return `${head}${'x'.repeat(size - head.length - tail.length)}${tail}`
}

describe('a 2xx JSON answer', () => {
  test('becomes the HookResponse', async () => {
    const answer = {
      RejectUpload: true,
      HTTPResponse: {
        StatusCode: 422,
        Body: '{"error":"x"}',
        Header: { 'Content-Type': 'application/json' },
      },
    }
    const server = await hookServer((res) => reply(res, 200, JSON.stringify(answer)))
    await expect(once(server.url).invoke(hookRequest('pre-create'))).resolves.toEqual(answer)
  })

  test.each(['application/json; charset=utf-8', 'Application/JSON'])(
    'is accepted with Content-Type %s',
    async (type) => {
      const server = await hookServer((res) => reply(res, 201, '{"StopUpload":true}', type))
      await expect(once(server.url).invoke(hookRequest('post-receive'))).resolves.toEqual({
        StopUpload: true,
      })
    },
  )

  test('is decoded from its bytes, as Go decodes them', async () => {
    // e2 82 is a cut UTF-8 sequence: two U+FFFD for Go, one for a TextDecoder.
    const body = Buffer.concat([
      Buffer.from('{"HTTPResponse":{"StatusCode":409,"Body":"a'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('b"}}'),
    ])
    const server = await hookServer((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length })
      res.end(body)
    })
    await expect(once(server.url).invoke(hookRequest())).resolves.toEqual({
      HTTPResponse: { StatusCode: 409, Body: 'a\uFFFD\uFFFDb' },
    })
  })

  test('of exactly sizeLimit bytes is read; chunked or not', async () => {
    const body = jsonOfSize(64)
    const server = await hookServer((res, i) => {
      if (i === 0) reply(res, 200, body)
      else {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.write(body.slice(0, 10))
        res.end(body.slice(10))
      }
    })
    const hooks = once(server.url, 64)
    await expect(hooks.invoke(hookRequest())).resolves.toEqual({ RejectUpload: true })
    await expect(hooks.invoke(hookRequest())).resolves.toEqual({ RejectUpload: true })
  })
})

describe('an answer tusd refuses fails the hook with 502 ERR_HOOK_FAILED', () => {
  test('a body over sizeLimit, declared or streamed', async () => {
    const body = jsonOfSize(65)
    const server = await hookServer((res, i) => {
      if (i === 0) reply(res, 200, body)
      else {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.write(body.slice(0, 40))
        res.end(body.slice(40))
      }
    })
    const hooks = once(server.url, 64)
    for (let i = 0; i < 2; i++) {
      await expect(hooks.invoke(hookRequest())).rejects.toMatchObject({
        code: 'ERR_HOOK_FAILED',
        status: 502,
        message: `hook post-finish: ${server.url} response larger than 64 bytes`,
      })
    }
  })

  test('the default limit is 5120 bytes', async () => {
    const server = await hookServer((res, i) => reply(res, 200, jsonOfSize(5120 + i)))
    const hooks = new HttpHookHandler({ endpoint: server.url, retry: 1 })
    await expect(hooks.invoke(hookRequest())).resolves.toEqual({ RejectUpload: true })
    await expect(hooks.invoke(hookRequest())).rejects.toThrow('response larger than 5120 bytes')
  })

  test('a wrong Content-Type', async () => {
    const server = await hookServer((res) => reply(res, 200, '{}', 'text/html; charset=utf-8'))
    await expect(once(server.url).invoke(hookRequest('pre-create'))).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook pre-create: ${server.url} responded with Content-Type text/html; charset=utf-8, want application/json`,
    })
  })

  test('no Content-Type', async () => {
    const server = await hookServer((res) => reply(res, 200, '{}', null))
    await expect(once(server.url).invoke(hookRequest())).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook post-finish: ${server.url} responded without a Content-Type, want application/json`,
    })
  })

  test('a body that is not JSON, quoting one byte of it at most', async () => {
    const server = await hookServer((res) => reply(res, 200, '<html>secret page</html>'))
    const error = await once(server.url)
      .invoke(hookRequest())
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook post-finish: ${server.url} response is not JSON: invalid character '<' looking for beginning of value (at byte 0)`,
    })
    expect(String((error as Error).message)).not.toContain('secret')
  })

  test('an empty body, as Go cannot unmarshal it', async () => {
    const server = await hookServer((res, i) =>
      i === 0 ? reply(res, 200, '') : reply(res, 204, ''),
    )
    const hooks = once(server.url)
    for (let i = 0; i < 2; i++) {
      await expect(hooks.invoke(hookRequest())).rejects.toMatchObject({
        code: 'ERR_HOOK_FAILED',
        message: `hook post-finish: ${server.url} response is empty, want JSON`,
      })
    }
  })

  test('a JSON value of a wrong type', async () => {
    const server = await hookServer((res) =>
      reply(res, 200, '{"HTTPResponse":{"StatusCode":"403"}}'),
    )
    await expect(once(server.url).invoke(hookRequest('pre-access'))).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook pre-access: ${server.url} response is invalid: cannot unmarshal string into HookResponse.HTTPResponse.StatusCode of type int`,
    })
  })

  test('a status code the handler could not send, or 400.0, which Go refuses', async () => {
    const server = await hookServer((res, i) =>
      reply(res, 200, `{"HTTPResponse":{"StatusCode":${i === 0 ? '700' : '400.0'}}}`),
    )
    const hooks = once(server.url)
    await expect(hooks.invoke(hookRequest('pre-create'))).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook pre-create: ${server.url} response is invalid: HookResponse.HTTPResponse.StatusCode must be 0 (unset) or 200..599, got 700`,
    })
    await expect(hooks.invoke(hookRequest('pre-create'))).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook pre-create: ${server.url} response is invalid: cannot unmarshal number 400.0 into HookResponse.HTTPResponse.StatusCode of type int`,
    })
  })

  test('a 4xx, with the body in the cause only, not in the message', async () => {
    const server = await hookServer((res) => reply(res, 403, 'internal detail', 'text/plain'))
    const error = await once(server.url)
      .invoke(hookRequest())
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'ERR_HOOK_FAILED',
      status: 502,
      message: `hook post-finish: ${server.url} answered 403`,
    })
    expect(String((error as Error).cause)).toContain('internal detail')
  })

  test('a redirect, which is not followed', async () => {
    const server = await hookServer((res) => {
      res.writeHead(307, { Location: '/elsewhere', 'Content-Length': '0' })
      res.end()
    })
    await expect(once(server.url).invoke(hookRequest())).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook post-finish: ${server.url} answered 307; redirects are not followed`,
    })
    expect(server.received).toHaveLength(1)
  })

  test('a body that breaks off after a 200', async () => {
    const server = await hookServer((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' })
      res.write('{"RejectUpload":')
      setTimeout(() => res.socket?.destroy(), 20)
    })
    await expect(once(server.url).invoke(hookRequest())).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook post-finish: ${server.url} answered 200 but the connection closed before the response body ended`,
    })
  })

  test('messages name the endpoint without credentials or query', async () => {
    const server = await hookServer((res) => reply(res, 404, ''))
    const url = server.url.replace('http://', 'http://user:pass@')
    const error = await once(`${url}?token=secret`)
      .invoke(hookRequest())
      .catch((e: unknown) => e)
    expect((error as Error).message).toBe(`hook post-finish: ${server.url} answered 404`)
    expect(server.received[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('user:pass').toString('base64')}`,
    )
  })
})
