import { HTTP_HOOKS_DEFAULTS, HttpHookHandler, type HttpHooksOptions } from '@tus/hooks-http'
import { describe, expect, test } from 'vitest'

const endpoint = 'http://127.0.0.1:1/hooks'

describe('HttpHookHandler options', () => {
  test("defaults are tusd's", () => {
    expect(HTTP_HOOKS_DEFAULTS).toEqual({
      retry: 3,
      backoff: 1_000,
      timeout: 15_000,
      sizeLimit: 5120,
    })
    expect(new HttpHookHandler({ endpoint })).toBeInstanceOf(HttpHookHandler)
  })

  test('accepts the edges of each range', () => {
    const edges: HttpHooksOptions = {
      endpoint: 'https://hooks.example/tus?token=x',
      forwardHeaders: [],
      retry: 0,
      backoff: 0,
      timeout: 1,
      sizeLimit: 1,
    }
    expect(new HttpHookHandler(edges)).toBeInstanceOf(HttpHookHandler)
  })

  test.each<[string, Partial<HttpHooksOptions> | null]>([
    ['endpoint must be a string', { endpoint: undefined }],
    ['endpoint must be an absolute URL', { endpoint: '/hooks' }],
    ['endpoint must be an http:// or https:// URL', { endpoint: 'ftp://example.com/hooks' }],
    ['forwardHeaders must be an array', { forwardHeaders: 'Cookie' as unknown as string[] }],
    ['forwardHeaders has an invalid header name', { forwardHeaders: ['Bad Header'] }],
    ['retry must be an integer >= 0', { retry: -1 }],
    ['retry must be an integer >= 0', { retry: 1.5 }],
    ['backoff must be a number of milliseconds', { backoff: -1 }],
    ['backoff must be a number of milliseconds', { backoff: Number.NaN }],
    ['timeout must be a number of milliseconds', { timeout: 0 }],
    ['timeout must be a number of milliseconds', { timeout: 2 ** 31 }],
    ['sizeLimit must be an integer >= 1', { sizeLimit: 0 }],
    ['sizeLimit must be an integer >= 1', { sizeLimit: 10.5 }],
    ['options must be an object', null],
  ])('throws a TypeError: %s', (message, options) => {
    const given = (options === null ? null : { endpoint, ...options }) as HttpHooksOptions
    expect(() => new HttpHookHandler(given)).toThrow(TypeError)
    expect(() => new HttpHookHandler(given)).toThrow(message)
  })
})
