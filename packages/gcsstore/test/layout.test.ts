import { hasErrorCode, newFileInfo } from '@tus/core'
import { chunked, patternBytes, readAll } from '@tus/core/testing'
import { describe, expect, test } from 'vitest'
import { GCSStore } from '../src/index.js'
import { listNames, makeStore, objectBytes, uniquePrefix, useBucket } from './helpers.js'

const target = useBucket()
const { bucket } = target

/** The `.info` object as JSON. */
async function infoJson(name: string): Promise<Record<string, unknown>> {
  return JSON.parse((await objectBytes(bucket, name)).toString('utf8'))
}

describe("tusd's gcsstore layout", () => {
  test('.info at creation: every FileInfo field, in Go field order, and Storage', async () => {
    const prefix = uniquePrefix('layout')
    const store = makeStore(target, { objectPrefix: prefix })
    const upload = await store.newUpload(
      newFileInfo({ Size: 300, MetaData: { filename: 'a.txt', filetype: 'text/plain' } }),
    )
    const { ID } = await upload.getInfo()
    expect(ID).toMatch(/^[0-9a-f]{32}$/)
    expect(await listNames(bucket, prefix)).toEqual([`${prefix}/${ID}.info`])
    const json = await infoJson(`${prefix}/${ID}.info`)
    expect(Object.keys(json)).toEqual([
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
    expect(json).toEqual({
      ID,
      Size: 300,
      SizeIsDeferred: false,
      Offset: 0,
      MetaData: { filename: 'a.txt', filetype: 'text/plain' },
      IsPartial: false,
      IsFinal: false,
      PartialUploads: null,
      Storage: { Type: 'gcsstore', Bucket: target.name, Key: `${prefix}/${ID}` },
    })
  })

  test('one chunk object <id>_<n> per PATCH; the offset is the sum of their sizes', async () => {
    const prefix = uniquePrefix('layout')
    const store = makeStore(target, { objectPrefix: `${prefix}/` })
    const bytes = patternBytes(3000, 1)
    const { ID } = await (await store.newUpload(newFileInfo({ Size: 3000 }))).getInfo()
    const cuts = [0, 1000, 1001, 2500, 3000]
    for (let i = 0; i < cuts.length - 1; i++) {
      const upload = await store.getUpload(ID)
      expect((await upload.getInfo()).Offset).toBe(cuts[i])
      await upload.writeChunk(cuts[i]!, chunked(bytes.subarray(cuts[i], cuts[i + 1]), 300))
    }
    const key = `${prefix}/${ID}`
    expect(await listNames(bucket, prefix)).toEqual(
      [`${key}.info`, `${key}_0`, `${key}_1`, `${key}_2`, `${key}_3`].sort(),
    )
    expect((await objectBytes(bucket, `${key}_1`)).length).toBe(1)
    // .info is not rewritten by writes: GCS is the offset.
    expect((await infoJson(`${key}.info`)).Offset).toBe(0)
    expect((await (await store.getUpload(ID)).getInfo()).Offset).toBe(3000)
  })

  test('finish: the final <id> holds the bytes and the metadata; chunks are gone; .info says Offset = Size', async () => {
    const prefix = uniquePrefix('layout')
    const store = makeStore(target, { objectPrefix: prefix })
    const bytes = patternBytes(5000, 2)
    const meta = { filename: 'photo.png', filetype: 'image/png', note: 'été' }
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length, MetaData: meta }))
    const { ID } = await upload.getInfo()
    await upload.writeChunk(0, chunked(bytes.subarray(0, 2000)))
    await upload.writeChunk(2000, chunked(bytes.subarray(2000)))
    await upload.finishUpload()
    const key = `${prefix}/${ID}`
    expect(await listNames(bucket, prefix)).toEqual([key, `${key}.info`])
    expect(Buffer.compare(await objectBytes(bucket, key), bytes)).toBe(0)
    const [metadata] = await bucket.file(key).getMetadata()
    expect(metadata.metadata).toEqual(meta)
    expect(metadata.contentType).toBe('image/png')
    expect(await infoJson(`${key}.info`)).toMatchObject({ ID, Size: 5000, Offset: 5000 })
    const again = await store.getUpload(ID)
    expect((await again.getInfo()).Offset).toBe(5000)
    expect(Buffer.compare(Buffer.from(await readAll(await again.getReader())), bytes)).toBe(0)
  })

  test('a zero-length upload finishes as an empty final object', async () => {
    const prefix = uniquePrefix('layout')
    const store = makeStore(target, { objectPrefix: prefix })
    const upload = await store.newUpload(newFileInfo({ Size: 0 }))
    const { ID } = await upload.getInfo()
    await upload.finishUpload()
    expect(await listNames(bucket, prefix)).toEqual([`${prefix}/${ID}`, `${prefix}/${ID}.info`])
    expect((await objectBytes(bucket, `${prefix}/${ID}`)).length).toBe(0)
  })

  test('an upload written by tusd (its .info, its chunks) resumes and finishes here', async () => {
    const prefix = uniquePrefix('tusd')
    const id = 'b5f6c1a0d3e24f7a9c8b7a6f5e4d3c2b'
    const key = `${prefix}/${id}`
    const bytes = patternBytes(4000, 3)
    // What tusd's gcsstore leaves after two PATCHes: Go's JSON (nil maps are
    // null, Offset as of its last GetInfo) and chunks _0 and _1.
    const goJson =
      `{"ID":"${id}","Size":4000,"SizeIsDeferred":false,"Offset":1500,` +
      `"MetaData":{"filename":"x.bin"},"IsPartial":false,"IsFinal":false,"PartialUploads":null,` +
      `"Storage":{"Bucket":"${target.name}","Key":"${key}","Type":"gcsstore"}}`
    await bucket.file(`${key}.info`).save(goJson, { resumable: false })
    await bucket.file(`${key}_0`).save(Buffer.from(bytes.subarray(0, 1000)), { resumable: false })
    await bucket
      .file(`${key}_1`)
      .save(Buffer.from(bytes.subarray(1000, 1500)), { resumable: false })

    const store = makeStore(target, { objectPrefix: prefix })
    const upload = await store.getUpload(id)
    const info = await upload.getInfo()
    expect(info).toMatchObject({
      ID: id,
      Size: 4000,
      Offset: 1500,
      MetaData: { filename: 'x.bin' },
    })
    await upload.writeChunk(1500, chunked(bytes.subarray(1500)))
    expect(await listNames(bucket, `${key}_`)).toEqual([`${key}_0`, `${key}_1`, `${key}_2`])
    await upload.finishUpload()
    expect(Buffer.compare(await objectBytes(bucket, key), bytes)).toBe(0)
    expect(await listNames(bucket, prefix)).toEqual([key, `${key}.info`])
  })

  test('chunks are composed by their number, not by name (tusd: _10 after _9)', async () => {
    const prefix = uniquePrefix('order')
    const store = makeStore(target, { objectPrefix: prefix })
    const pieces = Array.from({ length: 12 }, (_, i) => patternBytes(10 + i, 40 + i))
    const upload = await store.newUpload(
      newFileInfo({ Size: pieces.reduce((n, p) => n + p.length, 0) }),
    )
    let offset = 0
    for (const piece of pieces) {
      await upload.writeChunk(offset, chunked(piece))
      offset += piece.length
    }
    expect(
      Buffer.compare(Buffer.from(await readAll(await upload.getReader())), Buffer.concat(pieces)),
    ).toBe(0)
    await upload.finishUpload()
    const { ID } = await upload.getInfo()
    expect(
      Buffer.compare(await objectBytes(bucket, `${prefix}/${ID}`), Buffer.concat(pieces)),
    ).toBe(0)
  })

  test('ids: nested ids become folders; "_" in the last segment is refused', async () => {
    const prefix = uniquePrefix('ids')
    const store = makeStore(target, { objectPrefix: prefix })
    const nested = await store.newUpload(newFileInfo({ ID: 'team_a/2024/file', Size: 1 }))
    expect((await nested.getInfo()).Storage).toEqual({
      Type: 'gcsstore',
      Bucket: target.name,
      Key: `${prefix}/team_a/2024/file`,
    })
    await expect(store.newUpload(newFileInfo({ ID: 'a_1', Size: 1 }))).rejects.toSatisfy((err) =>
      hasErrorCode(err, 'ERR_INVALID_UPLOAD_ID'),
    )
    await expect(store.getUpload('a_1')).rejects.toSatisfy((err) =>
      hasErrorCode(err, 'ERR_UPLOAD_NOT_FOUND'),
    )
    expect(store.objectKey('x')).toBe(`${prefix}/x`)
    expect(new GCSStore({ storage: target.storage, bucket: target.name }).objectKey('x')).toBe('x')
  })

  test('invalid options throw a TypeError', () => {
    const storage = target.storage
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong types
    const wrong = (options: any) => () => new GCSStore(options)
    expect(wrong({ bucket: 'b' })).toThrow(TypeError)
    expect(wrong({ storage, bucket: '' })).toThrow(TypeError)
    expect(wrong({ storage, bucket: 'b', objectPrefix: 3 })).toThrow(TypeError)
    expect(wrong({ storage, bucket: 'b', composeAttempts: 0 })).toThrow(TypeError)
  })
})
