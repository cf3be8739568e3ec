import { hasErrorCode, newFileInfo } from '@tus/core'
import { chunked, failingAfter, patternBytes, readAll } from '@tus/core/testing'
import { describe, expect, test } from 'vitest'
import {
  listNames,
  MiB,
  makeStorage,
  makeStore,
  objectBytes,
  uniquePrefix,
  useBucket,
} from './helpers.js'

const target = useBucket()
const { bucket } = target

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0

/**
 * An upload whose first write carries all of it (the handler passes the
 * request's Content-Length) is written straight to the final object `<key>`:
 * no chunk, no compose, no deletion, no second metadata request.
 */
describe('a whole upload in its first write', () => {
  test('goes straight to <key> with its metadata; finishing composes nothing', async () => {
    const prefix = uniquePrefix('whole')
    // A client of its own, whose requests are recorded.
    const storage = makeStorage()
    const calls: string[] = []
    type Decorated = ReturnType<(typeof storage.interceptors)[number]['request']>
    storage.interceptors.push({
      request: (request) => {
        const { method, uri } = request as unknown as { method?: string; uri?: string }
        calls.push(`${method ?? 'GET'} ${uri}`)
        return request as unknown as Decorated
      },
    })
    const store = makeStore({ name: target.name, storage }, { objectPrefix: prefix })
    const bytes = patternBytes(3 * MiB + 17, 1)
    const meta = { filename: 'report.pdf', filetype: 'application/pdf' }
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length, MetaData: meta }))
    const { ID } = await upload.getInfo()
    const key = `${prefix}/${ID}`
    expect(await upload.writeChunk(0, chunked(bytes), { length: bytes.length })).toBe(bytes.length)
    expect(await listNames(bucket, prefix)).toEqual([key, `${key}.info`])
    expect((await (await store.getUpload(ID)).getInfo()).Offset).toBe(bytes.length)
    calls.length = 0
    await upload.finishUpload()
    // Set when the object was written: finishing neither composes, patches nor deletes.
    expect(calls.filter((call) => /^(PATCH|DELETE) |\/compose/.test(call))).toEqual([])
    expect(calls.some((call) => call.startsWith('POST '))).toBe(true) // the .info
    expect(await listNames(bucket, prefix)).toEqual([key, `${key}.info`])
    const [metadata] = await bucket.file(key).getMetadata()
    expect(metadata.contentType).toBe('application/pdf')
    expect(metadata.metadata).toEqual(meta)
    expect(same(await objectBytes(bucket, key), bytes)).toBe(true)
    const info = JSON.parse((await objectBytes(bucket, `${key}.info`)).toString('utf8'))
    expect(info).toMatchObject({ ID, Size: bytes.length, Offset: bytes.length })
  })

  test('finished by another handle (the first request died): the metadata is set then', async () => {
    const prefix = uniquePrefix('whole')
    const store = makeStore(target, { objectPrefix: prefix })
    const bytes = patternBytes(5000, 2)
    const upload = await store.newUpload(
      newFileInfo({ Size: bytes.length, MetaData: { filetype: 'text/plain' } }),
    )
    const { ID } = await upload.getInfo()
    await upload.writeChunk(0, chunked(bytes), { length: bytes.length })
    await (await store.getUpload(ID)).finishUpload()
    const [metadata] = await bucket.file(`${prefix}/${ID}`).getMetadata()
    expect(metadata.contentType).toBe('text/plain')
    expect(metadata.metadata).toEqual({ filetype: 'text/plain' })
  })

  test('broken off: <key> keeps the first bytes, chunks follow it, the finish composes them', async () => {
    const prefix = uniquePrefix('whole')
    const store = makeStore(target, { objectPrefix: prefix })
    const bytes = patternBytes(2 * MiB, 3)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    const { ID } = await upload.getInfo()
    const key = `${prefix}/${ID}`
    const head = bytes.subarray(0, 700_000)
    expect(await upload.writeChunk(0, failingAfter(head), { length: bytes.length })).toBe(
      head.length,
    )
    expect(await listNames(bucket, prefix)).toEqual([key, `${key}.info`])
    expect(same(await objectBytes(bucket, key), head)).toBe(true)

    const again = await store.getUpload(ID)
    expect((await again.getInfo()).Offset).toBe(head.length)
    expect(same(await readAll(await again.getReader()), head)).toBe(true)
    const middle = bytes.subarray(head.length, 1_500_000)
    expect(await again.writeChunk(head.length, chunked(middle))).toBe(middle.length)
    expect(await listNames(bucket, prefix)).toEqual([key, `${key}.info`, `${key}_0`])
    expect(same(await readAll(await again.getReader()), bytes.subarray(0, 1_500_000))).toBe(true)

    const last = await store.getUpload(ID)
    const rest = bytes.subarray(1_500_000)
    await last.writeChunk(1_500_000, chunked(rest), { length: rest.length })
    expect(await listNames(bucket, `${key}_`)).toEqual([`${key}_0`, `${key}_1`])
    await last.finishUpload()
    expect(await listNames(bucket, prefix)).toEqual([key, `${key}.info`])
    expect(same(await objectBytes(bucket, key), bytes)).toBe(true)
    expect((await (await store.getUpload(ID)).getInfo()).Offset).toBe(bytes.length)
  })

  test('two whole writes at once (their lock did not hold): one wins, the other is refused', async () => {
    const prefix = uniquePrefix('whole')
    const store = makeStore(target, { objectPrefix: prefix })
    const size = 1 * MiB
    const { ID } = await (await store.newUpload(newFileInfo({ Size: size }))).getInfo()
    const [a, b] = [patternBytes(size, 4), patternBytes(size, 5)]
    const results = await Promise.allSettled([
      (await store.getUpload(ID)).writeChunk(0, chunked(a, 64 * 1024), { length: size }),
      (await store.getUpload(ID)).writeChunk(0, chunked(b, 64 * 1024), { length: size }),
    ])
    const won = results.filter((result) => result.status === 'fulfilled')
    const lost = results.filter((result) => result.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect(hasErrorCode((lost[0] as PromiseRejectedResult).reason, 'ERR_MISMATCHED_OFFSET')).toBe(
      true,
    )
    const stored = await objectBytes(bucket, `${prefix}/${ID}`)
    expect(same(stored, results[0]!.status === 'fulfilled' ? a : b)).toBe(true)
  })

  test('not whole: a deferred size, a later offset or a shorter length write chunks', async () => {
    const prefix = uniquePrefix('whole')
    const store = makeStore(target, { objectPrefix: prefix })
    const bytes = patternBytes(3000, 6)
    const deferred = await store.newUpload(newFileInfo({ SizeIsDeferred: true }))
    await deferred.writeChunk(0, chunked(bytes), { length: bytes.length })
    const short = await store.newUpload(newFileInfo({ Size: 3000 }))
    await short.writeChunk(0, chunked(bytes.subarray(0, 1000)), { length: 1000 })
    await short.writeChunk(1000, chunked(bytes.subarray(1000)), { length: 2000 })
    for (const upload of [deferred, short]) {
      const key = `${prefix}/${(await upload.getInfo()).ID}`
      expect((await listNames(bucket, key)).filter((name) => name === key)).toEqual([])
    }
  })
})
