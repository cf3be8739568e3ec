import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { newFileInfo } from '@tus/core'
import { chunked, patternBytes, readAll } from '@tus/core/testing'
import { splitUploadId } from '@tus/s3store'
import { describe, expect, test } from 'vitest'
import { listKeys, MiB, makeStore, useBucket } from './helpers.js'

const bucket = useBucket()

describe('reading', () => {
  test('an unfinished upload cannot be read yet (ERR_INCOMPLETE_UPLOAD), as in tusd', async () => {
    const store = makeStore(bucket, { objectPrefix: 'unfinished' })
    const upload = await store.newUpload(newFileInfo({ Size: 100 }))
    await upload.writeChunk(0, chunked(patternBytes(100)))
    const fresh = store.asServableUpload(await store.getUpload((await upload.getInfo()).ID))
    for (const read of [
      () => upload.getReader(),
      () => fresh.contentInfo(),
      () => fresh.createReadStream({ start: 0, end: 9 }),
    ]) {
      await expect(read()).rejects.toMatchObject({ code: 'ERR_INCOMPLETE_UPLOAD', status: 400 })
    }
  })

  test('contentInfo is HeadObject: size, ETag, Last-Modified; ranges straight from S3', async () => {
    const store = makeStore(bucket, { objectPrefix: 'ranges' })
    const bytes = patternBytes(11 * MiB + 5, 61)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    const { ID } = await upload.getInfo()
    await upload.writeChunk(0, chunked(bytes))
    await upload.finishUpload()
    const servable = store.asServableUpload(await store.getUpload(ID))
    const info = await servable.contentInfo()
    const head = await bucket.client.send(
      new HeadObjectCommand({ Bucket: bucket.name, Key: `ranges/${splitUploadId(ID)!.objectId}` }),
    )
    expect(info).toEqual({ size: bytes.length, etag: head.ETag, lastModified: head.LastModified })
    expect(info.etag).toMatch(/^"[0-9a-f]{32}-3"$/)
    for (const [start, end] of [
      [0, 0],
      [5 * MiB - 1, 5 * MiB + 1],
      [bytes.length - 1, bytes.length - 1],
      [MiB, 10 * MiB],
    ] as const) {
      const got = await readAll(await servable.createReadStream({ start, end }))
      expect(Buffer.compare(got, bytes.subarray(start, end + 1))).toBe(0)
    }
  })
})

describe('termination', () => {
  test('aborts the multipart upload and deletes object, .part and .info', async () => {
    const store = makeStore(bucket, { objectPrefix: 'gone' })
    const upload = await store.newUpload(newFileInfo({ Size: 20 * MiB }))
    const { ID } = await upload.getInfo()
    await upload.writeChunk(0, chunked(patternBytes(6 * MiB)))
    expect(await listKeys(bucket.client, bucket.name, 'gone/')).toHaveLength(2)
    await store.asTerminatableUpload(upload).terminate()
    expect(await listKeys(bucket.client, bucket.name, 'gone/')).toEqual([])
    const uploads = await bucket.client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket.name, Prefix: 'gone/' }),
    )
    expect(uploads.Uploads ?? []).toEqual([])
    await expect(store.getUpload(ID)).rejects.toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
    // Terminating again finds nothing and is fine.
    await store.asTerminatableUpload(upload).terminate()
  })

  test('a finished upload: the object goes too', async () => {
    const store = makeStore(bucket, { objectPrefix: 'gone-done' })
    const upload = await store.newUpload(newFileInfo({ Size: 3 }))
    await upload.writeChunk(0, chunked(patternBytes(3)))
    await upload.finishUpload()
    expect(await listKeys(bucket.client, bucket.name, 'gone-done/')).toHaveLength(2)
    await store.asTerminatableUpload(upload).terminate()
    expect(await listKeys(bucket.client, bucket.name, 'gone-done/')).toEqual([])
  })
})

describe('creation-defer-length', () => {
  test('declareLength rewrites the .info; the offset stays', async () => {
    const store = makeStore(bucket, { objectPrefix: 'defer' })
    const upload = await store.newUpload(newFileInfo({ SizeIsDeferred: true }))
    const { ID } = await upload.getInfo()
    await upload.writeChunk(0, chunked(patternBytes(2 * MiB)))
    await store.asLengthDeclarableUpload(await store.getUpload(ID)).declareLength(9 * MiB)
    const info = await (await store.getUpload(ID)).getInfo()
    expect(info).toMatchObject({ Size: 9 * MiB, SizeIsDeferred: false, Offset: 2 * MiB })
  })
})
