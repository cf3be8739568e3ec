import { ReadStream } from 'node:fs'
import { GetObjectCommand, HeadObjectCommand, ListPartsCommand } from '@aws-sdk/client-s3'
import { newFileInfo } from '@tus/core'
import { chunked, failingAfter, patternBytes, readAll } from '@tus/core/testing'
import { splitUploadId } from '@tus/s3store'
import { describe, expect, test } from 'vitest'
import {
  type Call,
  collectGarbage,
  filesIn,
  MiB,
  makeStore,
  s3Failure,
  sleep,
  spyClient,
  tempDir,
  useBucket,
} from './helpers.js'

const bucket = useBucket()
const { client } = bucket

async function partsOf(key: string, uploadId: string) {
  const res = await client.send(
    new ListPartsCommand({ Bucket: bucket.name, Key: key, UploadId: uploadId }),
  )
  return (res.Parts ?? []).map((part) => [part.PartNumber, part.Size])
}

async function partObjectSize(key: string): Promise<number | undefined> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key }))
    return head.ContentLength
  } catch {
    return undefined
  }
}

async function objectBytes(key: string): Promise<Uint8Array> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }))
  return res.Body!.transformToByteArray()
}

const isUploadPart = (call: Call) => call.command === 'UploadPartCommand'

describe('a source that fails midway', () => {
  test('keeps every byte before the failure, as parts and .part, and resumes', async () => {
    const store = makeStore(bucket, { objectPrefix: 'broken' })
    const bytes = patternBytes(16 * MiB, 31)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    const { ID } = await upload.getInfo()
    const { objectId, multipartId } = splitUploadId(ID)!
    const cut = 7 * MiB + 5
    expect(await upload.writeChunk(0, failingAfter(bytes.subarray(0, cut), 50_000))).toBe(cut)
    expect(await partsOf(`broken/${objectId}`, multipartId)).toEqual([[1, 5 * MiB]])
    expect(await partObjectSize(`broken/${objectId}.part`)).toBe(cut - 5 * MiB)
    const again = await store.getUpload(ID)
    expect((await again.getInfo()).Offset).toBe(cut)
    await again.writeChunk(cut, chunked(bytes.subarray(cut)))
    await again.finishUpload()
    expect(Buffer.compare(await objectBytes(`broken/${objectId}`), bytes)).toBe(0)
  })

  test('a source that fails at once touches nothing in S3', async () => {
    const { client: spied, calls } = spyClient()
    const store = makeStore({ name: bucket.name, client: spied }, { objectPrefix: 'nothing' })
    const upload = await store.newUpload(newFileInfo({ Size: 100 }))
    await upload.writeChunk(0, chunked(patternBytes(10)))
    calls.length = 0
    expect(await upload.writeChunk(10, failingAfter(new Uint8Array(0)))).toBe(0)
    expect(await upload.writeChunk(10, chunked(new Uint8Array(0)))).toBe(0)
    expect(calls).toEqual([])
    spied.destroy()
  })

  test('an aborted signal stops reading and keeps what was read', async () => {
    const store = makeStore(bucket, { objectPrefix: 'signal' })
    const controller = new AbortController()
    let pulled = 0
    async function* source() {
      for (let i = 0; i < 200; i++) {
        if (pulled === 6 * MiB) controller.abort()
        pulled += 64 * 1024
        yield new Uint8Array(64 * 1024).fill(i)
      }
    }
    const upload = await store.newUpload(newFileInfo({ Size: 200 * 64 * 1024 }))
    const written = await upload.writeChunk(0, source(), { signal: controller.signal })
    expect(written).toBeLessThan(200 * 64 * 1024)
    expect(written).toBeGreaterThanOrEqual(6 * MiB)
    expect((await (await store.getUpload((await upload.getInfo()).ID)).getInfo()).Offset).toBe(
      written,
    )
  })
})

describe('a failure of S3', () => {
  test('a part that fails once is sent again', async () => {
    let failures = 0
    const { client: spied, calls } = spyClient(async (call, proceed) => {
      if (isUploadPart(call) && call.input.PartNumber === 2 && failures === 0) {
        failures++
        throw s3Failure('SlowDown', 503)
      }
      return proceed()
    })
    const store = makeStore({ name: bucket.name, client: spied }, { objectPrefix: 'retry' })
    const bytes = patternBytes(11 * MiB, 34)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    expect(await upload.writeChunk(0, chunked(bytes))).toBe(bytes.length)
    expect(calls.filter(isUploadPart).map((c) => c.input.PartNumber)).toEqual([1, 2, 3, 2])
    await upload.finishUpload()
    expect(Buffer.compare(await readAll(await upload.getReader()), bytes)).toBe(0)
    spied.destroy()
  })

  test('rejects; the parts before it are the offset; later parts are undone; it resumes', async () => {
    // Part 2 keeps failing, late, while parts 3, 4 and 5 (the last, 1 MiB) go through.
    const { client: spied } = spyClient(async (call, proceed) => {
      if (isUploadPart(call) && call.input.PartNumber === 2 && !resumed) {
        await sleep(200)
        throw s3Failure('InternalError')
      }
      return proceed()
    })
    let resumed = false
    const dir = await tempDir()
    const store = makeStore(
      { name: bucket.name, client: spied },
      { objectPrefix: 'fail', concurrentPartUploads: 4, temporaryDirectory: dir },
    )
    const bytes = patternBytes(21 * MiB, 32)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    const { ID } = await upload.getInfo()
    const { objectId, multipartId } = splitUploadId(ID)!
    await expect(upload.writeChunk(0, chunked(bytes))).rejects.toMatchObject({
      code: 'ERR_INTERNAL_SERVER_ERROR',
      status: 500,
      message: 's3: InternalError in UploadPart',
    })
    expect(await partsOf(`fail/${objectId}`, multipartId)).toEqual([
      [1, 5 * MiB],
      [3, 0],
      [4, 0],
      [5, 0],
    ])
    expect(await partObjectSize(`fail/${objectId}.part`)).toBeUndefined()
    expect(await filesIn(dir)).toEqual([])
    // What the handler does next: read the offset again, and the client resumes there.
    expect((await upload.getInfo()).Offset).toBe(5 * MiB)
    resumed = true
    const again = await store.getUpload(ID)
    expect((await again.getInfo()).Offset).toBe(5 * MiB)
    await again.writeChunk(5 * MiB, chunked(bytes.subarray(5 * MiB)))
    // The empty parts were slots: the new parts took their numbers.
    expect(await partsOf(`fail/${objectId}`, multipartId)).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
      [3, 5 * MiB],
      [4, 5 * MiB],
      [5, MiB],
    ])
    await again.finishUpload()
    expect(Buffer.compare(await objectBytes(`fail/${objectId}`), bytes)).toBe(0)
    spied.destroy()
  })

  test('the .part is put back when its bytes did not make it into a part', async () => {
    let failing = false
    const { client: spied } = spyClient(async (call, proceed) => {
      if (failing && isUploadPart(call)) throw s3Failure('SlowDown', 503)
      return proceed()
    })
    const store = makeStore({ name: bucket.name, client: spied }, { objectPrefix: 'restore' })
    const bytes = patternBytes(12 * MiB, 33)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    const { ID } = await upload.getInfo()
    const { objectId } = splitUploadId(ID)!
    await upload.writeChunk(0, chunked(bytes.subarray(0, MiB)))
    expect(await partObjectSize(`restore/${objectId}.part`)).toBe(MiB)
    failing = true
    await expect(
      (await store.getUpload(ID)).writeChunk(MiB, chunked(bytes.subarray(MiB, 7 * MiB))),
    ).rejects.toMatchObject({ message: 's3: SlowDown in UploadPart' })
    expect(await partObjectSize(`restore/${objectId}.part`)).toBe(MiB)
    failing = false
    const again = await store.getUpload(ID)
    expect((await again.getInfo()).Offset).toBe(MiB)
    await again.writeChunk(MiB, chunked(bytes.subarray(MiB)))
    await again.finishUpload()
    expect(Buffer.compare(await readAll(await again.getReader()), bytes)).toBe(0)
    spied.destroy()
  })
})

describe('part uploads in flight', () => {
  test('one limit for all uploads of a store', async () => {
    let inFlight = 0
    let most = 0
    const { client: spied } = spyClient(async (call, proceed) => {
      if (!isUploadPart(call)) return proceed()
      inFlight++
      most = Math.max(most, inFlight)
      try {
        await sleep(30)
        return await proceed()
      } finally {
        inFlight--
      }
    })
    const store = makeStore(
      { name: bucket.name, client: spied },
      { objectPrefix: 'limit', concurrentPartUploads: 2 },
    )
    const contents = [0, 1, 2].map((i) => patternBytes(15 * MiB, 40 + i))
    const uploads = await Promise.all(
      contents.map((bytes) => store.newUpload(newFileInfo({ Size: bytes.length }))),
    )
    await Promise.all(uploads.map((upload, i) => upload.writeChunk(0, chunked(contents[i]!))))
    expect(most).toBe(2)
    for (const [i, upload] of uploads.entries()) {
      await upload.finishUpload()
      expect(Buffer.compare(await readAll(await upload.getReader()), contents[i]!)).toBe(0)
    }
    spied.destroy()
  })

  test('parts go from temporary files or a bounded window, and the body waits for S3', async () => {
    let open: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const bodies: unknown[] = []
    const { client: spied } = spyClient(async (call, proceed) => {
      if (isUploadPart(call)) {
        bodies.push(call.input.Body)
        await gate
      }
      return proceed()
    })
    const dir = await tempDir()
    const store = makeStore(
      { name: bucket.name, client: spied },
      {
        objectPrefix: 'pressure',
        partSize: 12 * MiB,
        concurrentPartUploads: 1,
        maxBufferedParts: 1,
        temporaryDirectory: dir,
      },
    )
    const total = 60 * MiB
    let pulled = 0
    // A fresh chunk each time, so that chunks held in memory show in arrayBuffers.
    async function* source() {
      while (pulled < total) {
        pulled += 64 * 1024
        yield new Uint8Array(64 * 1024).fill(7)
      }
    }
    const upload = await store.newUpload(newFileInfo({ Size: total }))
    collectGarbage()
    const before = process.memoryUsage().arrayBuffers
    const writing = upload.writeChunk(0, source())
    // Wait until the source is no longer read: no progress for 600 ms (a loaded machine may
    // pause the writer for a while), 20 s at most.
    let last = -1
    let still = 0
    for (let waited = 0; still < 4 && waited < 20_000; waited += 150) {
      still = pulled === last ? still + 1 : 0
      last = pulled
      await sleep(150)
    }
    // One part uploading (held at the gate, sent while received), one waiting, one being
    // written: then the body waits.
    expect(pulled).toBe(3 * 12 * MiB)
    const files = await filesIn(dir)
    expect(files.length).toBeLessThanOrEqual(3)
    // Buffers are freed by a background sweeper after a collection: give it time, collect again.
    collectGarbage()
    await sleep(200)
    collectGarbage()
    const grown = process.memoryUsage().arrayBuffers - before
    // The live part's window (4 MiB) and the write buffers, not a 12 MiB part.
    expect(grown).toBeLessThan(6 * MiB)
    open()
    expect(await writing).toBe(total)
    expect(bodies).toHaveLength(5)
    // Parts that found a free slot as they began were sent as they came in; the others from
    // their files.
    expect(bodies[0]).not.toBeInstanceOf(ReadStream)
    expect(bodies[1]).toBeInstanceOf(ReadStream)
    for (const body of bodies.filter((b) => b instanceof ReadStream)) {
      expect(String((body as ReadStream).path).startsWith(dir)).toBe(true)
    }
    expect(await filesIn(dir)).toEqual([])
    await store.asTerminatableUpload(upload).terminate()
    spied.destroy()
  })
})

describe('parts sent while they are received', () => {
  test('a part S3 takes late is read back from its file, then from memory', async () => {
    let open: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    let firstBody: unknown
    const { client: spied } = spyClient(async (call, proceed) => {
      if (isUploadPart(call) && call.input.PartNumber === 1) {
        firstBody = call.input.Body
        await gate
      }
      return proceed()
    })
    const store = makeStore(
      { name: bucket.name, client: spied },
      { objectPrefix: 'live-late', concurrentPartUploads: 1, maxBufferedParts: 1 },
    )
    const bytes = patternBytes(12 * MiB, 71)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    const writing = upload.writeChunk(0, chunked(bytes, 64 * 1024))
    // Part 1 (5 MiB, more than the 4 MiB window) is written whole before S3 reads a byte.
    await sleep(300)
    expect(firstBody).toBeDefined()
    expect(firstBody).not.toBeInstanceOf(ReadStream)
    open()
    expect(await writing).toBe(bytes.length)
    await upload.finishUpload()
    expect(Buffer.compare(await readAll(await upload.getReader()), bytes)).toBe(0)
    spied.destroy()
  })

  test('a part whose request fails midway is sent again from its first byte', async () => {
    let failed = false
    const { client: spied, calls } = spyClient(async (call, proceed) => {
      if (isUploadPart(call) && call.input.PartNumber === 1 && !failed) {
        failed = true
        // Take 1 MiB of the body, as a request that broke off would, then fail.
        const body = call.input.Body as AsyncIterable<Uint8Array>
        let taken = 0
        for await (const chunk of body) {
          taken += chunk.byteLength
          if (taken >= MiB) break
        }
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
      }
      return proceed()
    })
    const store = makeStore({ name: bucket.name, client: spied }, { objectPrefix: 'live-retry' })
    const bytes = patternBytes(7 * MiB, 72)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    expect(await upload.writeChunk(0, chunked(bytes, 64 * 1024))).toBe(bytes.length)
    expect(calls.filter(isUploadPart).map((c) => c.input.PartNumber)).toEqual([1, 2, 1])
    await upload.finishUpload()
    expect(Buffer.compare(await readAll(await upload.getReader()), bytes)).toBe(0)
    spied.destroy()
  })

  test('a body cut short inside a part stops its request and keeps the bytes', async () => {
    const dir = await tempDir()
    const { client: spied, calls } = spyClient()
    const store = makeStore(
      { name: bucket.name, client: spied },
      { objectPrefix: 'live-cut', temporaryDirectory: dir },
    )
    const bytes = patternBytes(20 * MiB, 73)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    // 8 MiB arrive: part 1 (5 MiB) complete, part 2 cut at 3 MiB, below the minimum part size.
    const cut = failingAfter(bytes.subarray(0, 8 * MiB))
    expect(await upload.writeChunk(0, cut)).toBe(8 * MiB)
    expect((await upload.getInfo()).Offset).toBe(8 * MiB)
    const parts = calls.filter(isUploadPart).map((c) => c.input.PartNumber)
    expect(parts).toEqual([1, 2])
    expect(await filesIn(dir)).toEqual([])
    expect(await upload.writeChunk(8 * MiB, chunked(bytes.subarray(8 * MiB)))).toBe(12 * MiB)
    await upload.finishUpload()
    expect(Buffer.compare(await readAll(await upload.getReader()), bytes)).toBe(0)
    spied.destroy()
  })
})
