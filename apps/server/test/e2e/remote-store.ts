import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { Upload, type UploadOptions } from 'tus-js-client'
import { expect, it } from 'vitest'
import {
  createUpload,
  download,
  headUpload,
  openRaw,
  patchHead,
  patchUpload,
  settledOffset,
  sha256,
  sleep,
  type Tusd,
} from './harness.js'

/**
 * The end-to-end scenarios every object store runs the same way (S3, GCS):
 * no local state, so any server process on the bucket resumes any upload.
 * Each test file starts its own store and registers these with `it`.
 */

const MiB = 1024 * 1024

/** A store under test, as the scenarios see it. */
export interface RemoteStore {
  /** Starts another server process on the same bucket. */
  start(): Promise<Tusd>
  /** The server process started in beforeAll. */
  server(): Tusd
  /** Store-specific checks of a finished upload (its objects, say); optional. */
  checkFinished?(url: string, size: number): Promise<void>
}

/** Runs a tus-js-client upload to its end against `server`; resolves with its URL. */
export function tusUpload(
  server: Tusd,
  data: Buffer | Readable,
  options: UploadOptions = {},
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const job = new Upload(data as Buffer, {
      endpoint: server.url,
      retryDelays: null,
      ...options,
      onError: reject,
      onSuccess: () => resolve(job.url as string),
    })
    job.start()
  })
}

/** Starts a tus-js-client upload and aborts it once `fraction` is sent; resolves with its URL. */
export function abortedUpload(
  server: Tusd,
  data: Buffer,
  fraction: number,
  options: UploadOptions = {},
): Promise<string> {
  let stopping = false
  return new Promise<string>((resolve, reject) => {
    const job = new Upload(data, {
      endpoint: server.url,
      retryDelays: null,
      ...options,
      onProgress: (sent, total) => {
        if (stopping || sent < total * fraction) return
        stopping = true
        job.abort().then(() => resolve(job.url as string), reject)
      },
      onError: reject,
      onSuccess: () => reject(new Error('the upload finished before it was aborted')),
    })
    job.start()
  })
}

/** The same upload's URL on another server process. */
const on = (server: Tusd, url: string) => new URL(new URL(url).pathname, server.url).href

export function remoteStoreScenarios(store: RemoteStore): void {
  const finished = async (url: string, data: Buffer) => {
    expect((await headUpload(url)).offset).toBe(data.length)
    expect(sha256(await download(url))).toBe(sha256(data))
    await store.checkFinished?.(url, data.length)
  }

  it('takes 50 MiB with metadata from tus-js-client in several PATCHes; the download matches', async () => {
    const data = randomBytes(50 * MiB)
    const url = await tusUpload(store.server(), data, {
      chunkSize: 8 * MiB,
      metadata: { filename: 'big.bin', filetype: 'application/octet-stream' },
    })
    expect((await headUpload(url)).headers.get('upload-metadata')).toContain(
      `filename ${Buffer.from('big.bin').toString('base64')}`,
    )
    await finished(url, data)
  })

  it('a stream of unknown length (creation-defer-length)', async () => {
    const data = randomBytes(7 * MiB + 3)
    const chunks = function* () {
      for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024)
    }
    const url = await tusUpload(store.server(), Readable.from(chunks()), {
      uploadLengthDeferred: true,
      chunkSize: 3 * MiB,
    })
    expect((await headUpload(url)).headers.get('upload-length')).toBe(String(data.length))
    await finished(url, data)
  })

  it('parallel uploads concatenated by the store', async () => {
    const data = randomBytes(11 * MiB + 5)
    const url = await tusUpload(store.server(), data, { parallelUploads: 3 })
    await finished(url, data)
  })

  it('aborted at about 30 % by the client, resumed on another server process', async () => {
    const data = randomBytes(30 * MiB)
    const url = await abortedUpload(store.server(), data, 0.3, {
      chunkSize: 5 * MiB,
      metadata: { filename: 'resumed.bin' },
    })
    const other = await store.start()
    const there = on(other, url)
    // The first process may still be storing the bytes of the aborted PATCH.
    await sleep(300)
    const offset = await settledOffset(there)
    // At least the PATCHes answered before the abort; not all of it.
    expect(offset).toBeGreaterThanOrEqual(5 * MiB)
    expect(offset).toBeLessThan(data.length)
    expect(await tusUpload(other, data, { uploadUrl: there, chunkSize: 5 * MiB })).toBe(there)
    expect((await headUpload(there)).headers.get('upload-metadata')).toBe(
      `filename ${Buffer.from('resumed.bin').toString('base64')}`,
    )
    await finished(url, data)
  })

  it('a single-PATCH upload broken off midway, resumed on another server process', async () => {
    const data = randomBytes(24 * MiB + 11)
    const url = await createUpload(store.server(), data.length)
    // One PATCH for the whole upload (as tus-js-client sends a file), cut after 10 MiB.
    const conn = await openRaw(store.server().port)
    await conn.write(patchHead(new URL(url).pathname, 0, data.length))
    await conn.write(data.subarray(0, 10 * MiB))
    await sleep(300)
    conn.socket.destroy()
    const other = await store.start()
    const there = on(other, url)
    const offset = await settledOffset(there)
    // What reached the server is kept; the client resumes from there.
    expect(offset).toBeGreaterThan(0)
    expect(offset).toBeLessThanOrEqual(10 * MiB)
    expect(await tusUpload(other, data, { uploadUrl: there })).toBe(there)
    await finished(url, data)
  })

  it('resumed on another server process after an interruption (raw PATCHes)', async () => {
    const data = randomBytes(8 * MiB)
    const url = await createUpload(store.server(), data.length)
    expect((await patchUpload(url, 0, data.subarray(0, 3 * MiB))).status).toBe(204)
    const there = on(await store.start(), url)
    const offset = (await headUpload(there)).offset
    expect(offset).toBe(3 * MiB)
    expect((await patchUpload(there, offset, data.subarray(offset))).status).toBe(204)
    await finished(url, data)
  })

  it('kill -9 mid-upload, restart, resume: identical bytes', async () => {
    const victim = await store.start()
    const data = randomBytes(12 * MiB)
    const url = await createUpload(victim, data.length)
    // A first PATCH that was answered must survive the kill.
    expect((await patchUpload(url, 0, data.subarray(0, 4 * MiB))).status).toBe(204)
    const conn = await openRaw(victim.port)
    await conn.write(patchHead(new URL(url).pathname, 4 * MiB, data.length - 4 * MiB))
    await conn.write(data.subarray(4 * MiB, 8 * MiB))
    await sleep(500)
    victim.proc.kill('SIGKILL')
    await victim.exited
    const there = on(await store.start(), url)
    const offset = await settledOffset(there)
    expect(offset).toBeGreaterThanOrEqual(4 * MiB)
    expect(offset).toBeLessThanOrEqual(8 * MiB)
    expect((await patchUpload(there, offset, data.subarray(offset))).status).toBe(204)
    await finished(there, data)
  })
}
