import { newFileInfo, type Upload } from '@tus/core'
import { chunked, patternBytes, readAll } from '@tus/core/testing'
import { describe, expect, test } from 'vitest'
import type { GCSStore } from '../src/index.js'
import { listNames, makeStore, objectBytes, uniquePrefix, useBucket } from './helpers.js'

const target = useBucket()
const { bucket } = target

/** A partial upload holding `bytes`, finished or not. */
async function partial(store: GCSStore, bytes: Uint8Array, finish = true): Promise<Upload> {
  const upload = await store.newUpload(newFileInfo({ Size: bytes.length, IsPartial: true }))
  if (bytes.length > 0) await upload.writeChunk(0, chunked(bytes, 1000))
  if (finish) await upload.finishUpload()
  return upload
}

async function final(store: GCSStore, parts: Upload[]): Promise<Upload> {
  const infos = await Promise.all(parts.map((part) => part.getInfo()))
  const upload = await store.newUpload(
    newFileInfo({
      Size: infos.reduce((sum, info) => sum + info.Size, 0),
      IsFinal: true,
      PartialUploads: infos.map((info) => info.ID),
    }),
  )
  await store.asConcatableUpload(upload).concatUploads(parts)
  await upload.finishUpload()
  return upload
}

describe('concatenation: a compose of the partials', () => {
  test("the final object is composed from the partials' final objects; they stay", async () => {
    const prefix = uniquePrefix('concat')
    const store = makeStore(target, { objectPrefix: prefix })
    const contents = [
      patternBytes(3000, 1),
      patternBytes(10, 2),
      new Uint8Array(0),
      patternBytes(5000, 3),
    ]
    const parts = await Promise.all(contents.map((bytes) => partial(store, bytes)))
    const upload = await final(store, parts)
    const { ID, Offset } = await upload.getInfo()
    const all = Buffer.concat(contents)
    expect(Offset).toBe(all.length)
    expect(Buffer.compare(await objectBytes(bucket, `${prefix}/${ID}`), all)).toBe(0)
    // The final upload has no chunks; the partials keep their own objects.
    expect(await listNames(bucket, `${prefix}/${ID}`)).toEqual([
      `${prefix}/${ID}`,
      `${prefix}/${ID}.info`,
    ])
    for (const part of parts) {
      const { ID: partId } = await part.getInfo()
      expect(await listNames(bucket, `${prefix}/${partId}`)).toEqual([
        `${prefix}/${partId}`,
        `${prefix}/${partId}.info`,
      ])
    }
  })

  test('40 partials, one of them unfinished (still in chunks): composed recursively', async () => {
    const prefix = uniquePrefix('concat')
    const store = makeStore(target, { objectPrefix: prefix })
    const contents = Array.from({ length: 40 }, (_, i) => patternBytes(50 + i, 10 + i))
    const parts: Upload[] = []
    for (const [i, bytes] of contents.entries()) parts.push(await partial(store, bytes, i !== 7))
    const upload = await final(store, parts)
    const { ID } = await upload.getInfo()
    const all = Buffer.concat(contents)
    expect(Buffer.compare(Buffer.from(await readAll(await upload.getReader())), all)).toBe(0)
    expect(await listNames(bucket, `${prefix}/${ID}`)).toEqual([
      `${prefix}/${ID}`,
      `${prefix}/${ID}.info`,
    ])
  })

  test('only empty partials: an empty final object', async () => {
    const prefix = uniquePrefix('concat')
    const store = makeStore(target, { objectPrefix: prefix })
    const upload = await final(store, [await partial(store, new Uint8Array(0))])
    const { ID, Offset } = await upload.getInfo()
    expect(Offset).toBe(0)
    expect((await objectBytes(bucket, `${prefix}/${ID}`)).length).toBe(0)
  })
})

describe('termination', () => {
  test('deletes every object of the upload: chunks, leftovers of a compose, final, .info', async () => {
    const prefix = uniquePrefix('terminate')
    const store = makeStore(target, { objectPrefix: prefix })
    const upload = await store.newUpload(newFileInfo({ Size: 100 }))
    const { ID } = await upload.getInfo()
    const key = `${prefix}/${ID}`
    await upload.writeChunk(0, chunked(patternBytes(10, 4)))
    await upload.writeChunk(10, chunked(patternBytes(10, 5)))
    // What an interrupted finish can leave: an intermediate object and the final object.
    await bucket.file(`${key}_tmp_0_0`).save('x', { resumable: false })
    await bucket.file(key).save('y', { resumable: false })
    const neighbour = await store.newUpload(newFileInfo({ ID: `${ID}0`, Size: 5 }))
    await neighbour.writeChunk(0, chunked(patternBytes(5, 6)))
    expect(await listNames(bucket, prefix)).toHaveLength(7)
    await store.asTerminatableUpload(upload).terminate()
    expect(await listNames(bucket, prefix)).toEqual([`${key}0.info`, `${key}0_0`])
    // Terminating again finds nothing to delete, and fails nowhere.
    await store.asTerminatableUpload(upload).terminate()
  })
})
