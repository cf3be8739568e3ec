import { FileStore } from '@tus/filestore'
import {
  type CorsOptions,
  createTusHandler,
  DEFAULT_CORS_ALLOW_HEADERS,
  DEFAULT_CORS_ALLOW_METHODS,
  DEFAULT_CORS_EXPOSE_HEADERS,
} from '@tus/handler'
import { describe, expect, it } from 'vitest'
import { addCorsHeaders, resolveCors } from '../src/cors.js'
import { type Case, send, TUS, table } from './harness.js'

const ORIGIN = 'https://app.example'
const REFUSED = 'ERR_ORIGIN_NOT_ALLOWED: request origin is not allowed\n'

/** The headers of an answer to an allowed origin on anything but a preflight. */
const ACTUAL = {
  'Access-Control-Allow-Origin': ORIGIN,
  'Access-Control-Expose-Headers': DEFAULT_CORS_EXPOSE_HEADERS,
  'Access-Control-Allow-Methods': null,
  'Access-Control-Allow-Headers': null,
  'Access-Control-Max-Age': null,
  'Access-Control-Allow-Credentials': null,
  Vary: 'Origin',
}

/** The headers of an answer to an allowed origin's preflight. */
const PREFLIGHT = {
  'Access-Control-Allow-Origin': ORIGIN,
  'Access-Control-Allow-Methods': DEFAULT_CORS_ALLOW_METHODS,
  'Access-Control-Allow-Headers': DEFAULT_CORS_ALLOW_HEADERS,
  'Access-Control-Max-Age': '86400',
  'Access-Control-Expose-Headers': null,
  'Access-Control-Allow-Credentials': null,
  Vary: 'Origin',
}

/** No CORS header at all, Vary included. */
const NONE = {
  'Access-Control-Allow-Origin': null,
  'Access-Control-Allow-Methods': null,
  'Access-Control-Allow-Headers': null,
  'Access-Control-Max-Age': null,
  'Access-Control-Expose-Headers': null,
  'Access-Control-Allow-Credentials': null,
  Vary: null,
}

/** An answer that refuses the origin: only Vary. */
const REFUSAL = { ...NONE, Vary: 'Origin' }

const create = (origin: string, cors?: CorsOptions): Case => ({
  name: `POST from ${origin}`,
  options: cors === undefined ? {} : { cors },
  method: 'POST',
  url: '/files/',
  headers: { ...TUS, 'Upload-Length': '5', Origin: origin },
  status: 201,
  responseHeaders: { ...ACTUAL, 'Access-Control-Allow-Origin': origin },
})

const refused = (origin: string, cors: CorsOptions): Case => ({
  name: `POST from ${origin} is refused`,
  options: { cors },
  method: 'POST',
  url: '/files/',
  headers: { ...TUS, 'Upload-Length': '5', Origin: origin },
  status: 403,
  responseHeaders: REFUSAL,
  responseBody: REFUSED,
})

table('CORS: defaults (every origin, tusd’s lists)', [
  {
    ...create(ORIGIN),
    name: 'an actual request gets the echoed origin and the expose list, no preflight headers',
  },
  { ...create('http://localhost:3000'), name: 'any origin is echoed, never *' },
  {
    name: 'a preflight gets the allow lists and max age, next to the tus headers',
    method: 'OPTIONS',
    url: '/files/',
    headers: {
      Origin: ORIGIN,
      'Access-Control-Request-Method': 'PATCH',
      'Access-Control-Request-Headers': 'tus-resumable, upload-offset, content-type',
    },
    status: 200,
    responseHeaders: { ...PREFLIGHT, 'Tus-Version': '1.0.0', 'Tus-Resumable': '1.0.0' },
    responseBody: '',
  },
  {
    name: 'a preflight on an upload URL is answered the same way',
    method: 'OPTIONS',
    url: '/files/abc',
    headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'DELETE' },
    status: 200,
    responseHeaders: PREFLIGHT,
  },
  {
    name: 'without Origin, no CORS headers but Vary: Origin',
    method: 'OPTIONS',
    url: '/files/',
    status: 200,
    responseHeaders: { ...NONE, Vary: 'Origin' },
  },
  {
    name: 'an empty Origin counts as none (tusd)',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '5', Origin: '' },
    status: 201,
    responseHeaders: { ...NONE, Vary: 'Origin' },
  },
  {
    name: 'X-HTTP-Method-Override applies first: an overridden preflight is one',
    method: 'POST',
    url: '/files/',
    headers: { 'X-HTTP-Method-Override': 'OPTIONS', Origin: ORIGIN },
    status: 200,
    responseHeaders: { ...PREFLIGHT, 'Tus-Version': '1.0.0' },
  },
])

table('CORS: on every answer', [
  {
    name: 'GET with a body',
    setup: (f) => f.upload('abc', { Size: 5 }, 'hello'),
    method: 'GET',
    url: '/files/abc',
    headers: { Origin: ORIGIN },
    status: 200,
    responseHeaders: ACTUAL,
    responseBody: 'hello',
  },
  {
    name: 'HEAD',
    setup: (f) => f.upload('abc', { Size: 5 }, 'hel'),
    method: 'HEAD',
    url: '/files/abc',
    headers: { ...TUS, Origin: ORIGIN },
    status: 200,
    responseHeaders: { ...ACTUAL, 'Upload-Offset': '3' },
  },
  {
    name: 'PATCH',
    setup: (f) => f.upload('abc', { Size: 5 }),
    method: 'PATCH',
    url: '/files/abc',
    headers: {
      ...TUS,
      'Content-Type': 'application/offset+octet-stream',
      'Upload-Offset': '0',
      Origin: ORIGIN,
    },
    body: 'hello',
    status: 204,
    responseHeaders: { ...ACTUAL, 'Upload-Offset': '5' },
  },
  {
    name: '404 outside the base path',
    method: 'GET',
    url: '/elsewhere',
    headers: { Origin: ORIGIN },
    status: 404,
    responseHeaders: ACTUAL,
  },
  {
    name: '404 ERR_UPLOAD_NOT_FOUND',
    method: 'HEAD',
    url: '/files/missing',
    headers: { ...TUS, Origin: ORIGIN },
    status: 404,
    responseHeaders: ACTUAL,
  },
  {
    name: '412 ERR_UNSUPPORTED_VERSION',
    method: 'POST',
    url: '/files/',
    headers: { 'Upload-Length': '5', Origin: ORIGIN },
    status: 412,
    responseHeaders: ACTUAL,
    responseBody: /^ERR_UNSUPPORTED_VERSION: /,
  },
  {
    name: '405 on the collection',
    method: 'PUT',
    url: '/files/',
    headers: { ...TUS, Origin: ORIGIN },
    status: 405,
    responseHeaders: { ...ACTUAL, Allow: 'POST' },
  },
  {
    name: '503 ERR_SERVER_SHUTDOWN after shutdown',
    setup: (f) => f.handler.shutdown(),
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '5', Origin: ORIGIN },
    status: 503,
    responseHeaders: ACTUAL,
    responseBody: /^ERR_SERVER_SHUTDOWN: /,
  },
  {
    name: 'Vary also without Origin, on an error',
    method: 'HEAD',
    url: '/files/missing',
    headers: TUS,
    status: 404,
    responseHeaders: { ...NONE, Vary: 'Origin' },
  },
])

const APP = { allowOrigin: 'https://app\\.example' }
const TWO = { allowOrigin: 'https://a\\.example|https://b\\.example' }

table('CORS: allowOrigin matches the whole Origin', [
  { ...create(ORIGIN, APP), name: 'the origin itself is allowed' },
  refused('https://app.example.evil.com', APP),
  refused('https://evil.com/?https://app.example', APP),
  refused('xhttps://app.example', APP),
  refused('https://appxexample', APP),
  { ...create('https://a.example', TWO), name: 'each alternative is allowed whole (a)' },
  { ...create('https://b.example', TWO), name: 'each alternative is allowed whole (b)' },
  refused('https://a.example.evil.com', TWO),
  refused('https://evil.com/https://b.example', TWO),
  {
    ...create(ORIGIN, { allowOrigin: /https:\/\/APP\.example/gi }),
    name: 'a RegExp keeps its i flag, and a g flag leaves no state between requests',
    after: async (f) => {
      for (let i = 0; i < 3; i++) {
        const again = await send('fetch', f.handler, {
          method: 'OPTIONS',
          url: '/files/',
          headers: { Origin: ORIGIN },
        })
        expect(again.headers['access-control-allow-origin']).toBe(ORIGIN)
      }
    },
  },
  {
    ...refused('https://evil.com', APP),
    name: 'a refused preflight is 403 too',
    method: 'OPTIONS',
    headers: { Origin: 'https://evil.com', 'Access-Control-Request-Method': 'PATCH' },
  },
  {
    name: 'a refused GET is 403 before any routing',
    options: { cors: APP },
    method: 'GET',
    url: '/files/missing',
    headers: { Origin: 'https://evil.com' },
    status: 403,
    responseHeaders: REFUSAL,
    responseBody: REFUSED,
  },
  {
    name: 'a refused HEAD is 403 without a body',
    options: { cors: APP },
    method: 'HEAD',
    url: '/files/missing',
    headers: { ...TUS, Origin: 'https://evil.com' },
    status: 403,
    responseHeaders: REFUSAL,
    responseBody: '',
  },
  {
    name: 'the origin check comes before the version check',
    options: { cors: APP },
    method: 'POST',
    url: '/files/',
    headers: { 'Upload-Length': '5', Origin: 'https://evil.com' },
    status: 403,
    responseBody: REFUSED,
  },
  {
    name: 'requests without Origin are not checked',
    options: { cors: APP },
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '5' },
    status: 201,
    responseHeaders: { ...NONE, Vary: 'Origin' },
  },
])

table('CORS: options', [
  {
    name: 'disabled: no CORS headers, no Vary, no origin check',
    options: { cors: { disable: true, allowOrigin: 'https://app\\.example' } },
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '5', Origin: 'https://evil.com' },
    status: 201,
    responseHeaders: NONE,
  },
  {
    name: 'disabled: a preflight gets only the tus answer',
    options: { cors: { disable: true } },
    method: 'OPTIONS',
    url: '/files/',
    headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PATCH' },
    status: 200,
    responseHeaders: { ...NONE, 'Tus-Version': '1.0.0' },
  },
  {
    name: 'credentials on a preflight',
    options: { cors: { allowCredentials: true } },
    method: 'OPTIONS',
    url: '/files/',
    headers: { Origin: ORIGIN },
    status: 200,
    responseHeaders: { ...PREFLIGHT, 'Access-Control-Allow-Credentials': 'true' },
  },
  {
    ...create(ORIGIN, { allowCredentials: true }),
    name: 'credentials on an actual request',
    responseHeaders: { ...ACTUAL, 'Access-Control-Allow-Credentials': 'true' },
  },
  {
    name: 'custom methods, headers and max age replace the defaults',
    options: {
      cors: {
        allowMethods: 'POST, PATCH',
        allowHeaders: `${DEFAULT_CORS_ALLOW_HEADERS}, X-Api-Key`,
        maxAge: 0,
      },
    },
    method: 'OPTIONS',
    url: '/files/',
    headers: { Origin: ORIGIN },
    status: 200,
    responseHeaders: {
      ...PREFLIGHT,
      'Access-Control-Allow-Methods': 'POST, PATCH',
      'Access-Control-Allow-Headers': `${DEFAULT_CORS_ALLOW_HEADERS}, X-Api-Key`,
      'Access-Control-Max-Age': '0',
    },
  },
  {
    ...create(ORIGIN, { exposeHeaders: 'Location, X-Trace' }),
    name: 'a custom expose list replaces the default',
    responseHeaders: { ...ACTUAL, 'Access-Control-Expose-Headers': 'Location, X-Trace' },
  },
])

describe('CORS: Vary is merged, never replaced', () => {
  const cors = resolveCors({})!

  it.each([
    [undefined, 'Origin'],
    ['Accept-Encoding', 'Accept-Encoding, Origin'],
    ['Accept-Encoding, origin', 'Accept-Encoding, origin'],
    ['Origin', 'Origin'],
    ['*', '*'],
    ['X-Origin-Id', 'X-Origin-Id, Origin'],
  ])('%j becomes %j', (vary, want) => {
    const headers: Record<string, string> = vary === undefined ? {} : { Vary: vary }
    addCorsHeaders(cors, headers, undefined, 'GET')
    expect(headers).toEqual({ Vary: want })
  })
})

describe('CORS: options are checked at construction', () => {
  const store = new FileStore({ directory: '/nonexistent' })
  const make = (cors: unknown) => () => createTusHandler({ store, cors: cors as CorsOptions })

  it('the defaults are tusd’s plus this server’s headers', () => {
    expect(DEFAULT_CORS_ALLOW_METHODS).toBe('POST, HEAD, PATCH, OPTIONS, GET, DELETE')
    expect(DEFAULT_CORS_ALLOW_HEADERS.split(', ')).toContain('Upload-Checksum')
    expect(DEFAULT_CORS_EXPOSE_HEADERS.split(', ')).toEqual(
      expect.arrayContaining(['Location', 'Upload-Offset', 'Upload-Expires']),
    )
    expect(resolveCors({})?.allowOrigin.source).toBe('^(?:.*)$')
    expect(resolveCors({ disable: true })).toBeUndefined()
  })

  it.each([
    [null, /`cors` must be an object/],
    [{ allowOrigin: '(' }, /`cors.allowOrigin` is not a valid pattern/],
    [{ allowOrigin: '' }, /`cors.allowOrigin` must not be empty/],
    [{ allowOrigin: /(?:)/ }, /`cors.allowOrigin` must not be empty/],
    [{ allowOrigin: 42 }, /`cors.allowOrigin` must be a RegExp or a string/],
    [{ maxAge: -1 }, /`cors.maxAge` must be a non-negative integer/],
    [{ maxAge: 1.5 }, /`cors.maxAge` must be a non-negative integer/],
    [{ allowHeaders: 'X-A\r\nSet-Cookie: x=1' }, /`cors.allowHeaders` must be a header value/],
    [{ exposeHeaders: 7 }, /`cors.exposeHeaders` must be a header value/],
  ])('%j is a TypeError', (cors, message) => {
    expect(make(cors)).toThrow(TypeError)
    expect(make(cors)).toThrow(message)
  })

  it('accepts no cors at all, and an empty object', () => {
    expect(make(undefined)).not.toThrow()
    expect(make({})).not.toThrow()
  })
})
