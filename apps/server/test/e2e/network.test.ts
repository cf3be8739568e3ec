import { randomBytes } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  assertBuilt,
  cleanup,
  createUpload,
  download,
  headUpload,
  openRaw,
  patchHead,
  patchUpload,
  settledOffset,
  sha256,
  sleep,
  startTusd,
  withTimeout,
} from './harness.js'

/**
 * Broken and slow clients, over raw sockets (tusd's TestUnexpectedNetworkClose,
 * TestUnexpectedNetworkReset, TestLockRelease and TestNetworkReadTimeout):
 * whatever arrived is kept, and a stale request never blocks a new one.
 */

const SIZE = 100 * 1024
const SENT = 40 * 1024
const within10 = (actual: number, expected: number) => {
  expect(actual).toBeGreaterThanOrEqual(expected * 0.9)
  expect(actual).toBeLessThanOrEqual(expected * 1.1)
}

beforeAll(assertBuilt)
afterEach(cleanup)

/** Opens a PATCH for the whole upload and sends the first SENT bytes of `data`. */
async function partialPatch(port: number, url: string, data: Buffer) {
  const connection = await openRaw(port)
  await connection.write(patchHead(new URL(url).pathname, 0, data.length))
  await connection.write(data.subarray(0, SENT))
  // Let the server read and store what was sent before the test goes on.
  await sleep(300)
  return connection
}

describe('a client that goes away mid-PATCH', () => {
  it.each([
    ['closes the connection (FIN)', 'end'],
    ['resets the connection (RST)', 'reset'],
  ] as const)('%s: the bytes sent are kept and the upload resumes', async (_name, how) => {
    const tusd = await startTusd()
    const data = randomBytes(SIZE)
    const url = await createUpload(tusd, SIZE)
    const connection = await partialPatch(tusd.port, url, data)
    if (how === 'end') connection.socket.end()
    else connection.socket.resetAndDestroy()
    await withTimeout(connection.closed, 5000, 'connection close')

    const offset = await settledOffset(url)
    within10(offset, SENT)

    const rest = await patchUpload(url, offset, data.subarray(offset))
    expect(rest).toMatchObject({ status: 204, offset: SIZE })
    expect(sha256(await download(url))).toBe(sha256(data))
    expect(tusd.running()).toBe(true)
  })
})

describe('a client that stalls mid-PATCH', () => {
  it('loses the lock to a new request: 400 ERR_UPLOAD_INTERRUPTED, bytes kept', async () => {
    const tusd = await startTusd()
    const data = randomBytes(SIZE)
    const url = await createUpload(tusd, SIZE)
    const stalled = await partialPatch(tusd.port, url, data)

    // A HEAD needs the lock the stalled PATCH holds: the PATCH is asked to let go.
    const started = Date.now()
    const head = await headUpload(url)
    expect(head.status).toBe(200)
    within10(head.offset, SENT)
    expect(Date.now() - started).toBeLessThan(5000)

    const answer = await withTimeout(stalled.response, 5000, 'stalled PATCH response')
    expect(answer.status).toBe(400)
    expect(answer.body).toMatch(/^ERR_UPLOAD_INTERRUPTED: /)
    stalled.socket.destroy()

    const rest = await patchUpload(url, head.offset, data.subarray(head.offset))
    expect(rest).toMatchObject({ status: 204, offset: SIZE })
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('loses the lock to a new PATCH, which continues the upload', async () => {
    const tusd = await startTusd()
    const data = randomBytes(SIZE)
    const url = await createUpload(tusd, SIZE)
    const stalled = await partialPatch(tusd.port, url, data)

    // The client retries from the offset it knows was sent; the server has it all.
    const rest = await patchUpload(url, SENT, data.subarray(SENT))
    expect(rest).toMatchObject({ status: 204, offset: SIZE })
    const answer = await withTimeout(stalled.response, 5000, 'stalled PATCH response')
    expect(answer.status).toBe(400)
    expect(answer.body).toMatch(/^ERR_UPLOAD_INTERRUPTED: /)
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('times out after -network-timeout: 500 ERR_READ_TIMEOUT, bytes kept', async () => {
    const tusd = await startTusd({ args: ['-network-timeout', '2s'] })
    const data = randomBytes(SIZE)
    const url = await createUpload(tusd, SIZE)
    const started = Date.now()
    const stalled = await partialPatch(tusd.port, url, data)

    const answer = await withTimeout(stalled.response, 10_000, 'timed-out PATCH response')
    const elapsed = Date.now() - started
    expect(answer.status).toBe(500)
    expect(answer.body).toMatch(/^ERR_READ_TIMEOUT: /)
    expect(elapsed).toBeGreaterThanOrEqual(1800)
    expect(elapsed).toBeLessThan(6000)
    stalled.socket.destroy()

    const offset = await settledOffset(url)
    within10(offset, SENT)
    const rest = await patchUpload(url, offset, data.subarray(offset))
    expect(rest).toMatchObject({ status: 204, offset: SIZE })
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('closes a connection that never finishes its headers after -network-timeout', async () => {
    const tusd = await startTusd({ args: ['-network-timeout', '1s'] })
    const connection = await openRaw(tusd.port)
    const started = Date.now()
    await connection.write('PATCH /files/x HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    await withTimeout(connection.closed, 8000, 'close of a connection stuck in its headers')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(tusd.running()).toBe(true)
  })
})
