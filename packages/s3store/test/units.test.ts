// Pure functions and option checks: these need no S3 server.
import { S3Client } from '@aws-sdk/client-s3'
import { cloneFileInfo, newFileInfo } from '@tus/core'
import { errorCode, LIMITS, optimalPartSize, S3Store, splitUploadId } from '@tus/s3store'
import { describe, expect, test } from 'vitest'
import { isRetryable, notFoundOrS3Error, s3Error } from '../src/errors.js'
import { copySource, Keys } from '../src/keys.js'
import { objectContentType, objectMetadata } from '../src/metadata.js'
import { Semaphore } from '../src/semaphore.js'

const MiB = 1024 * 1024
// The SDK warns once that Node 20 support ends in 2027; the tests know.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const client = new S3Client({ region: 'us-east-1' })

describe('options', () => {
  test("defaults are tusd's", () => {
    const store = new S3Store({ client, bucket: 'b' })
    expect(store.options).toMatchObject({
      objectPrefix: '',
      metadataObjectPrefix: '',
      partSize: 50 * MiB,
      minPartSize: 5 * MiB,
      maxBufferedParts: 20,
      concurrentPartUploads: 10,
      equalParts: false,
    })
    expect(store.options.generateId()).toMatch(/^[0-9a-f]{32}$/)
  })

  test('a minimum part size above 50 MiB raises the default part size with it', () => {
    expect(new S3Store({ client, bucket: 'b', minPartSize: 64 * MiB }).options.partSize).toBe(
      64 * MiB,
    )
  })

  test.each([
    [{ client: undefined }, /client must be an S3Client/],
    [{ client: {} }, /client must be an S3Client/],
    [{ bucket: '' }, /bucket must be a non-empty string/],
    [{ partSize: 4 * MiB }, /partSize must be an integer from 5242880/],
    [{ partSize: 6 * 1024 ** 3 }, /partSize must be an integer/],
    [{ minPartSize: 0 }, /minPartSize must be an integer from 1/],
    [{ minPartSize: 1.5 }, /minPartSize must be an integer/],
    [{ maxBufferedParts: 0 }, /maxBufferedParts/],
    [{ concurrentPartUploads: -1 }, /concurrentPartUploads/],
    [{ equalParts: 'yes' }, /equalParts must be a boolean/],
    [{ objectPrefix: 3 }, /objectPrefix must be a string/],
    [{ temporaryDirectory: 3 }, /temporaryDirectory must be a string/],
    [{ generateId: 'x' }, /generateId must be a function/],
  ])('refuses %o', (bad, message) => {
    const options = { client, bucket: 'b', ...bad } as unknown as ConstructorParameters<
      typeof S3Store
    >[0]
    expect(() => new S3Store(options)).toThrow(message)
  })

  test('an invalid given ID is refused before S3 is asked', async () => {
    const store = new S3Store({ client, bucket: 'b' })
    await expect(store.newUpload(newFileInfo({ ID: 'a/../b' }))).rejects.toMatchObject({
      code: 'ERR_INVALID_UPLOAD_ID',
    })
  })
})

describe('part size (tusd calcOptimalPartSize)', () => {
  test.each([
    [0, 50 * MiB],
    [1, 50 * MiB],
    [50 * MiB * 10_000, 50 * MiB],
    [50 * MiB * 10_000 + 1, 50 * MiB + 1],
    [LIMITS.maxObjectSize, Math.ceil(LIMITS.maxObjectSize / 10_000)],
  ])('%d bytes: %d', (size, expected) => {
    expect(optimalPartSize(size, 50 * MiB)).toBe(expected)
  })

  test('undefined when even 5 GiB parts are too small', () => {
    expect(optimalPartSize(LIMITS.maxPartSize * 10_000 + 10_000, 50 * MiB)).toBeUndefined()
  })
})

describe('keys and ids (tusd)', () => {
  test('prefixes get a "/"; the metadata prefix falls back on the object prefix', () => {
    const plain = new Keys()
    expect([plain.object('a'), plain.info('a'), plain.part('a')]).toEqual(['a', 'a.info', 'a.part'])
    const prefixed = new Keys('up')
    expect([prefixed.object('a/b'), prefixed.info('a/b')]).toEqual(['up/a/b', 'up/a/b.info'])
    const split = new Keys('data/', 'meta')
    expect([split.object('a'), split.info('a'), split.part('a')]).toEqual([
      'data/a',
      'meta/a.info',
      'meta/a.part',
    ])
  })

  test('ids split at the last "+"', () => {
    expect(splitUploadId('abc+2~xyz')).toEqual({ objectId: 'abc', multipartId: '2~xyz' })
    expect(splitUploadId('a+b+c')).toEqual({ objectId: 'a+b', multipartId: 'c' })
    for (const id of ['abc', '+abc', 'abc+', '']) expect(splitUploadId(id)).toBeUndefined()
  })

  test('copy sources are URL-encoded but for the slashes', () => {
    expect(copySource('bucket', 'up/a b+c/ü')).toBe('bucket/up/a%20b%2Bc/%C3%BC')
  })
})

describe('object metadata (tusd: non-printable characters become "?")', () => {
  test('values are printable ASCII; invalid header names are left out', () => {
    const meta: Record<string, string> = Object.create(null)
    meta.filename = 'Menü 📄\n.txt'
    meta['bad key'] = 'x'
    const proto = '__proto__' // a plain key here, not the prototype
    meta[proto] = 'plain'
    expect(Object.entries(objectMetadata(meta))).toEqual([
      ['filename', 'Men? ??.txt'],
      ['__proto__', 'plain'],
    ])
  })

  test('at most 2 KiB in all, as AWS allows', () => {
    const meta = { a: 'x'.repeat(1000), b: 'y'.repeat(1000), c: 'z'.repeat(100) }
    expect(Object.keys(objectMetadata(meta))).toEqual(['a', 'b'])
  })

  test('Content-Type from filetype', () => {
    expect(objectContentType({ filetype: 'image/png' })).toBe('image/png')
    expect(objectContentType({ filetype: ' ' })).toBeUndefined()
    expect(objectContentType({})).toBeUndefined()
  })
})

describe('.info', () => {
  test('clones keep prototype-less maps', () => {
    const meta: Record<string, string> = Object.create(null)
    const proto = '__proto__'
    meta[proto] = 'x'
    const copy = cloneFileInfo(newFileInfo({ MetaData: meta }))
    expect(Object.getPrototypeOf(copy.MetaData)).toBeNull()
    expect(Object.keys(copy.MetaData)).toEqual(['__proto__'])
  })
})

describe('errors', () => {
  const sdk = (name: string, status: number) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } })

  test('missing keys and uploads are not found; others 500 with the code', () => {
    for (const code of ['NoSuchKey', 'NoSuchUpload', 'NotFound']) {
      expect(notFoundOrS3Error(sdk(code, 404), 'X')).toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
    }
    expect(notFoundOrS3Error(sdk('NoSuchBucket', 404), 'GetObject')).toMatchObject({
      code: 'ERR_INTERNAL_SERVER_ERROR',
      message: 's3: NoSuchBucket in GetObject',
    })
    const network = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })
    expect(s3Error(network, 'PutObject').message).toBe('s3: ECONNREFUSED in PutObject')
    expect(errorCode({ Code: 'InvalidPart', name: 'S3ServiceException' })).toBe('InvalidPart')
  })

  test('throttling, 5xx and network failures are retried; 4xx are not', () => {
    expect(isRetryable(sdk('SlowDown', 503))).toBe(true)
    expect(isRetryable(sdk('InternalError', 500))).toBe(true)
    expect(isRetryable(sdk('RequestTimeout', 400))).toBe(true)
    expect(isRetryable(Object.assign(new Error(), { code: 'ECONNRESET' }))).toBe(true)
    expect(isRetryable(sdk('NoSuchUpload', 404))).toBe(false)
    expect(isRetryable(sdk('AccessDenied', 403))).toBe(false)
    expect(isRetryable(new Error('local'))).toBe(false)
  })
})

describe('semaphore', () => {
  test('permits go out in order, never more than the limit', async () => {
    const semaphore = new Semaphore(2)
    const order: number[] = []
    let held = 0
    let most = 0
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        semaphore.with(async () => {
          order.push(i)
          most = Math.max(most, ++held)
          await new Promise((resolve) => setTimeout(resolve, 5))
          held--
        }),
      ),
    )
    expect(order).toEqual([0, 1, 2, 3, 4])
    expect(most).toBe(2)
    expect(semaphore.held).toBe(0)
  })
})
