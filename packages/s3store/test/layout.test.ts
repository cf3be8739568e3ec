import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
} from '@aws-sdk/client-s3'
import { type FileInfo, hasErrorCode, newFileInfo } from '@tus/core'
import { chunked, patternBytes } from '@tus/core/testing'
import { type S3Store, splitUploadId } from '@tus/s3store'
import { describe, expect, test } from 'vitest'
import { listKeys, MiB, makeStore, useBucket } from './helpers.js'

const bucket = useBucket()

async function readText(key: string): Promise<string> {
  const res = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }))
  return res.Body!.transformToString()
}

async function listParts(key: string, uploadId: string) {
  const res = await bucket.client.send(
    new ListPartsCommand({ Bucket: bucket.name, Key: key, UploadId: uploadId }),
  )
  return (res.Parts ?? []).map((part) => [part.PartNumber, part.Size])
}

function create(store: S3Store, fields: Partial<FileInfo>) {
  return store.newUpload(newFileInfo(fields))
}

describe("tusd's object layout", () => {
  test('an id is <objectId>+<multipartId>, the object id 32 hex digits', async () => {
    const store = makeStore(bucket, { objectPrefix: 'random' })
    const { ID } = await (await create(store, { Size: 10 })).getInfo()
    const ids = splitUploadId(ID)
    expect(ids?.objectId).toMatch(/^[0-9a-f]{32}$/)
    const uploads = await bucket.client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket.name, Prefix: 'random/' }),
    )
    expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([
      [`random/${ids!.objectId}`, ids!.multipartId],
    ])
  })

  test('a given ID is the object id and gets +<multipartId> appended (tusd)', async () => {
    const store = makeStore(bucket, { objectPrefix: 'given/' })
    const upload = await create(store, { ID: 'project/a+b', Size: 10 })
    const { ID, Storage } = await upload.getInfo()
    expect(ID.startsWith('project/a+b+')).toBe(true)
    expect(splitUploadId(ID)?.objectId).toBe('project/a+b')
    expect(Storage).toEqual({ Type: 's3store', Bucket: bucket.name, Key: 'given/project/a+b' })
    expect(await listKeys(bucket.client, bucket.name, 'given/')).toEqual(['given/project/a+b.info'])
    const found = await (await store.getUpload(ID)).getInfo()
    expect(found.ID).toBe(ID)
    expect(found.Size).toBe(10)
  })

  test('an invalid given ID is refused', async () => {
    const store = makeStore(bucket)
    for (const id of ['../escape', 'a//b', '/lead', 'trail/']) {
      await expect(create(store, { ID: id, Size: 1 })).rejects.toSatisfy((err) =>
        hasErrorCode(err, 'ERR_INVALID_UPLOAD_ID'),
      )
    }
  })

  test('the .info holds the FileInfo with tusd field names, in tusd order', async () => {
    const store = makeStore(bucket, { objectPrefix: 'info' })
    const upload = await create(store, {
      Size: 1234,
      MetaData: { filename: 'résumé.pdf', filetype: 'application/pdf', empty: '' },
      IsPartial: true,
    })
    const { ID } = await upload.getInfo()
    const objectId = splitUploadId(ID)!.objectId
    const text = await readText(`info/${objectId}.info`)
    expect(Object.keys(JSON.parse(text))).toEqual([
      'ID',
      'Size',
      'SizeIsDeferred',
      'Offset',
      'MetaData',
      'IsPartial',
      'IsFinal',
      'PartialUploads',
      'Storage',
    ])
    expect(JSON.parse(text)).toEqual({
      ID,
      Size: 1234,
      SizeIsDeferred: false,
      Offset: 0,
      MetaData: { filename: 'résumé.pdf', filetype: 'application/pdf', empty: '' },
      IsPartial: true,
      IsFinal: false,
      PartialUploads: null,
      Storage: { Type: 's3store', Bucket: bucket.name, Key: `info/${objectId}` },
    })
  })

  test('a prefix without "/" gets one; the metadata prefix moves .info and .part only', async () => {
    const store = makeStore(bucket, { objectPrefix: 'data', metadataObjectPrefix: 'meta' })
    const upload = await create(store, { Size: 10 * MiB })
    const { ID } = await upload.getInfo()
    const { objectId, multipartId } = splitUploadId(ID)!
    await upload.writeChunk(0, chunked(patternBytes(1000)))
    expect(await listKeys(bucket.client, bucket.name, 'meta/')).toEqual([
      `meta/${objectId}.info`,
      `meta/${objectId}.part`,
    ])
    expect(await listParts(`data/${objectId}`, multipartId)).toEqual([])
    expect((await (await store.getUpload(ID)).getInfo()).Offset).toBe(1000)
  })

  test('finished: the object holds the bytes, with printable metadata and the filetype', async () => {
    const store = makeStore(bucket, { objectPrefix: 'done' })
    const bytes = patternBytes(7 * MiB + 11)
    const upload = await create(store, {
      Size: bytes.length,
      MetaData: { filename: 'Menü 📄.txt', filetype: 'text/plain', 'bad key': 'x' },
    })
    const { ID } = await upload.getInfo()
    const objectId = splitUploadId(ID)!.objectId
    await upload.writeChunk(0, chunked(bytes))
    await upload.finishUpload()
    expect(await listKeys(bucket.client, bucket.name, 'done/')).toEqual([
      `done/${objectId}`,
      `done/${objectId}.info`,
    ])
    const head = await bucket.client.send(
      new HeadObjectCommand({ Bucket: bucket.name, Key: `done/${objectId}` }),
    )
    expect(head.ContentLength).toBe(bytes.length)
    expect(head.ContentType).toBe('text/plain')
    expect(head.Metadata).toEqual({ filename: 'Men? ?.txt', filetype: 'text/plain' })
    // The .info keeps the exact values.
    expect((await (await store.getUpload(ID)).getInfo()).MetaData).toEqual({
      filename: 'Menü 📄.txt',
      filetype: 'text/plain',
      'bad key': 'x',
    })
  })
})

describe('part sizes', () => {
  const cases = [
    ['smaller than one part', 3 * MiB, [3 * MiB]],
    ['exactly one part', 5 * MiB, [5 * MiB]],
    ['one part and one byte', 5 * MiB + 1, [5 * MiB, 1]],
    ['two parts and a half', 12.5 * MiB, [5 * MiB, 5 * MiB, 2.5 * MiB]],
  ] as const
  for (const [name, size, expected] of cases) {
    test(`${name}: ${expected.length} part(s), no .part`, async () => {
      const store = makeStore(bucket, { objectPrefix: 'sizes' })
      const bytes = patternBytes(size, 7)
      const upload = await create(store, { Size: size })
      const { ID } = await upload.getInfo()
      const { objectId, multipartId } = splitUploadId(ID)!
      expect(await upload.writeChunk(0, chunked(bytes, 100_000))).toBe(size)
      expect(await listParts(`sizes/${objectId}`, multipartId)).toEqual(
        expected.map((partSize, i) => [i + 1, partSize]),
      )
      expect(await listKeys(bucket.client, bucket.name, `sizes/${objectId}.`)).toEqual([
        `sizes/${objectId}.info`,
      ])
      await (await store.getUpload(ID)).finishUpload()
      const res = await bucket.client.send(
        new GetObjectCommand({ Bucket: bucket.name, Key: `sizes/${objectId}` }),
      )
      expect(Buffer.compare(await res.Body!.transformToByteArray(), bytes)).toBe(0)
    })
  }

  test('a larger preferred part size is used as is', async () => {
    const store = makeStore(bucket, { objectPrefix: 'big', partSize: 8 * MiB })
    const upload = await create(store, { Size: 17 * MiB })
    const { objectId, multipartId } = splitUploadId((await upload.getInfo()).ID)!
    await upload.writeChunk(0, chunked(patternBytes(17 * MiB)))
    expect(await listParts(`big/${objectId}`, multipartId)).toEqual([
      [1, 8 * MiB],
      [2, 8 * MiB],
      [3, 1 * MiB],
    ])
  })

  test('a short PATCH of at least the minimum size is a part; a shorter one the .part', async () => {
    const store = makeStore(bucket, { objectPrefix: 'short', partSize: 8 * MiB })
    const bytes = patternBytes(30 * MiB, 3)
    const upload = await create(store, { Size: bytes.length })
    const { ID } = await upload.getInfo()
    const { objectId, multipartId } = splitUploadId(ID)!
    await upload.writeChunk(0, chunked(bytes.subarray(0, 6 * MiB)))
    await upload.writeChunk(6 * MiB, chunked(bytes.subarray(6 * MiB, 7 * MiB)))
    expect(await listParts(`short/${objectId}`, multipartId)).toEqual([[1, 6 * MiB]])
    expect((await (await store.getUpload(ID)).getInfo()).Offset).toBe(7 * MiB)
    // The .part (1 MiB) goes first into the next part.
    const again = await store.getUpload(ID)
    await again.writeChunk(7 * MiB, chunked(bytes.subarray(7 * MiB)))
    expect(await listParts(`short/${objectId}`, multipartId)).toEqual([
      [1, 6 * MiB],
      [2, 8 * MiB],
      [3, 8 * MiB],
      [4, 8 * MiB],
    ])
    await again.finishUpload()
    const res = await bucket.client.send(
      new GetObjectCommand({ Bucket: bucket.name, Key: `short/${objectId}` }),
    )
    expect(Buffer.compare(await res.Body!.transformToByteArray(), bytes)).toBe(0)
  })

  test('equalParts: every part but the last exactly the part size (R2)', async () => {
    const store = makeStore(bucket, {
      objectPrefix: 'equal',
      partSize: 6 * MiB,
      minPartSize: 5 * MiB,
      equalParts: true,
    })
    const bytes = patternBytes(20 * MiB, 5)
    const upload = await create(store, { Size: bytes.length })
    const { ID } = await upload.getInfo()
    const { objectId, multipartId } = splitUploadId(ID)!
    // 5.5 MiB is over the minimum but under the part size: it waits in the .part.
    await upload.writeChunk(0, chunked(bytes.subarray(0, 5.5 * MiB)))
    expect(await listParts(`equal/${objectId}`, multipartId)).toEqual([])
    await (await store.getUpload(ID)).writeChunk(5.5 * MiB, chunked(bytes.subarray(5.5 * MiB)))
    expect(await listParts(`equal/${objectId}`, multipartId)).toEqual([
      [1, 6 * MiB],
      [2, 6 * MiB],
      [3, 6 * MiB],
      [4, 2 * MiB],
    ])
  })
})
