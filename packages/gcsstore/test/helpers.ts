import { randomBytes } from 'node:crypto'
import { createServer, type Server, Socket } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { type Bucket, Storage } from '@google-cloud/storage'
import { afterAll, beforeAll } from 'vitest'
import { GCSStore, type GCSStoreOptions } from '../src/index.js'

/**
 * The GCS emulator of the tests (fake-gcs-server), from the environment.
 * These tests run against it and never skip: without it, they fail, saying
 * how to start it.
 */
export const endpoint = gcsEndpoint()

function gcsEndpoint(): string {
  const value = process.env.GCS_ENDPOINT
  if (!value) {
    throw new Error(
      'The @tus/gcsstore tests need a GCS emulator, but GCS_ENDPOINT is not set. Start the ' +
        'throw-away one with `eval "$(bash scripts/gcs-server.sh start)"` (it builds ' +
        'fake-gcs-server with Go the first time and prints the variable to export), or run ' +
        '`bash scripts/gcs-server.sh start` and export what it prints.',
    )
  }
  return value
}

export const MiB = 1024 * 1024

/** A client as users configure one for an emulator: its endpoint, any project, no credentials. */
export function makeStorage(apiEndpoint = endpoint): Storage {
  return new Storage({ apiEndpoint, projectId: 'tus-tests' })
}

/** A fresh bucket name: `tus-<time>-<random>`, lowercase. */
export function bucketName(): string {
  return `tus-${Date.now()}-${randomBytes(4).toString('hex')}`
}

/**
 * A fresh bucket for this test file, created before its tests, emptied and
 * deleted after them (the emulator keeps everything in RAM).
 */
export function useBucket(): {
  readonly name: string
  readonly storage: Storage
  readonly bucket: Bucket
} {
  const name = bucketName()
  const storage = makeStorage()
  const bucket = storage.bucket(name)
  beforeAll(async () => {
    await storage.createBucket(name)
  })
  afterAll(async () => {
    await bucket.deleteFiles({ force: true })
    await bucket.delete()
  })
  return { name, storage, bucket }
}

/** A store on the test bucket, with a prefix of its own unless told otherwise. */
export function makeStore(
  target: { name: string; storage: Storage },
  options: Partial<GCSStoreOptions> = {},
): GCSStore {
  return new GCSStore({ storage: target.storage, bucket: target.name, ...options })
}

/** Names of the objects below `prefix`, sorted. */
export async function listNames(bucket: Bucket, prefix = ''): Promise<string[]> {
  const [files] = await bucket.getFiles({ prefix })
  return files.map((file) => file.name).sort()
}

/** An object's bytes. */
export async function objectBytes(bucket: Bucket, name: string): Promise<Buffer> {
  const [bytes] = await bucket.file(name).download()
  return bytes
}

/** A random prefix, so that tests in one bucket do not see each other's objects. */
export function uniquePrefix(what = 'p'): string {
  return `${what}-${randomBytes(6).toString('hex')}`
}

/**
 * A TCP proxy in front of the emulator, for the failures the emulator cannot
 * be told to make: it cuts every connection once `limit` bytes have gone from
 * the client towards the emulator (a network failure in the middle of an
 * upload), or answers every request itself with `answer` (an error response
 * of GCS's shape, e.g. 403 forbidden).
 */
export interface FaultyProxy {
  endpoint: string
  /** Cut connections after this many request bytes; undefined passes everything. */
  limit: number | undefined
  /**
   * Answer requests with this HTTP status and JSON body instead of passing
   * them on: every one, or the next `times` connections.
   */
  answer: { status: number; body: unknown; times?: number } | undefined
  /** Connections cut so far. */
  cuts: number
  close(): Promise<void>
}

/** GCS's JSON error body. */
export function gcsErrorBody(code: number, reason: string, message: string): unknown {
  return { error: { code, message, errors: [{ domain: 'global', reason, message }] } }
}

export async function faultyProxy(): Promise<FaultyProxy> {
  const target = new URL(endpoint)
  const sockets = new Set<Socket>()
  const proxy: FaultyProxy = {
    endpoint: '',
    limit: undefined,
    answer: undefined,
    cuts: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
  const server: Server = createServer((client) => {
    const upstream = new Socket()
    sockets.add(client)
    sockets.add(upstream)
    let sent = 0
    let answered = false
    const cut = () => {
      proxy.cuts++
      client.destroy()
      upstream.destroy()
    }
    upstream.connect(Number(target.port), target.hostname)
    client.on('data', (data: Buffer) => {
      if (answered) return
      const answer = proxy.answer
      if (answer !== undefined) {
        answered = true
        const body = JSON.stringify(answer.body)
        if (answer.times !== undefined && --answer.times <= 0) proxy.answer = undefined
        client.end(
          `HTTP/1.1 ${answer.status} Failed\r\nContent-Type: application/json; charset=utf-8\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        )
        upstream.destroy()
        return
      }
      sent += data.length
      if (proxy.limit !== undefined && sent > proxy.limit) return cut()
      upstream.write(data)
    })
    upstream.on('data', (data: Buffer) => client.write(data))
    const close = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('close', close)
    upstream.on('close', close)
    client.on('error', () => {})
    upstream.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('proxy has no port')
  proxy.endpoint = `http://127.0.0.1:${address.port}`
  return proxy
}

/** A full garbage collection, so that memory figures count live bytes only. */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
