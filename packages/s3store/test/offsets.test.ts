import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { newFileInfo } from '@tus/core'
import { chunked, patternBytes, readAll } from '@tus/core/testing'
import { splitUploadId } from '@tus/s3store'
import { describe, expect, test } from 'vitest'
import { MiB, makeStore, spyClient, useBucket } from './helpers.js'

const bucket = useBucket()
const { client } = bucket

/** Starts an upload the way tusd does, by hand: a multipart upload and a Go-encoded `.info`. */
async function tusdUpload(objectId: string, size: number, prefix = 'tusd/') {
  const key = `${prefix}${objectId}`
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket.name,
      Key: key,
      Metadata: { filename: 'a&b.txt' },
    }),
  )
  const multipartId = created.UploadId!
  const id = `${objectId}+${multipartId}`
  // Go's encoding/json: struct order, sorted map keys, HTML characters escaped.
  const info =
    `{"ID":${JSON.stringify(id)},"Size":${size},"SizeIsDeferred":false,"Offset":0,` +
    '"MetaData":{"filename":"a\\u0026b.txt"},"IsPartial":false,"IsFinal":false,' +
    `"PartialUploads":null,"Storage":{"Bucket":"${bucket.name}","Key":"${key}","Type":"s3store"}}`
  await client.send(new PutObjectCommand({ Bucket: bucket.name, Key: `${key}.info`, Body: info }))
  return { id, key, multipartId }
}

async function objectBytes(key: string): Promise<Uint8Array> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }))
  return res.Body!.transformToByteArray()
}

describe('a bucket written by tusd', () => {
  test('resumes: the offset is the parts plus the .part, and the upload finishes', async () => {
    const bytes = patternBytes(13 * MiB + 77, 21)
    const { id, key, multipartId } = await tusdUpload('resume-me', bytes.length)
    await client.send(
      new UploadPartCommand({
        Bucket: bucket.name,
        Key: key,
        UploadId: multipartId,
        PartNumber: 1,
        Body: bytes.subarray(0, 5 * MiB),
      }),
    )
    const partEnd = 5 * MiB + 1000
    await client.send(
      new PutObjectCommand({
        Bucket: bucket.name,
        Key: `${key}.part`,
        Body: bytes.subarray(5 * MiB, partEnd),
      }),
    )
    const store = makeStore(bucket, { objectPrefix: 'tusd' })
    const upload = await store.getUpload(id)
    const info = await upload.getInfo()
    expect(info).toMatchObject({ ID: id, Size: bytes.length, Offset: partEnd })
    expect(info.MetaData).toEqual({ filename: 'a&b.txt' })
    expect(info.Storage).toEqual({ Type: 's3store', Bucket: bucket.name, Key: key })

    expect(await upload.writeChunk(partEnd, chunked(bytes.subarray(partEnd)))).toBe(
      bytes.length - partEnd,
    )
    const parts = await client.send(
      new ListPartsCommand({ Bucket: bucket.name, Key: key, UploadId: multipartId }),
    )
    // tusd numbers parts 1..n, the next one len(parts)+1: so do we.
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
      [3, bytes.length - partEnd - 5 * MiB + 1000],
    ])
    await (await store.getUpload(id)).finishUpload()
    expect(Buffer.compare(await objectBytes(key), bytes)).toBe(0)
    expect((await (await store.getUpload(id)).getInfo()).Offset).toBe(bytes.length)
  })

  test('a completed tusd upload: no multipart upload, so Offset is Size, and it reads', async () => {
    const bytes = patternBytes(2000, 22)
    const { id, key, multipartId } = await tusdUpload('done-by-tusd', bytes.length)
    const part = await client.send(
      new UploadPartCommand({
        Bucket: bucket.name,
        Key: key,
        UploadId: multipartId,
        PartNumber: 1,
        Body: bytes,
      }),
    )
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket.name,
        Key: key,
        UploadId: multipartId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    )
    const store = makeStore(bucket, { objectPrefix: 'tusd' })
    const upload = await store.getUpload(id)
    expect((await upload.getInfo()).Offset).toBe(2000)
    expect(Buffer.compare(await readAll(await upload.getReader()), bytes)).toBe(0)
    // Finishing again is harmless (the handler finishes after concatenation too).
    await upload.finishUpload()
  })
})

describe('offsets', () => {
  test('are read from S3 by every fresh handle: parts + .part', async () => {
    const store = makeStore(bucket, { objectPrefix: 'offsets' })
    const bytes = patternBytes(20 * MiB, 23)
    const { ID } = await (await store.newUpload(newFileInfo({ SizeIsDeferred: true }))).getInfo()
    const steps = [1 * MiB, 5 * MiB, 5 * MiB + 1, 9 * MiB - 1]
    let offset = 0
    for (const step of steps) {
      const upload = await store.getUpload(ID)
      expect((await upload.getInfo()).Offset).toBe(offset)
      await upload.writeChunk(offset, chunked(bytes.subarray(offset, offset + step)))
      offset += step
      expect((await upload.getInfo()).Offset).toBe(offset)
      expect((await (await store.getUpload(ID)).getInfo()).Offset).toBe(offset)
    }
    const upload = await store.getUpload(ID)
    await store.asLengthDeclarableUpload(upload).declareLength(offset)
    // The last bytes are in the .part (the length was deferred): finishing makes them the last part.
    await upload.finishUpload()
    const done = await store.getUpload(ID)
    expect((await done.getInfo()).Offset).toBe(offset)
    expect(Buffer.compare(await readAll(await done.getReader()), bytes)).toBe(0)
  })

  test('ListParts is read page after page', async () => {
    const { client: spied, calls } = spyClient(async (call, proceed) => {
      if (call.command === 'ListPartsCommand') call.input.MaxParts = 2
      return proceed()
    })
    // Tiny parts (radosgw takes them; only completing would refuse): 7 parts, 4 pages.
    const store = makeStore(
      { name: bucket.name, client: spied },
      { objectPrefix: 'pages', partSize: 1000, minPartSize: 1 },
    )
    const upload = await store.newUpload(newFileInfo({ Size: 10_000 }))
    const { ID } = await upload.getInfo()
    await upload.writeChunk(0, chunked(patternBytes(6500), 300))
    calls.length = 0
    const info = await (await store.getUpload(ID)).getInfo()
    expect(info.Offset).toBe(6500)
    expect(calls.filter((c) => c.command === 'ListPartsCommand')).toHaveLength(4)
    spied.destroy()
  })

  test('a write at a stale offset is refused', async () => {
    const store = makeStore(bucket, { objectPrefix: 'stale' })
    const upload = await store.newUpload(newFileInfo({ Size: 100 }))
    await upload.writeChunk(0, chunked(patternBytes(10)))
    await expect(upload.writeChunk(5, chunked(patternBytes(10)))).rejects.toMatchObject({
      code: 'ERR_MISMATCHED_OFFSET',
    })
    expect((await upload.getInfo()).Offset).toBe(10)
  })

  test("a multipart id that is not the .info's is not found", async () => {
    const store = makeStore(bucket, { objectPrefix: 'other' })
    const first = await store.newUpload(newFileInfo({ ID: 'same', Size: 5 }))
    const firstId = (await first.getInfo()).ID
    await first.writeChunk(0, chunked(patternBytes(5)))
    await first.finishUpload()
    // The id is used again: the old URL must not see the new upload.
    const second = await store.newUpload(newFileInfo({ ID: 'same', Size: 50 }))
    const secondId = (await second.getInfo()).ID
    expect(splitUploadId(secondId)?.objectId).toBe('same')
    await expect(store.getUpload(firstId)).rejects.toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
    expect((await (await store.getUpload(secondId)).getInfo()).Size).toBe(50)
  })
})
