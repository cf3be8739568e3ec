import { DeleteObjectCommand } from '@aws-sdk/client-s3'
import { newFileInfo } from '@tus/core'
import { chunked, patternBytes } from '@tus/core/testing'
import { S3Store, splitUploadId } from '@tus/s3store'
import { describe, expect, test } from 'vitest'
import { bucketName, makeClient, makeStore, useBucket } from './helpers.js'

const bucket = useBucket()

describe('errors', () => {
  test('unknown ids are not found: no "+", no .info, no such multipart upload', async () => {
    const store = makeStore(bucket)
    for (const id of ['plain', 'a+', '+b', 'missing+2~abc', '../x+y']) {
      await expect(store.getUpload(id)).rejects.toMatchObject({
        code: 'ERR_UPLOAD_NOT_FOUND',
        status: 404,
      })
    }
  })

  test('an upload whose .info is gone is not found (NoSuchKey)', async () => {
    const store = makeStore(bucket, { objectPrefix: 'noinfo' })
    const upload = await store.newUpload(newFileInfo({ Size: 10 }))
    const { ID } = await upload.getInfo()
    await bucket.client.send(
      new DeleteObjectCommand({
        Bucket: bucket.name,
        Key: `noinfo/${splitUploadId(ID)!.objectId}.info`,
      }),
    )
    await expect(store.getUpload(ID)).rejects.toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
  })

  test('a finished upload whose object is gone is not found on read (NoSuchKey)', async () => {
    const store = makeStore(bucket, { objectPrefix: 'noobject' })
    const upload = await store.newUpload(newFileInfo({ Size: 1 }))
    const { ID } = await upload.getInfo()
    await upload.writeChunk(0, chunked(patternBytes(1)))
    await upload.finishUpload()
    await bucket.client.send(
      new DeleteObjectCommand({
        Bucket: bucket.name,
        Key: `noobject/${splitUploadId(ID)!.objectId}`,
      }),
    )
    const found = store.asServableUpload(await store.getUpload(ID))
    await expect(found.contentInfo()).rejects.toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
    await expect(found.createReadStream()).rejects.toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
  })

  test('other S3 errors are 500 with the S3 error code, the original as the cause', async () => {
    const store = new S3Store({ client: bucket.client, bucket: bucketName() })
    const err = await store.newUpload(newFileInfo({ Size: 1 })).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'ERR_INTERNAL_SERVER_ERROR',
      status: 500,
      message: 's3: NoSuchBucket in CreateMultipartUpload',
    })
    expect((err as Error).cause).toMatchObject({ name: 'NoSuchBucket' })
    const missingBucketRead = await store.getUpload('x+y').catch((e: unknown) => e)
    expect(missingBucketRead).toMatchObject({
      status: 500,
      message: 's3: NoSuchBucket in GetObject',
    })
  })

  test('a wrong secret: 500 naming SignatureDoesNotMatch', async () => {
    const client = makeClient({ secretAccessKey: 'not-the-secret' })
    const store = new S3Store({ client, bucket: bucket.name })
    await expect(store.newUpload(newFileInfo({ Size: 1 }))).rejects.toMatchObject({
      status: 500,
      message: 's3: SignatureDoesNotMatch in CreateMultipartUpload',
    })
    client.destroy()
  })

  test('EntityTooSmall from S3 when parts are below its minimum', async () => {
    // A store told parts may be tiny: S3 (radosgw, as AWS) refuses them on completion.
    const store = makeStore(bucket, { objectPrefix: 'small', partSize: 1000, minPartSize: 1000 })
    const upload = await store.newUpload(newFileInfo({ Size: 3000 }))
    await upload.writeChunk(0, chunked(patternBytes(3000)))
    await expect(upload.finishUpload()).rejects.toMatchObject({
      status: 500,
      message: 's3: EntityTooSmall in CompleteMultipartUpload',
    })
  })

  test('an upload over 5 TiB is refused before S3 is asked', async () => {
    const store = makeStore(bucket)
    await expect(store.newUpload(newFileInfo({ Size: 5 * 1024 ** 4 + 1 }))).rejects.toMatchObject({
      code: 'ERR_MAX_SIZE_EXCEEDED',
      status: 413,
    })
  })
})
