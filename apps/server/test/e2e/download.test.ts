import { randomBytes } from 'node:crypto'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, cleanup, createUpload, patchUpload, startTusd, type Tusd } from './harness.js'

/**
 * Downloads from the built binary over raw HTTP (undici's request, no fetch
 * semantics in between): one byte range per GET, validators and conditional
 * requests, on uploads made with tus requests.
 */

const SIZE = 100_000
let tusd: Tusd
let data: Buffer
/** A finished upload of `data`, written in two PATCHes. */
let url: string

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

async function get(target: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await request(target, { method: 'GET', headers })
  return {
    status: res.statusCode,
    headers: res.headers,
    body: Buffer.from(await res.body.arrayBuffer()),
  }
}

beforeAll(async () => {
  assertBuilt()
  tusd = await startTusd()
  data = randomBytes(SIZE)
  url = await createUpload(tusd, SIZE)
  expect(await patchUpload(url, 0, data.subarray(0, 40_000))).toMatchObject({ status: 204 })
  expect(await patchUpload(url, 40_000, data.subarray(40_000))).toMatchObject({
    status: 204,
    offset: SIZE,
  })
})
afterAll(cleanup)

describe('GET with one byte range', () => {
  it('without Range: 200, every byte, and the validators', async () => {
    const answer = await get(url)
    expect(answer.status).toBe(200)
    expect(answer.headers['accept-ranges']).toBe('bytes')
    expect(answer.headers.etag).toMatch(/^"[^"]+"$/)
    expect(answer.headers['last-modified']).toMatch(/^\w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT$/)
    expect(answer.headers['content-length']).toBe(String(SIZE))
    expect(answer.body.equals(data)).toBe(true)
  })

  it.each([
    ['the first bytes', 'bytes=0-99', 0, 99],
    ['bytes in the middle, across both PATCHes', 'bytes=39990-40009', 39_990, 40_009],
    ['a suffix', 'bytes=-500', SIZE - 500, SIZE - 1],
    ['an open end', 'bytes=99000-', 99_000, SIZE - 1],
    ['a last byte past the end', 'bytes=99990-200000', 99_990, SIZE - 1],
  ])('%s: 206 with Content-Range', async (_, range, start, end) => {
    const answer = await get(url, { Range: range })
    expect(answer.status).toBe(206)
    expect(answer.headers['content-range']).toBe(`bytes ${start}-${end}/${SIZE}`)
    expect(answer.headers['content-length']).toBe(String(end - start + 1))
    expect(answer.body.equals(data.subarray(start, end + 1))).toBe(true)
  })

  it.each([
    ['past the end', `bytes=${SIZE}-`],
    ['a zero suffix', 'bytes=-0'],
  ])('%s: 416 with the size', async (_, range) => {
    const answer = await get(url, { Range: range })
    expect(answer.status).toBe(416)
    expect(answer.headers['content-range']).toBe(`bytes */${SIZE}`)
    expect(answer.body.toString()).toBe(
      'ERR_RANGE_NOT_SATISFIABLE: requested range not satisfiable\n',
    )
  })

  it('several ranges: ignored, 200 with every byte', async () => {
    const answer = await get(url, { Range: 'bytes=0-9,20-29' })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-range']).toBeUndefined()
    expect(answer.body.equals(data)).toBe(true)
  })
})

describe('conditional GETs', () => {
  it('If-None-Match with the ETag: 304 without a body; If-Modified-Since too', async () => {
    const { headers } = await get(url)
    const byTag = await get(url, { 'If-None-Match': String(headers.etag) })
    expect(byTag.status).toBe(304)
    expect(byTag.headers.etag).toBe(headers.etag)
    expect(byTag.body.length).toBe(0)
    const byDate = await get(url, { 'If-Modified-Since': String(headers['last-modified']) })
    expect(byDate.status).toBe(304)
    expect(byDate.body.length).toBe(0)
  })

  it('If-Match with another ETag: 412', async () => {
    const answer = await get(url, { 'If-Match': '"not-the-etag"' })
    expect(answer.status).toBe(412)
    expect(answer.body.toString()).toBe('ERR_PRECONDITION_FAILED: precondition failed\n')
  })

  it('If-Range: the range if the ETag is current, everything if not', async () => {
    const { headers } = await get(url)
    const current = await get(url, { Range: 'bytes=0-9', 'If-Range': String(headers.etag) })
    expect(current.status).toBe(206)
    expect(current.body.equals(data.subarray(0, 10))).toBe(true)
    const stale = await get(url, { Range: 'bytes=0-9', 'If-Range': '"stale"' })
    expect(stale.status).toBe(200)
    expect(stale.body.equals(data)).toBe(true)
  })

  it('an unfinished upload: ranges of the bytes so far; the ETag changes with a PATCH', async () => {
    const partial = await createUpload(tusd, 1000)
    const bytes = randomBytes(1000)
    expect(await patchUpload(partial, 0, bytes.subarray(0, 600))).toMatchObject({ status: 204 })
    const before = await get(partial, { Range: 'bytes=500-' })
    expect(before.status).toBe(206)
    expect(before.headers['content-range']).toBe('bytes 500-599/600')
    expect(before.body.equals(bytes.subarray(500, 600))).toBe(true)

    expect(await patchUpload(partial, 600, bytes.subarray(600))).toMatchObject({ status: 204 })
    const after = await get(partial, { 'If-None-Match': String(before.headers.etag) })
    expect(after.status).toBe(200)
    expect(after.headers.etag).not.toBe(before.headers.etag)
    expect(after.body.equals(bytes)).toBe(true)
  })
})
