import { randomBytes } from 'node:crypto'
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3'
import { Upload, type UploadOptions } from 'tus-js-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  assertBuilt,
  cleanup,
  download,
  headUpload,
  sha256,
  startTusd,
  type Tusd,
} from './harness.js'
import { remoteStoreScenarios, tusUpload } from './remote-store.js'

/**
 * The binary with `-s3-bucket`, against the throw-away S3 server of the tests
 * (scripts/s3-server.sh). Never skipped: without the server, it fails.
 */

const names = ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_REGION'] as const
const missing = names.filter((name) => !process.env[name])
if (missing.length > 0) {
  throw new Error(
    `these tests need an S3 server, but ${missing.join(', ')} is not set: run \`eval "$(bash scripts/s3-server.sh start)"\``,
  )
}
const env = {
  AWS_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID!,
  AWS_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY!,
  AWS_REGION: process.env.S3_REGION!,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
}
const client = new S3Client({
  endpoint: process.env.S3_ENDPOINT!,
  region: env.AWS_REGION,
  forcePathStyle: true,
  credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
})
const bucket = `tus-e2e-${Date.now()}-${randomBytes(3).toString('hex')}`

let tusd: Tusd
beforeAll(async () => {
  assertBuilt()
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  tusd = await startS3Tusd()
})

const MiB = 1024 * 1024
const startS3Tusd = () =>
  startTusd({
    env,
    args: [
      '-s3-bucket',
      bucket,
      '-s3-endpoint',
      process.env.S3_ENDPOINT!,
      '-s3-part-size',
      String(5 * MiB),
    ],
  })

const upload = (data: Buffer, options: UploadOptions = {}) => tusUpload(tusd, data, options)

afterAll(async () => {
  await cleanup()
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }))
  const keys = (listed.Contents ?? []).map((o) => ({ Key: o.Key! }))
  if (keys.length > 0) {
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }))
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {})
})

describe('tusd -s3-bucket', () => {
  it('announces S3 storage', () => {
    expect(tusd.output()).toContain(`Using 's3://${bucket}/' as S3 bucket for storage.`)
  })

  it('takes an upload from tus-js-client in several PATCHes; the download matches', async () => {
    const data = randomBytes(12 * 1024 * 1024 + 7)
    const url = await new Promise<string>((resolve, reject) => {
      const job = new Upload(data, {
        endpoint: tusd.url,
        chunkSize: 4 * 1024 * 1024,
        retryDelays: null,
        metadata: { filename: 'big.bin', filetype: 'application/octet-stream' },
        onError: reject,
        onSuccess: () => resolve(job.url as string),
      })
      job.start()
    })
    // tusd's ids: <object id>+<multipart id>.
    expect(decodeURIComponent(url.split('/').pop()!)).toMatch(/^[0-9a-f]{32}\+.+$/)
    expect((await headUpload(url)).offset).toBe(data.length)
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it.each([
    ['smaller than one part', 1000],
    ['exactly one part', 5 * MiB],
    ['one part and one byte', 5 * MiB + 1],
  ])('an upload %s', async (_, size) => {
    const data = randomBytes(size)
    const url = await upload(data, {})
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  remoteStoreScenarios({ start: startS3Tusd, server: () => tusd })

  it('-s3-disable-content-hashes and -s3-log-api-calls: unsigned payloads, one DEBUG line per call', async () => {
    const other = await startTusd({
      env,
      args: [
        '-s3-bucket',
        bucket,
        '-s3-endpoint',
        process.env.S3_ENDPOINT!,
        '-s3-part-size',
        String(5 * MiB),
        '-s3-disable-content-hashes',
        '-s3-log-api-calls',
        '-log-format',
        'json',
      ],
    })
    const data = randomBytes(6 * MiB + 5)
    const url = await new Promise<string>((resolve, reject) => {
      const job = new Upload(data, {
        endpoint: other.url,
        retryDelays: null,
        metadata: { filename: 'unsigned.bin' },
        onError: reject,
        onSuccess: () => resolve(job.url as string),
      })
      job.start()
    })
    expect(sha256(await download(url))).toBe(sha256(data))
    const calls = other
      .output()
      .split('\n')
      .filter((line) => line.includes('"S3Call"'))
      .map((line) => JSON.parse(line) as { operation: string; status?: number; key?: string })
    const operations = new Set(calls.map((call) => call.operation))
    for (const op of ['CreateMultipartUploadCommand', 'UploadPartCommand', 'PutObjectCommand']) {
      expect(operations).toContain(op)
    }
    expect(calls.every((call) => typeof call.status === 'number')).toBe(true)
    expect(calls.filter((call) => call.operation === 'UploadPartCommand')).toHaveLength(2)
  })
})
