import { ApiError } from '@google-cloud/storage'
import { hasErrorCode, newFileInfo } from '@tus/core'
import { chunked, patternBytes } from '@tus/core/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { gcsError, notFoundOrGcsError } from '../src/errors.js'
import { errorReason, errorStatus, GCSStore } from '../src/index.js'
import {
  faultyProxy,
  gcsErrorBody,
  listNames,
  makeStorage,
  makeStore,
  uniquePrefix,
  useBucket,
} from './helpers.js'

const target = useBucket()
const { bucket } = target

const notFound = (err: unknown) => hasErrorCode(err, 'ERR_UPLOAD_NOT_FOUND')

describe('a missing object is ERR_UPLOAD_NOT_FOUND', () => {
  test('an unknown id, an id that cannot be an upload, a terminated upload', async () => {
    const store = makeStore(target, { objectPrefix: uniquePrefix('missing') })
    await expect(store.getUpload('0123456789abcdef0123456789abcdef')).rejects.toSatisfy(notFound)
    await expect(store.getUpload('../x')).rejects.toSatisfy(notFound)
    await expect(store.getUpload('a/b_c')).rejects.toSatisfy(notFound)
    const upload = await store.newUpload(newFileInfo({ Size: 10 }))
    const { ID } = await upload.getInfo()
    await store.asTerminatableUpload(upload).terminate()
    await expect(store.getUpload(ID)).rejects.toSatisfy(notFound)
  })

  test('objects that vanish under a handle: reads and finishing say not found', async () => {
    const prefix = uniquePrefix('vanish')
    const store = makeStore(target, { objectPrefix: prefix })
    const upload = await store.newUpload(newFileInfo({ Size: 20 }))
    await upload.writeChunk(0, chunked(patternBytes(20, 1)))
    const reader = await upload.getReader()
    await bucket.deleteFiles({ prefix, force: true })
    await expect(
      (async () => {
        for await (const _ of reader) {
          // drain
        }
      })(),
    ).rejects.toSatisfy(notFound)
  })
})

describe('other GCS failures are a 500 that names the status and GCS reason', () => {
  const proxyReady = faultyProxy()
  afterAll(async () => (await proxyReady).close())

  test('403 forbidden, answered for every call', async () => {
    const proxy = await proxyReady
    const storage = makeStorage(proxy.endpoint)
    const store = new GCSStore({
      storage,
      bucket: target.name,
      objectPrefix: uniquePrefix('denied'),
    })
    const upload = await makeStore(target, { objectPrefix: store.options.objectPrefix }).newUpload(
      newFileInfo({ Size: 10 }),
    )
    const { ID } = await upload.getInfo()
    proxy.answer = { status: 403, body: gcsErrorBody(403, 'forbidden', 'no access') }
    try {
      const lookup = await store.getUpload(ID).catch((err: unknown) => err)
      expect(hasErrorCode(lookup, 'ERR_INTERNAL_SERVER_ERROR')).toBe(true)
      expect((lookup as Error).message).toBe('gcs: 403 forbidden in read info')
      const created = await store.newUpload(newFileInfo({ Size: 1 })).catch((err: unknown) => err)
      expect((created as Error).message).toBe('gcs: 403 forbidden in write info')
    } finally {
      proxy.answer = undefined
    }
  })

  test('429 (about one change per second per object): the .info is written again after a pause', async () => {
    const proxy = await proxyReady
    const prefix = uniquePrefix('throttled')
    const store = new GCSStore({
      storage: makeStorage(proxy.endpoint),
      bucket: target.name,
      objectPrefix: prefix,
    })
    const upload = await store.newUpload(newFileInfo({ SizeIsDeferred: true }))
    proxy.answer = {
      status: 429,
      body: gcsErrorBody(429, 'rateLimitExceeded', 'slow down'),
      times: 1,
    }
    const started = Date.now()
    await store.asLengthDeclarableUpload(upload).declareLength(10)
    expect(proxy.answer).toBeUndefined()
    expect(Date.now() - started).toBeGreaterThanOrEqual(700)
    const { ID } = await upload.getInfo()
    expect(
      (
        await makeStore(target, { objectPrefix: prefix })
          .getUpload(ID)
          .then((u) => u.getInfo())
      ).Size,
    ).toBe(10)
  })

  test("the emulator's own failure: a compose whose source vanished", async () => {
    const prefix = uniquePrefix('compose')
    const storage = makeStorage()
    const handle = storage.bucket(target.name)
    const combine = handle.combine.bind(handle) as (...args: unknown[]) => Promise<unknown>
    // The chunk disappears between the listing and the compose call.
    handle.combine = (async (...args: unknown[]) => {
      await bucket.file((args[0] as { name: string }[])[1]!.name).delete()
      return combine(...args)
    }) as unknown as typeof handle.combine
    storage.bucket = () => handle
    const store = new GCSStore({ storage, bucket: target.name, objectPrefix: prefix })
    const upload = await store.newUpload(newFileInfo({ Size: 20 }))
    await upload.writeChunk(0, chunked(patternBytes(10, 2)))
    await upload.writeChunk(10, chunked(patternBytes(10, 3)))
    const failure = await upload.finishUpload().catch((err: unknown) => err)
    // fake-gcs-server answers 500 "Internal Server Error"; GCS itself would
    // answer 404, which the store reports as ERR_UPLOAD_NOT_FOUND.
    expect(hasErrorCode(failure, 'ERR_INTERNAL_SERVER_ERROR')).toBe(true)
    expect((failure as Error).message).toBe('gcs: 500 Internal Server Error in compose')
    const { ID } = await upload.getInfo()
    expect(await listNames(bucket, prefix)).toEqual([`${prefix}/${ID}.info`, `${prefix}/${ID}_0`])
  })

  test('error shapes: ApiError, GaxiosError, network errors', () => {
    const api = new ApiError({
      code: 429,
      message: 'slow down',
      errors: [{ reason: 'rateLimitExceeded', message: 'slow down' }],
    } as ConstructorParameters<typeof ApiError>[0])
    expect([errorStatus(api), errorReason(api)]).toEqual([429, 'rateLimitExceeded'])
    expect(gcsError(api, 'write chunk').message).toBe('gcs: 429 rateLimitExceeded in write chunk')
    const gaxios = Object.assign(new Error('Request failed'), {
      response: { status: 503, data: gcsErrorBody(503, 'backendError', 'try again') },
    })
    expect(gcsError(gaxios, 'read').message).toBe('gcs: 503 backendError in read')
    const network = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    expect(gcsError(network, 'compose').message).toBe('gcs: ECONNRESET in compose')
    expect(gcsError(new Error('odd'), 'compose').message).toBe('gcs: Error in compose')
    const missing = Object.assign(new Error('No such object: b/o'), { code: 404 })
    expect(hasErrorCode(notFoundOrGcsError(missing, 'read'), 'ERR_UPLOAD_NOT_FOUND')).toBe(true)
    const noBucket = Object.assign(new Error('The specified bucket does not exist.'), { code: 404 })
    expect(notFoundOrGcsError(noBucket, 'read').message).toBe('gcs: 404 in read')
    expect(gcsError(api, 'x').cause).toBe(api)
  })
})
