import { createHash, randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  assertBuilt,
  cleanup,
  createUpload,
  download,
  headUpload,
  openRaw,
  patchHead,
  patchUpload,
  requestHead,
  settledOffset,
  sleep,
  startTusd,
  TUS,
  type Tusd,
} from './harness.js'

/**
 * The extensions tusd lacks, end to end over real sockets: checksum and
 * expiration, plus concatenation by hand.
 */

const OCTET = { 'Content-Type': 'application/offset+octet-stream' }
const sha1 = (data: Uint8Array) => createHash('sha1').update(data).digest('base64')

async function patchWithChecksum(url: string, offset: number, data: Uint8Array, checksum: string) {
  const res = await fetch(url, {
    method: 'PATCH',
    headers: { ...TUS, ...OCTET, 'Upload-Offset': String(offset), 'Upload-Checksum': checksum },
    body: data,
  })
  return { status: res.status, offset: res.headers.get('upload-offset'), body: await res.text() }
}

beforeAll(assertBuilt)
afterAll(cleanup)

describe('checksum', () => {
  let tusd: Tusd
  beforeAll(async () => {
    tusd = await startTusd()
  })

  it('is advertised with its algorithms', async () => {
    const res = await fetch(tusd.url, { method: 'OPTIONS' })
    expect(res.headers.get('tus-extension')?.split(',')).toContain('checksum')
    expect(res.headers.get('tus-checksum-algorithm')).toBe('md5,sha1,sha256,sha512')
  })

  it('keeps chunks whose checksum matches and drops the ones that do not', async () => {
    const data = randomBytes(3 * 1024 * 1024)
    const url = await createUpload(tusd, data.length)
    const first = data.subarray(0, 1024 * 1024)
    expect(await patchWithChecksum(url, 0, first, `sha1 ${sha1(first)}`)).toMatchObject({
      status: 204,
      offset: String(first.length),
    })
    // A chunk altered on the way: refused, and the offset stays.
    const second = data.subarray(first.length)
    const altered = Buffer.from(second)
    altered.writeUInt8(altered.readUInt8(12345) ^ 0xff, 12345)
    const refused = await patchWithChecksum(url, first.length, altered, `sha1 ${sha1(second)}`)
    expect(refused).toMatchObject({
      status: 460,
      body: 'ERR_CHECKSUM_MISMATCH: checksum mismatch\n',
    })
    expect((await headUpload(url)).offset).toBe(first.length)
    // Sent again intact, it is kept.
    const sha256 = createHash('sha256').update(second).digest('base64')
    expect((await patchWithChecksum(url, first.length, second, `sha256 ${sha256}`)).status).toBe(
      204,
    )
    expect((await download(url)).equals(data)).toBe(true)
    expect((await readdir(tusd.dir)).filter((name) => name.endsWith('.stage'))).toEqual([])
  })

  it('keeps nothing of a checksummed PATCH whose client hangs up midway', async () => {
    const data = randomBytes(200_000)
    const url = await createUpload(tusd, data.length)
    const path = new URL(url).pathname
    const hangUp = async (head: string) => {
      const conn = await openRaw(tusd.port)
      await conn.write(head)
      await conn.write(data.subarray(0, 100_000))
      await sleep(200)
      conn.socket.destroy()
    }
    await hangUp(
      requestHead('PATCH', path, {
        ...TUS,
        ...OCTET,
        'Upload-Offset': 0,
        'Content-Length': data.length,
        'Upload-Checksum': `sha1 ${sha1(data)}`,
      }),
    )
    expect(await settledOffset(url)).toBe(0)
    // Without a checksum, the same hang-up keeps what arrived (tusd's rule).
    await hangUp(patchHead(path, 0, data.length))
    expect(await settledOffset(url)).toBe(100_000)
  })

  it('a malformed or unknown checksum is 400', async () => {
    const url = await createUpload(tusd, 5)
    const bad = await patchWithChecksum(url, 0, Buffer.from('hello'), 'sha1 not-base64')
    expect(bad.status).toBe(400)
    expect(bad.body).toMatch(/^ERR_INVALID_CHECKSUM/)
    const unknown = await patchWithChecksum(url, 0, Buffer.from('hello'), 'crc32 AAAAAA==')
    expect(unknown.body).toMatch(/^ERR_UNSUPPORTED_CHECKSUM_ALGORITHM/)
  })
})

describe('expiration with -expiration 1s', () => {
  let tusd: Tusd
  beforeAll(async () => {
    tusd = await startTusd({ args: ['-expiration', '1s', '-expiration-interval', '300ms'] })
  })

  it('announces Upload-Expires, answers 410 once expired, and the sweep frees the files', async () => {
    const started = Date.now()
    const url = await createUpload(tusd, 10)
    const head = await headUpload(url)
    const expires = Date.parse(head.headers.get('upload-expires') ?? '')
    // One-second resolution: within a second either side of creation + 1 s.
    expect(Math.abs(expires - (started + 1000))).toBeLessThanOrEqual(2000)
    const id = new URL(url).pathname.split('/').pop()!
    expect(await readdir(tusd.dir)).toContain(id)

    await sleep(1100)
    expect([404, 410]).toContain((await headUpload(url)).status)
    await expect.poll(() => readdir(tusd.dir), { timeout: 5000 }).not.toContain(id)
    expect((await headUpload(url)).status).toBe(404)
  })

  it('writing keeps an upload alive; a finished upload never expires', async () => {
    const url = await createUpload(tusd, 6)
    for (let offset = 0; offset < 5; offset++) {
      await sleep(400)
      expect((await patchUpload(url, offset, Buffer.from('x'))).status).toBe(204)
    }
    // Two seconds old, written 400 ms ago: alive.
    expect((await headUpload(url)).status).toBe(200)
    expect((await patchUpload(url, 5, Buffer.from('y'))).status).toBe(204)
    await sleep(1500)
    const head = await headUpload(url)
    expect(head.status).toBe(200)
    expect(head.headers.get('upload-expires')).toBeNull()
    expect((await download(url)).toString()).toBe('xxxxxy')
  })

  it('logs the removal', async () => {
    await expect.poll(() => tusd.output(), { timeout: 5000 }).toMatch(/UploadExpired/)
  })
})

describe('concatenation by hand', () => {
  let tusd: Tusd
  beforeAll(async () => {
    tusd = await startTusd()
  })

  it('final upload of two partials; unfinished partials are refused', async () => {
    const a = await createUpload(tusd, 5, { 'Upload-Concat': 'partial' })
    const b = await createUpload(tusd, 6, { 'Upload-Concat': 'partial' })
    await patchUpload(a, 0, Buffer.from('hello'))
    const post = (concat: string) =>
      fetch(tusd.url, { method: 'POST', headers: { ...TUS, 'Upload-Concat': concat } })
    const early = await post(`final;${a} ${b}`)
    expect(early.status).toBe(400)
    expect(await early.text()).toMatch(/^ERR_UPLOAD_NOT_FINISHED/)
    await patchUpload(b, 0, Buffer.from(' world'))
    const final = await post(`final;${new URL(a).pathname} ${b}`)
    expect(final.status).toBe(201)
    const url = new URL(final.headers.get('location')!, tusd.url).href
    expect((await download(url)).toString()).toBe('hello world')
    expect((await patchUpload(url, 11, Buffer.from('!'))).status).toBe(403)
  })

  it('can be switched off with -disable-concatenation', async () => {
    const off = await startTusd({ args: ['-disable-concatenation'] })
    const res = await fetch(off.url, {
      method: 'POST',
      headers: { ...TUS, 'Upload-Length': '5', 'Upload-Concat': 'partial' },
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(/^ERR_CONCATENATION_UNSUPPORTED/)
  })
})
