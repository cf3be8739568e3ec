import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { Storage } from '@google-cloud/storage'
import { Upload, type UploadOptions } from 'tus-js-client'
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
  runTusd,
  settledOffset,
  sha256,
  sleep,
  startTusd,
  type Tusd,
} from './harness.js'

/**
 * The binary with `-gcs-bucket`, against the Google Cloud Storage emulator of
 * the tests (scripts/gcs-server.sh, fake-gcs-server). Never skipped: without
 * the emulator, it fails.
 */

const endpoint = process.env.GCS_ENDPOINT
if (!endpoint) {
  throw new Error(
    'these tests need a Google Cloud Storage emulator, but GCS_ENDPOINT is not set: run `eval "$(bash scripts/gcs-server.sh start)"`',
  )
}
// No credentials of the machine may leak in: the emulator takes none.
const env = {
  GCS_SERVICE_ACCOUNT_FILE: '',
  GOOGLE_APPLICATION_CREDENTIALS: '',
  STORAGE_EMULATOR_HOST: '',
}
const storage = new Storage({ apiEndpoint: endpoint, projectId: 'test' })
const bucketName = `tus-e2e-${Date.now()}-${randomBytes(3).toString('hex')}`
const bucket = storage.bucket(bucketName)

const MiB = 1024 * 1024
const startGcsTusd = () =>
  startTusd({ env, args: ['-gcs-bucket', bucketName, '-gcs-endpoint', endpoint] })

let tusd: Tusd
beforeAll(async () => {
  assertBuilt()
  await storage.createBucket(bucketName)
  tusd = await startGcsTusd()
})

afterAll(async () => {
  await cleanup()
  await bucket.deleteFiles({ force: true }).catch(() => {})
  await bucket.delete().catch(() => {})
})

/** Runs a tus-js-client upload to its end against `server`; resolves with its URL. */
function upload(data: Buffer | Readable, options: UploadOptions = {}, server = tusd) {
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

const idOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').pop()!)

/** The names of every object of the bucket that belongs to upload `id`. */
async function objectsOf(id: string): Promise<string[]> {
  const [files] = await bucket.getFiles({ prefix: id })
  return files.map((file) => file.name).sort()
}

describe('tusd -gcs-bucket', () => {
  it('announces GCS storage, as tusd', () => {
    expect(tusd.output()).toContain(`Using 'gcs://${bucketName}' as GCS bucket for storage.`)
    expect(tusd.output()).toMatch(/Supported tus extensions: creation,creation-with-upload,/)
  })

  it('takes 50 MiB with metadata from tus-js-client in several PATCHes; the download matches', async () => {
    const data = randomBytes(50 * MiB)
    const url = await upload(data, {
      chunkSize: 8 * MiB,
      metadata: { filename: 'big.bin', filetype: 'application/octet-stream' },
    })
    const head = await headUpload(url)
    expect(head.offset).toBe(data.length)
    expect(head.headers.get('upload-metadata')).toContain(
      `filename ${Buffer.from('big.bin').toString('base64')}`,
    )
    expect(sha256(await download(url))).toBe(sha256(data))
    // tusd's layout once finished: the composed object and the info object, no chunks left.
    const id = idOf(url)
    expect(await objectsOf(id)).toEqual([id, `${id}.info`])
    const [stored] = await bucket.file(id).getMetadata()
    expect(Number(stored.size)).toBe(data.length)
  })

  it('composes an upload sent in more than 32 PATCHes (recursive compose); the bytes match', async () => {
    const chunk = 128 * 1024
    const data = randomBytes(40 * chunk + 1000) // 41 PATCHes
    const url = await upload(data, { chunkSize: chunk })
    expect((await headUpload(url)).offset).toBe(data.length)
    expect(sha256(await download(url))).toBe(sha256(data))
    const id = idOf(url)
    expect(await objectsOf(id)).toEqual([id, `${id}.info`])
  })

  it('a stream of unknown length (creation-defer-length)', async () => {
    const data = randomBytes(7 * MiB + 3)
    const chunks = function* () {
      for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024)
    }
    const url = await upload(Readable.from(chunks()), {
      uploadLengthDeferred: true,
      chunkSize: 3 * MiB,
    })
    const head = await headUpload(url)
    expect(head.headers.get('upload-length')).toBe(String(data.length))
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('parallel uploads concatenated by the store', async () => {
    const data = randomBytes(11 * MiB + 5)
    const url = await upload(data, { parallelUploads: 3 })
    expect((await headUpload(url)).offset).toBe(data.length)
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('aborted at about 30 % by the client, resumed on another server process', async () => {
    const data = randomBytes(30 * MiB)
    let stopping = false
    const url = await new Promise<string>((resolve, reject) => {
      const job = new Upload(data, {
        endpoint: tusd.url,
        chunkSize: 5 * MiB,
        retryDelays: null,
        metadata: { filename: 'resumed.bin' },
        onProgress: (sent, total) => {
          if (stopping || sent < total * 0.3) return
          stopping = true
          job.abort().then(() => resolve(job.url as string), reject)
        },
        onError: reject,
        onSuccess: () => reject(new Error('the upload finished before it was aborted')),
      })
      job.start()
    })
    const other = await startGcsTusd()
    const there = new URL(new URL(url).pathname, other.url).href
    // The first process may still be storing the bytes of the aborted PATCH.
    await sleep(300)
    const offset = await settledOffset(there)
    // At least the PATCHes answered before the abort; not all of it.
    expect(offset).toBeGreaterThanOrEqual(5 * MiB)
    expect(offset).toBeLessThan(data.length)
    const resumed = await upload(data, { uploadUrl: there, chunkSize: 5 * MiB }, other)
    expect(resumed).toBe(there)
    expect((await headUpload(url)).offset).toBe(data.length)
    expect(sha256(await download(url))).toBe(sha256(data))
    const head = await headUpload(there)
    expect(head.headers.get('upload-metadata')).toBe(
      `filename ${Buffer.from('resumed.bin').toString('base64')}`,
    )
  })

  it('resumed on another server process after an interruption (raw PATCHes)', async () => {
    const data = randomBytes(8 * MiB)
    const url = await createUpload(tusd, data.length)
    expect((await patchUpload(url, 0, data.subarray(0, 3 * MiB))).status).toBe(204)
    const other = await startGcsTusd()
    const there = new URL(new URL(url).pathname, other.url).href
    const offset = (await headUpload(there)).offset
    expect(offset).toBe(3 * MiB)
    expect((await patchUpload(there, offset, data.subarray(offset))).status).toBe(204)
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('kill -9 mid-upload, restart, resume: identical bytes', async () => {
    const victim = await startGcsTusd()
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
    const restarted = await startGcsTusd()
    const there = new URL(new URL(url).pathname, restarted.url).href
    const offset = await settledOffset(there)
    expect(offset).toBeGreaterThanOrEqual(4 * MiB)
    expect(offset).toBeLessThanOrEqual(8 * MiB)
    expect((await patchUpload(there, offset, data.subarray(offset))).status).toBe(204)
    expect(sha256(await download(there))).toBe(sha256(data))
  })
})

describe('tusd -gcs-bucket: start-up errors', () => {
  it('refuses -s3-bucket with -gcs-bucket (exit status 2)', async () => {
    const result = await runTusd(['-s3-bucket', 'a', '-gcs-bucket', 'b'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'flags -s3-bucket and -gcs-bucket cannot be used together: choose one storage backend',
    )
    expect(result.stdout).toBe('')
  })

  it('refuses an object prefix with an underscore (exit status 2)', async () => {
    const result = await runTusd(['-gcs-bucket', 'b', '-gcs-object-prefix', 'a_b/'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'invalid value "a_b/" for flag -gcs-object-prefix: can\'t contain underscore',
    )
  })

  it('stops at start-up when the credentials cannot be loaded (exit status 1)', async () => {
    const started = startTusd({
      env: { ...env, GCS_SERVICE_ACCOUNT_FILE: '/nonexistent/account.json' },
      args: ['-gcs-bucket', bucketName],
    })
    await expect(started).rejects.toThrow(
      /exited \(\{"code":1,"signal":null\}\) before starting:[\s\S]*Unable to start tusd: unable to load Google Cloud credentials: ENOENT/,
    )
  })

  it('stores below -gcs-object-prefix', async () => {
    const prefixed = await startTusd({
      env,
      args: ['-gcs-bucket', bucketName, '-gcs-endpoint', endpoint, '-gcs-object-prefix', 'pre/'],
    })
    const data = randomBytes(1000)
    const url = await upload(data, {}, prefixed)
    const id = idOf(url)
    expect(await objectsOf(`pre/${id}`)).toEqual([`pre/${id}`, `pre/${id}.info`])
    expect(sha256(await download(url))).toBe(sha256(data))
  })
})
