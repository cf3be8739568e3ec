import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3'
import { S3Store, type S3StoreOptions } from '@tus/s3store'
import { afterAll, beforeAll } from 'vitest'

/**
 * The S3 server of the tests, from the environment. These tests run against a
 * real S3 server and never skip: without one, they fail, saying how to start it.
 */
export const env = s3Environment()

function s3Environment() {
  const names = ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_REGION'] as const
  const missing = names.filter((name) => !process.env[name])
  if (missing.length > 0) {
    throw new Error(
      `The @tus/s3store tests need an S3 server, but ${missing.join(', ')} ` +
        `${missing.length === 1 ? 'is' : 'are'} not set. Start the throw-away one with ` +
        '`eval "$(bash scripts/s3-server.sh start)"` (it prints the variables to export), ' +
        'or run `bash scripts/s3-server.sh start` and export what it prints.',
    )
  }
  // The SDK warns once that Node 20 support ends in 2027; the tests know.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  return {
    endpoint: process.env.S3_ENDPOINT!,
    accessKeyId: process.env.S3_ACCESS_KEY_ID!,
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY!,
    region: process.env.S3_REGION!,
  }
}

export const MiB = 1024 * 1024

/** A client as the store's users configure it for radosgw (see the README). */
export function makeClient(overrides: { secretAccessKey?: string } = {}): S3Client {
  return new S3Client({
    endpoint: env.endpoint,
    region: env.region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.accessKeyId,
      secretAccessKey: overrides.secretAccessKey ?? env.secretAccessKey,
    },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}

/** A fresh bucket name: `tus-<time>-<random>`, lowercase. */
export function bucketName(): string {
  return `tus-${Date.now()}-${randomBytes(4).toString('hex')}`
}

/**
 * A fresh bucket for this test file, created before its tests and emptied and
 * deleted after them (radosgw keeps its data in RAM).
 */
export function useBucket(): { readonly name: string; readonly client: S3Client } {
  const name = bucketName()
  const client = makeClient()
  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: name }))
  })
  afterAll(async () => {
    await emptyBucket(client, name)
    await client.send(new DeleteBucketCommand({ Bucket: name }))
    client.destroy()
  })
  return { name, client }
}

/** Aborts every multipart upload and deletes every object of `bucket`. */
export async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))
    for (const upload of uploads.Uploads ?? []) {
      await client.send(
        new AbortMultipartUploadCommand({
          Bucket: bucket,
          Key: upload.Key,
          UploadId: upload.UploadId,
        }),
      )
    }
    if (!uploads.IsTruncated) break
  }
  for (;;) {
    const list = await client.send(new ListObjectsV2Command({ Bucket: bucket }))
    const keys = (list.Contents ?? []).map((object) => ({ Key: object.Key! }))
    if (keys.length === 0) break
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }))
  }
}

/** Keys of `bucket` below `prefix`, sorted. */
export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = []
  let token: string | undefined
  do {
    const list = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    )
    for (const object of list.Contents ?? []) keys.push(object.Key!)
    token = list.IsTruncated ? list.NextContinuationToken : undefined
  } while (token !== undefined)
  return keys.sort()
}

/** Small parts, so that multipart paths run on a few MiB: 5 MiB, radosgw's minimum. */
export const SMALL_PARTS = { partSize: 5 * MiB, minPartSize: 5 * MiB } as const

const tempDirs: string[] = []

/** A temporary directory for a store's part files, removed after the file's tests. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tus-s3store-test-'))
  tempDirs.push(dir)
  return dir
}

afterAll(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

/** The files in `dir`. */
export async function filesIn(dir: string): Promise<string[]> {
  return readdir(dir)
}

/** A store on `bucket` with small parts, unless overridden. */
export function makeStore(
  bucket: { name: string; client: S3Client },
  options: Partial<S3StoreOptions> = {},
): S3Store {
  return new S3Store({ client: bucket.client, bucket: bucket.name, ...SMALL_PARTS, ...options })
}

/** An S3 call as a spy saw it, before it was sent. */
export interface Call {
  command: string
  input: Record<string, unknown>
}

/**
 * A client that records every call (`calls`) and lets `intercept` delay,
 * fail or pass each one, before it is signed and sent.
 */
export function spyClient(
  intercept?: (call: Call, proceed: () => Promise<unknown>) => Promise<unknown>,
): { client: S3Client; calls: Call[] } {
  const client = makeClient()
  const calls: Call[] = []
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call: Call = {
        command: context.commandName ?? '',
        input: args.input as Record<string, unknown>,
      }
      calls.push(call)
      const proceed = () => next(args)
      return (intercept === undefined ? proceed() : intercept(call, proceed)) as ReturnType<
        typeof next
      >
    },
    { step: 'initialize', name: 'tusTestSpy' },
  )
  return { client, calls }
}

/** An error as the SDK throws it for an S3 error response with `code`. */
export function s3Failure(code: string, status = 500): Error {
  return Object.assign(new Error(`injected ${code}`), {
    name: code,
    $metadata: { httpStatusCode: status },
  })
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A full garbage collection, so that memory figures count live bytes only. */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}
