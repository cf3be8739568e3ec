import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  assertBuilt,
  cleanup,
  createUpload,
  headUpload,
  openRaw,
  patchHead,
  rawRequest,
  requestHead,
  startTusd,
  TUS,
  type Tusd,
  withTimeout,
} from './harness.js'

/**
 * Hostile and broken requests against one running server: each gets a 4xx
 * with an ERR_* code (or Node's own 400/431 for malformed HTTP), never a 5xx,
 * and the server stays up throughout.
 */

const MAX_SIZE = 10 * 1024 * 1024
const ERROR_BODY = /^ERR_[A-Z_]+: .+\n$/

let tusd: Tusd
let upload: string // an upload of 100 bytes, offset 0
beforeAll(async () => {
  assertBuilt()
  tusd = await startTusd({ args: ['-max-size', String(MAX_SIZE)] })
  upload = await createUpload(tusd, 100)
})
afterEach(async () => {
  expect(tusd.running(), tusd.output()).toBe(true)
  expect((await fetch(tusd.url, { method: 'OPTIONS' })).status).toBe(200)
})
afterAll(async () => {
  expect(tusd.stderr()).not.toMatch(/Uncaught|Unhandled/)
  await cleanup()
})

/** Asserts a 4xx with an `ERR_*` body (and the given code, if any). */
async function expectClientError(res: Response, code?: string, status?: number) {
  const body = await res.text()
  expect(res.status, body).toBeGreaterThanOrEqual(400)
  expect(res.status, body).toBeLessThan(500)
  if (status !== undefined) expect(res.status, body).toBe(status)
  expect(body).toMatch(ERROR_BODY)
  if (code !== undefined) expect(body.startsWith(`${code}: `), body).toBe(true)
}

const post = (headers: Record<string, string>) =>
  fetch(tusd.url, { method: 'POST', headers: { ...TUS, ...headers } })
const patch = (
  offset: string,
  body: Uint8Array = new Uint8Array(1),
  headers: Record<string, string> = {},
) =>
  fetch(upload, {
    method: 'PATCH',
    headers: {
      ...TUS,
      'Content-Type': 'application/offset+octet-stream',
      'Upload-Offset': offset,
      ...headers,
    },
    body,
  })

describe('Upload-Length', () => {
  it.each(['-1', 'abc', '1.5', '1e3', '0x10', ' ', '+-1', '1 2'])(
    '%j → 400 ERR_INVALID_UPLOAD_LENGTH',
    async (value) => {
      await expectClientError(
        await post({ 'Upload-Length': value }),
        'ERR_INVALID_UPLOAD_LENGTH',
        400,
      )
    },
  )

  it('missing → 400 ERR_INVALID_UPLOAD_LENGTH', async () => {
    await expectClientError(await post({}), 'ERR_INVALID_UPLOAD_LENGTH', 400)
  })

  it.each([
    '99999999999999999999',
    '9223372036854775807',
    '9007199254740993',
    String(MAX_SIZE + 1),
  ])('huge %s → 4xx', async (value) => {
    await expectClientError(await post({ 'Upload-Length': value }))
  })

  it('with Upload-Defer-Length → 400 ERR_AMBIGUOUS_UPLOAD_LENGTH', async () => {
    const res = await post({ 'Upload-Length': '5', 'Upload-Defer-Length': '1' })
    await expectClientError(res, 'ERR_AMBIGUOUS_UPLOAD_LENGTH', 400)
  })

  it('Upload-Defer-Length other than 1 → 400 ERR_INVALID_UPLOAD_LENGTH_DEFER', async () => {
    await expectClientError(
      await post({ 'Upload-Defer-Length': '2' }),
      'ERR_INVALID_UPLOAD_LENGTH_DEFER',
      400,
    )
  })
})

describe('Upload-Offset', () => {
  it.each(['-1', 'abc', '1.5', '1e3', '99999999999999999999', ''])(
    '%j → 400 ERR_INVALID_OFFSET',
    async (value) => {
      await expectClientError(await patch(value), 'ERR_INVALID_OFFSET', 400)
    },
  )

  it('not the current offset → 409 ERR_MISMATCHED_OFFSET', async () => {
    await expectClientError(await patch('50'), 'ERR_MISMATCHED_OFFSET', 409)
  })

  it('a body past Upload-Length → 413 ERR_UPLOAD_SIZE_EXCEEDED', async () => {
    await expectClientError(await patch('0', new Uint8Array(101)), 'ERR_UPLOAD_SIZE_EXCEEDED', 413)
  })

  it('a wrong Content-Type → 400 ERR_INVALID_CONTENT_TYPE', async () => {
    const res = await patch('0', new Uint8Array(1), { 'Content-Type': 'text/plain' })
    await expectClientError(res, 'ERR_INVALID_CONTENT_TYPE', 400)
  })

  it('left the upload untouched', async () => {
    expect((await headUpload(upload)).offset).toBe(0)
  })
})

describe('Upload-Metadata', () => {
  it('drops malformed pairs and keeps the valid ones, as tusd (no error)', async () => {
    const metadata =
      'name aGVsbG8=, bad !!!notbase64, a b c, , justkey,  spaced  dGVzdA==,\u00e9 eA=='
    const url = await createUpload(tusd, 1, { 'Upload-Metadata': metadata })
    const head = await headUpload(url)
    expect(head.status).toBe(200)
    const pairs = (head.headers.get('upload-metadata') ?? '').split(',').sort()
    expect(pairs).toContain('name aGVsbG8=')
    expect(pairs.some((pair) => pair.startsWith('bad'))).toBe(false)
    expect(pairs.some((pair) => pair.startsWith('a '))).toBe(false)
  })

  it('a metadata header of 15 KiB of garbage → never a 5xx', async () => {
    const res = await post({
      'Upload-Length': '1',
      'Upload-Metadata': `k ${'%'.repeat(15 * 1024)}`,
    })
    expect(res.status).toBeLessThan(500)
  })
})

describe('upload ids that try to leave the upload directory', () => {
  const paths = [
    '/files/..%2f..%2fetc%2fpasswd',
    '/files/..%2F..%2F..%2Fetc%2Fpasswd',
    '/files/../x',
    '/files/../../etc/passwd',
    '/files/%2e%2e/x',
    '/files/a/../../x',
    '/files/..',
    '/files/.',
    '/files/..\\..\\etc\\passwd',
    '/files/%00',
    '/files/x%00.info',
  ]

  it.each(paths)('GET/PATCH/DELETE %s → 4xx with an ERR_* code', async (path) => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const request =
        method === 'PATCH'
          ? `${patchHead(path, 0, 1)}x`
          : requestHead(method, path, { 'Tus-Resumable': '1.0.0' })
      const res = await rawRequest(tusd.port, request)
      expect(res.status, `${method} ${path}: ${res.body}`).toBeGreaterThanOrEqual(400)
      expect(res.status, `${method} ${path}: ${res.body}`).toBeLessThan(500)
      expect(res.body, `${method} ${path}`).toMatch(ERROR_BODY)
    }
  })

  it.each(paths)('HEAD %s → 4xx', async (path) => {
    const res = await rawRequest(
      tusd.port,
      requestHead('HEAD', path, { 'Tus-Resumable': '1.0.0' }),
      { head: true },
    )
    expect(res.status, `HEAD ${path}`).toBeGreaterThanOrEqual(400)
    expect(res.status, `HEAD ${path}`).toBeLessThan(500)
  })

  it('wrote nothing outside the upload directory', async () => {
    const parent = join(tusd.dir, '..')
    expect(existsSync(join(parent, 'x'))).toBe(false)
    expect(existsSync(join(parent, 'x.info'))).toBe(false)
    for (const name of await readdir(tusd.dir)) expect(name).not.toMatch(/\.\.|passwd/)
  })

  it('an unknown id → 404 ERR_UPLOAD_NOT_FOUND', async () => {
    await expectClientError(
      await fetch(`${tusd.url}doesnotexist`, {
        method: 'PATCH',
        headers: {
          ...TUS,
          'Content-Type': 'application/offset+octet-stream',
          'Upload-Offset': '0',
        },
        body: 'x',
      }),
      'ERR_UPLOAD_NOT_FOUND',
      404,
    )
    expect((await headUpload(`${tusd.url}doesnotexist`)).status).toBe(404)
  })
})

describe('protocol and HTTP', () => {
  it.each([
    ['a wrong version', { 'Tus-Resumable': '0.2.2' }],
    ['no version', { 'Tus-Resumable': '' }],
  ])('%s → 412 ERR_UNSUPPORTED_VERSION', async (_name, headers) => {
    const res = await fetch(tusd.url, {
      method: 'POST',
      headers: { 'Upload-Length': '1', ...headers },
    })
    await expectClientError(res, 'ERR_UNSUPPORTED_VERSION', 412)
  })

  it('a header over 16 KiB → 431 from Node', async () => {
    const res = await fetch(tusd.url, {
      method: 'POST',
      headers: { ...TUS, 'Upload-Length': '1', 'X-Big': 'x'.repeat(17 * 1024) },
    })
    expect(res.status).toBe(431)
  })

  it('many headers adding up to over 16 KiB → 431 from Node', async () => {
    const headers: Record<string, string> = { ...TUS, 'Upload-Length': '1' }
    for (let i = 0; i < 40; i++) headers[`X-Pad-${i}`] = 'y'.repeat(500)
    expect((await fetch(tusd.url, { method: 'POST', headers })).status).toBe(431)
  })

  it('garbage instead of HTTP → 400 from Node', async () => {
    const res = await rawRequest(tusd.port, 'HELLO THERE\r\n\r\n')
    expect(res.status).toBe(400)
  })

  it('a body shorter than its Content-Length, then EOF → no 5xx, the bytes that came are kept', async () => {
    const url = await createUpload(tusd, 10)
    const connection = await openRaw(tusd.port)
    await connection.write(`${patchHead(new URL(url).pathname, 0, 10)}abc`)
    connection.socket.end()
    const answer = await withTimeout(connection.response, 5000, 'response to a short body').catch(
      () => undefined,
    )
    if (answer) expect(answer.status, answer.body).toBe(400)
    const head = await headUpload(url)
    expect(head.status).toBe(200)
    expect([0, 3]).toContain(head.offset)
  })

  it('an unknown method on an upload → 405', async () => {
    const res = await rawRequest(
      tusd.port,
      requestHead('PUT', new URL(upload).pathname, {
        'Tus-Resumable': '1.0.0',
        'Content-Length': 0,
      }),
    )
    expect(res.status).toBe(405)
  })
})
