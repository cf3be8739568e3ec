import { HttpHookHandler } from '@tus/hooks-http'
import { describe, expect, test } from 'vitest'
import { closedPort, hookRequest, hookServer, reply } from './servers.js'

/** Milliseconds between consecutive requests. */
function gaps(at: number[]): number[] {
  return at.slice(1).map((t, i) => t - (at[i] as number))
}

describe('retries, as pester does them for tusd', () => {
  test('a 5xx is retried up to `retry` requests in all, `backoff` apart', async () => {
    const server = await hookServer((res) => reply(res, 500, 'boom', 'text/plain'))
    const hooks = new HttpHookHandler({ endpoint: server.url, retry: 3, backoff: 60 })

    const error = await hooks.invoke(hookRequest()).catch((e: unknown) => e)

    expect(error).toMatchObject({
      code: 'ERR_HOOK_FAILED',
      status: 502,
      message: `hook post-finish: ${server.url} answered 500 after 3 attempts`,
    })
    expect(String((error as Error).message)).not.toContain('boom')
    expect(server.received).toHaveLength(3)
    for (const gap of gaps(server.received.map((r) => r.at))) expect(gap).toBeGreaterThanOrEqual(55)
    // Every attempt sends the same body.
    expect(new Set(server.received.map((r) => r.body)).size).toBe(1)
  })

  test('a later 2xx answer wins', async () => {
    const server = await hookServer((res, i) =>
      i < 2 ? reply(res, 503, '') : reply(res, 200, '{"StopUpload":true}'),
    )
    const hooks = new HttpHookHandler({ endpoint: server.url, retry: 3, backoff: 10 })
    await expect(hooks.invoke(hookRequest('post-receive'))).resolves.toEqual({ StopUpload: true })
    expect(server.received).toHaveLength(3)
  })

  test('a dropped connection is retried', async () => {
    const server = await hookServer((res, i) =>
      i === 0 ? res.socket?.destroy() : reply(res, 200, '{"RejectUpload":true}'),
    )
    const hooks = new HttpHookHandler({ endpoint: server.url, retry: 2, backoff: 10 })
    await expect(hooks.invoke(hookRequest('pre-create'))).resolves.toEqual({ RejectUpload: true })
    expect(server.received).toHaveLength(2)
  })

  test('a refused connection is retried, then fails with the socket error', async () => {
    const port = await closedPort()
    const hooks = new HttpHookHandler({
      endpoint: `http://127.0.0.1:${port}/hooks`,
      retry: 3,
      backoff: 50,
    })
    const started = performance.now()
    const error = await hooks.invoke(hookRequest()).catch((e: unknown) => e)
    expect(performance.now() - started).toBeGreaterThanOrEqual(95)
    expect(error).toMatchObject({ code: 'ERR_HOOK_FAILED', status: 502 })
    expect((error as Error).message).toMatch(
      new RegExp(
        `^hook post-finish: http://127\\.0\\.0\\.1:${port}/hooks could not be reached after 3 attempts: .*ECONNREFUSED`,
      ),
    )
  })

  test.each([400, 404, 409, 429])('a %i is final: no retry', async (status) => {
    const server = await hookServer((res) => reply(res, status, '{}'))
    const hooks = new HttpHookHandler({ endpoint: server.url, retry: 3, backoff: 10 })
    await expect(hooks.invoke(hookRequest())).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook post-finish: ${server.url} answered ${status}`,
    })
    expect(server.received).toHaveLength(1)
  })

  test('a bad 2xx answer is final: no retry', async () => {
    const server = await hookServer((res) => reply(res, 200, 'nope'))
    const hooks = new HttpHookHandler({ endpoint: server.url, retry: 3, backoff: 10 })
    await expect(hooks.invoke(hookRequest())).rejects.toThrow('response is not JSON')
    expect(server.received).toHaveLength(1)
  })

  test('retry 0 or 1 sends one request, and the message does not count attempts', async () => {
    const server = await hookServer((res) => reply(res, 502, ''))
    for (const retry of [0, 1]) {
      const hooks = new HttpHookHandler({ endpoint: server.url, retry, backoff: 10 })
      await expect(hooks.invoke(hookRequest())).rejects.toThrow(
        `hook post-finish: ${server.url} answered 502`,
      )
    }
    expect(server.received).toHaveLength(2)
  })
})

describe('one deadline for all attempts: 504 ERR_HOOK_TIMEOUT', () => {
  test('runs across retries and backoffs', async () => {
    const server = await hookServer((res) => reply(res, 500, ''))
    const hooks = new HttpHookHandler({
      endpoint: server.url,
      retry: 10,
      backoff: 100,
      timeout: 250,
    })
    const started = performance.now()

    const error = await hooks.invoke(hookRequest('pre-finish')).catch((e: unknown) => e)

    const elapsed = performance.now() - started
    expect(error).toMatchObject({ code: 'ERR_HOOK_TIMEOUT', status: 504 })
    expect((error as Error).message).toMatch(
      /^hook pre-finish: http:\/\/127\.0\.0\.1:\d+\/hooks did not answer within 250 ms \([23] attempts\)$/,
    )
    expect(elapsed).toBeGreaterThanOrEqual(245)
    expect(elapsed).toBeLessThan(1_000)
    expect(server.received.length).toBeGreaterThanOrEqual(2)
    expect(server.received.length).toBeLessThanOrEqual(3)
  })

  test('ends a request to a server that never answers', async () => {
    const server = await hookServer(() => {})
    const hooks = new HttpHookHandler({ endpoint: server.url, timeout: 200 })
    const started = performance.now()
    await expect(hooks.invoke(hookRequest('pre-create'))).rejects.toMatchObject({
      code: 'ERR_HOOK_TIMEOUT',
      status: 504,
      message: `hook pre-create: ${server.url} did not answer within 200 ms`,
    })
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(server.received).toHaveLength(1)
  })

  test('ends a response body that never ends', async () => {
    const server = await hookServer((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.write('{"RejectUpload":')
    })
    const hooks = new HttpHookHandler({ endpoint: server.url, timeout: 200 })
    await expect(hooks.invoke(hookRequest())).rejects.toMatchObject({ code: 'ERR_HOOK_TIMEOUT' })
  })

  test("a caller's signal that times out is a timeout too", async () => {
    const server = await hookServer(() => {})
    const hooks = new HttpHookHandler({ endpoint: server.url })
    await expect(
      hooks.invoke(hookRequest(), { signal: AbortSignal.timeout(50) }),
    ).rejects.toMatchObject({
      code: 'ERR_HOOK_TIMEOUT',
      message: `hook post-finish: ${server.url} did not answer in time`,
    })
  })
})

describe("the caller's signal", () => {
  test('aborts a request in flight: 502 ERR_HOOK_FAILED with the reason as cause', async () => {
    const server = await hookServer(() => {})
    const hooks = new HttpHookHandler({ endpoint: server.url })
    const controller = new AbortController()
    const reason = new Error('shutting down')
    setTimeout(() => controller.abort(reason), 50)

    const error = await hooks.invoke(hookRequest(), { signal: controller.signal }).catch((e) => e)

    expect(error).toMatchObject({
      code: 'ERR_HOOK_FAILED',
      status: 502,
      message: `hook post-finish: ${server.url} aborted`,
    })
    expect((error as Error).cause).toBe(reason)
  })

  test('stops the retries during a backoff', async () => {
    const server = await hookServer((res) => reply(res, 500, ''))
    const hooks = new HttpHookHandler({ endpoint: server.url, retry: 3, backoff: 5_000 })
    const controller = new AbortController()
    const started = performance.now()
    setTimeout(() => controller.abort(), 100)

    await expect(hooks.invoke(hookRequest(), { signal: controller.signal })).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      message: `hook post-finish: ${server.url} aborted`,
    })

    expect(performance.now() - started).toBeLessThan(1_000)
    expect(server.received).toHaveLength(1)
  })

  test('already aborted: nothing is sent', async () => {
    const server = await hookServer((res) => reply(res, 200, '{}'))
    const hooks = new HttpHookHandler({ endpoint: server.url })
    await expect(
      hooks.invoke(hookRequest(), { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'ERR_HOOK_FAILED' })
    expect(server.received).toHaveLength(0)
  })

  test('that aborts with a TusError still yields a hook error', async () => {
    const server = await hookServer(() => {})
    const hooks = new HttpHookHandler({ endpoint: server.url })
    const controller = new AbortController()
    const reason = { code: 'ERR_SERVER_SHUTDOWN', status: 503, message: 'shutting down' }
    setTimeout(() => controller.abort(reason), 20)
    await expect(hooks.invoke(hookRequest(), { signal: controller.signal })).rejects.toMatchObject({
      code: 'ERR_HOOK_FAILED',
      cause: reason,
    })
  })
})
