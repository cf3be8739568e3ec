import { randomBytes } from 'node:crypto'
import { Storage } from '@google-cloud/storage'
import type { UploadOptions } from 'tus-js-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  assertBuilt,
  cleanup,
  download,
  headUpload,
  runTusd,
  sha256,
  startTusd,
  type Tusd,
} from './harness.js'
import { remoteStoreScenarios, tusUpload } from './remote-store.js'

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

const upload = (data: Buffer, options: UploadOptions = {}, server = tusd) =>
  tusUpload(server, data, options)

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

  it('composes an upload sent in more than 32 PATCHes (recursive compose); the bytes match', async () => {
    const chunk = 128 * 1024
    const data = randomBytes(40 * chunk + 1000) // 41 PATCHes
    const url = await upload(data, { chunkSize: chunk })
    expect((await headUpload(url)).offset).toBe(data.length)
    expect(sha256(await download(url))).toBe(sha256(data))
    const id = idOf(url)
    expect(await objectsOf(id)).toEqual([id, `${id}.info`])
  })

  remoteStoreScenarios({
    start: startGcsTusd,
    server: () => tusd,
    // tusd's layout once finished: the final object and the `.info`, no chunk left.
    async checkFinished(url, size) {
      const id = idOf(url)
      expect(await objectsOf(id)).toEqual([id, `${id}.info`])
      const [stored] = await bucket.file(id).getMetadata()
      expect(Number(stored.size)).toBe(size)
    },
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
