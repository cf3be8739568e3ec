import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  assertBuilt,
  cleanup,
  createUpload,
  download,
  exitWithin,
  headUpload,
  openRaw,
  patchHead,
  patchUpload,
  sha256,
  sleep,
  startTusd,
  withTimeout,
} from './harness.js'

/**
 * Stopping the process: gracefully by signal (tusd's TestShutdown) or by
 * SIGKILL. Either way, a restart on the same directory resumes every upload.
 */

const SIZE = 200 * 1024
const SENT = 50 * 1024

beforeAll(assertBuilt)
afterEach(cleanup)

/** An upload with SENT of its SIZE bytes sent by a PATCH that is still open. */
async function uploadInFlight(tusd: Awaited<ReturnType<typeof startTusd>>) {
  const data = randomBytes(SIZE)
  const url = await createUpload(tusd, SIZE)
  const connection = await openRaw(tusd.port)
  await connection.write(patchHead(new URL(url).pathname, 0, SIZE))
  await connection.write(data.subarray(0, SENT))
  await sleep(300)
  return { data, url, connection }
}

/** Restarts on `dir`; the upload (moved to the new port) must hold `expected` bytes, then be completed. */
async function resumeAfterRestart(
  dir: string,
  url: string,
  data: Buffer,
  expected: (offset: number) => void,
) {
  const tusd = await startTusd({ dir })
  const moved = new URL(new URL(url).pathname, tusd.origin).href
  const head = await headUpload(moved)
  expect(head.status).toBe(200)
  expected(head.offset)
  const rest = await patchUpload(moved, head.offset, data.subarray(head.offset))
  expect(rest).toMatchObject({ status: 204, offset: data.length })
  expect(sha256(await download(moved))).toBe(sha256(data))
  return { tusd, moved, offset: head.offset }
}

describe('SIGTERM / SIGINT', () => {
  it('answers the in-flight PATCH 503 ERR_SERVER_SHUTDOWN, exits 0, and the upload resumes after a restart', async () => {
    const tusd = await startTusd()
    const { data, url, connection } = await uploadInFlight(tusd)

    const started = Date.now()
    tusd.proc.kill('SIGTERM')
    const answer = await withTimeout(connection.response, 5000, 'in-flight PATCH response')
    expect(answer.status).toBe(503)
    expect(answer.body).toMatch(/^ERR_SERVER_SHUTDOWN: /)
    const exit = await exitWithin(tusd, 5000)
    expect(exit).toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(tusd.stdout()).toContain('Received interrupt signal. Shutting down tusd...')
    expect(tusd.stdout()).toContain('Shutdown completed. Goodbye!')

    await resumeAfterRestart(tusd.dir, url, data, (offset) => expect(offset).toBe(SENT))
  })

  it('exits 0 at once when idle (SIGINT), and no longer accepts connections', async () => {
    const tusd = await startTusd()
    await createUpload(tusd, 10) // leaves an idle keep-alive connection in fetch's pool
    const started = Date.now()
    tusd.proc.kill('SIGINT')
    expect(await exitWithin(tusd, 5000)).toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeLessThan(2000)
    await expect(fetch(tusd.url, { method: 'OPTIONS' })).rejects.toThrow()
  })

  it('force-closes what is left after -shutdown-timeout and exits 0', async () => {
    const tusd = await startTusd({ args: ['-shutdown-timeout', '1s'] })
    // A request that never finishes its headers never reaches the handler, so only the timeout ends it.
    const stuck = await openRaw(tusd.port)
    await stuck.write('PATCH /files/x HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    await sleep(100)
    const started = Date.now()
    tusd.proc.kill('SIGTERM')
    expect(await exitWithin(tusd, 8000)).toEqual({ code: 0, signal: null })
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(900)
    expect(elapsed).toBeLessThan(4000)
    expect(tusd.output()).toContain('Shutdown timeout exceeded. Exiting immediately!')
    await withTimeout(stuck.closed, 2000, 'stuck connection close')
  })

  it('exits 1 at once on a second signal', async () => {
    const tusd = await startTusd({ args: ['-shutdown-timeout', '30s'] })
    const stuck = await openRaw(tusd.port)
    await stuck.write('PATCH /files/x HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    await sleep(100)
    tusd.proc.kill('SIGTERM')
    await sleep(300)
    expect(tusd.running()).toBe(true)
    const started = Date.now()
    tusd.proc.kill('SIGINT')
    expect(await exitWithin(tusd, 3000)).toEqual({ code: 1, signal: null })
    expect(Date.now() - started).toBeLessThan(1500)
    expect(tusd.stdout()).toContain('Received second interrupt signal. Exiting immediately!')
  })
})

describe('SIGKILL', () => {
  it('loses nothing that was stored: HEAD after a restart reports it, and the upload completes', async () => {
    const tusd = await startTusd()
    const { data, url } = await uploadInFlight(tusd)
    tusd.proc.kill('SIGKILL')
    expect(await exitWithin(tusd, 5000)).toEqual({ code: null, signal: 'SIGKILL' })

    const id = new URL(url).pathname.slice('/files/'.length)
    const onDisk = (await stat(join(tusd.dir, id))).size
    await resumeAfterRestart(tusd.dir, url, data, (offset) => {
      expect(offset).toBe(onDisk)
      expect(offset).toBeGreaterThanOrEqual(SENT * 0.9)
      expect(offset).toBeLessThanOrEqual(SENT)
    })
  })
})
