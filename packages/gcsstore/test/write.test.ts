import { hasErrorCode, newFileInfo } from '@tus/core'
import { chunked, failingAfter, patternBytes, readAll } from '@tus/core/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { GCSStore } from '../src/index.js'
import {
  faultyProxy,
  listNames,
  MiB,
  makeStorage,
  makeStore,
  objectBytes,
  sleep,
  uniquePrefix,
  useBucket,
} from './helpers.js'

const target = useBucket()
const { bucket } = target

const bytesOf = async (stream: AsyncIterable<Uint8Array>) => Buffer.from(await readAll(stream))

describe('a source that fails midway (a client that disconnects)', () => {
  test('the chunk holds every byte before the failure; the offset counts them', async () => {
    const prefix = uniquePrefix('broken')
    const store = makeStore(target, { objectPrefix: prefix })
    const bytes = patternBytes(3 * MiB, 1)
    const upload = await store.newUpload(newFileInfo({ Size: 8 * MiB }))
    const { ID } = await upload.getInfo()
    expect(await upload.writeChunk(0, failingAfter(bytes, 100_000))).toBe(bytes.length)
    const key = `${prefix}/${ID}`
    expect(await listNames(bucket, `${key}_`)).toEqual([`${key}_0`])
    expect(Buffer.compare(await objectBytes(bucket, `${key}_0`), bytes)).toBe(0)
    const again = await store.getUpload(ID)
    expect((await again.getInfo()).Offset).toBe(bytes.length)
    // and the client resumes there
    const rest = patternBytes(5 * MiB, 2)
    expect(await again.writeChunk(bytes.length, chunked(rest))).toBe(rest.length)
    await again.finishUpload()
    expect(Buffer.compare(await objectBytes(bucket, key), Buffer.concat([bytes, rest]))).toBe(0)
  })

  test('a source that fails before its first byte creates no object', async () => {
    const prefix = uniquePrefix('broken')
    const store = makeStore(target, { objectPrefix: prefix })
    const upload = await store.newUpload(newFileInfo({ Size: 10 }))
    expect(await upload.writeChunk(0, failingAfter(new Uint8Array(0)))).toBe(0)
    expect(await upload.writeChunk(0, chunked(new Uint8Array(0)))).toBe(0)
    const { ID } = await upload.getInfo()
    expect(await listNames(bucket, prefix)).toEqual([`${prefix}/${ID}.info`])
  })

  test('an aborted signal ends the chunk at once, even while the source waits', async () => {
    const prefix = uniquePrefix('abort')
    const store = makeStore(target, { objectPrefix: prefix })
    const first = patternBytes(300_000, 3)
    const controller = new AbortController()
    async function* stalling() {
      yield first
      await new Promise(() => {}) // a client that stops sending
    }
    const upload = await store.newUpload(newFileInfo({ Size: 1 * MiB }))
    const writing = upload.writeChunk(0, stalling(), { signal: controller.signal })
    await sleep(200)
    controller.abort()
    expect(await writing).toBe(first.length)
    expect((await upload.getInfo()).Offset).toBe(first.length)
    expect(Buffer.compare(await bytesOf(await upload.getReader()), first)).toBe(0)
  })
})

describe('a chunk write that fails (GCS or the connection to it)', () => {
  const proxyReady = faultyProxy()
  afterAll(async () => (await proxyReady).close())

  test('the connection cut midway: rejects with the reason, no chunk, the offset unchanged', async () => {
    const proxy = await proxyReady
    const prefix = uniquePrefix('cut')
    const store = new GCSStore({
      storage: makeStorage(proxy.endpoint),
      bucket: target.name,
      objectPrefix: prefix,
    })
    const head = patternBytes(1000, 4)
    const upload = await store.newUpload(newFileInfo({ Size: 3 * MiB }))
    const { ID } = await upload.getInfo()
    await upload.writeChunk(0, chunked(head))

    proxy.limit = 256 * 1024 // request bytes per connection before it is cut
    const failure = await upload
      .writeChunk(head.length, chunked(patternBytes(2 * MiB, 5)))
      .catch((err: unknown) => err)
    proxy.limit = undefined
    expect(proxy.cuts).toBeGreaterThan(0)
    expect(hasErrorCode(failure, 'ERR_INTERNAL_SERVER_ERROR')).toBe(true)
    expect((failure as Error).message).toMatch(/^gcs: .+ in write chunk$/)

    const key = `${prefix}/${ID}`
    expect(await listNames(bucket, `${key}_`)).toEqual([`${key}_0`])
    const again = await store.getUpload(ID)
    expect((await again.getInfo()).Offset).toBe(head.length)
    // The next PATCH goes on from there.
    const rest = patternBytes(3 * MiB - head.length, 6)
    expect(await again.writeChunk(head.length, chunked(rest))).toBe(rest.length)
    expect(await listNames(bucket, `${key}_`)).toEqual([`${key}_0`, `${key}_1`])
    expect(
      Buffer.compare(await bytesOf(await again.getReader()), Buffer.concat([head, rest])),
    ).toBe(0)
  })

  test('two writers of the same chunk (a lock that did not hold): the second gets ERR_MISMATCHED_OFFSET', async () => {
    const prefix = uniquePrefix('race')
    const store = makeStore(target, { objectPrefix: prefix })
    const { ID } = await (await store.newUpload(newFileInfo({ Size: 100 }))).getInfo()
    const [a, b] = [await store.getUpload(ID), await store.getUpload(ID)]
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    async function* slow() {
      yield patternBytes(10, 7)
      await gate
      yield patternBytes(10, 8)
    }
    // Both see offset 0 and pick chunk 0; a's object is created first.
    const slowWrite = b.writeChunk(0, slow())
    await sleep(100)
    expect(await a.writeChunk(0, chunked(patternBytes(30, 9)))).toBe(30)
    release()
    const failure = await slowWrite.catch((err: unknown) => err)
    expect(hasErrorCode(failure, 'ERR_MISMATCHED_OFFSET')).toBe(true)
    expect((await (await store.getUpload(ID)).getInfo()).Offset).toBe(30)
  })

  test('a write at another offset than the stored one is refused before reading', async () => {
    const prefix = uniquePrefix('offset')
    const store = makeStore(target, { objectPrefix: prefix })
    const upload = await store.newUpload(newFileInfo({ Size: 100 }))
    await upload.writeChunk(0, chunked(patternBytes(10, 10)))
    let pulled = false
    async function* source() {
      pulled = true
      yield patternBytes(5, 11)
    }
    await expect(upload.writeChunk(5, source())).rejects.toSatisfy((err) =>
      hasErrorCode(err, 'ERR_MISMATCHED_OFFSET'),
    )
    expect(pulled).toBe(false)
    expect((await upload.getInfo()).Offset).toBe(10)
  })
})
