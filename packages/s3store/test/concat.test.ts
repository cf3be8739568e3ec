import { newFileInfo, type Upload } from '@tus/core'
import { chunked, patternBytes, readAll } from '@tus/core/testing'
import type { S3Store } from '@tus/s3store'
import { describe, expect, test } from 'vitest'
import { MiB, makeStore, spyClient, useBucket } from './helpers.js'

const bucket = useBucket()

async function partials(store: S3Store, contents: Uint8Array[]): Promise<Upload[]> {
  const uploads: Upload[] = []
  for (const bytes of contents) {
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length, IsPartial: true }))
    await upload.writeChunk(0, chunked(bytes))
    await upload.finishUpload()
    uploads.push(await store.getUpload((await upload.getInfo()).ID))
  }
  return uploads
}

async function concatenate(store: S3Store, parts: Upload[]): Promise<Upload> {
  const infos = await Promise.all(parts.map((part) => part.getInfo()))
  const final = await store.newUpload(
    newFileInfo({
      Size: infos.reduce((total, info) => total + info.Size, 0),
      IsFinal: true,
      PartialUploads: infos.map((info) => info.ID),
    }),
  )
  await store.asConcatableUpload(final).concatUploads(parts)
  // The handler finishes every upload whose last byte is in, a final one too.
  await final.finishUpload()
  return store.getUpload((await final.getInfo()).ID)
}

const commands = (calls: { command: string }[]) => new Set(calls.map((call) => call.command))

describe('concatenation', () => {
  test('partials of at least the minimum part size are copied by S3 (UploadPartCopy)', async () => {
    const { client, calls } = spyClient()
    const store = makeStore({ name: bucket.name, client }, { objectPrefix: 'copy' })
    const contents = [patternBytes(5 * MiB, 51), patternBytes(6 * MiB + 1, 52)]
    const parts = await partials(store, contents)
    calls.length = 0
    const final = await concatenate(store, parts)
    expect(commands(calls).has('UploadPartCopyCommand')).toBe(true)
    expect(commands(calls).has('UploadPartCommand')).toBe(false)
    const all = Buffer.concat(contents)
    expect((await final.getInfo()).Offset).toBe(all.length)
    expect(Buffer.compare(await readAll(await final.getReader()), all)).toBe(0)
    client.destroy()
  })

  test('a partial under the minimum: the bytes are downloaded and uploaded as parts', async () => {
    const { client, calls } = spyClient()
    const store = makeStore({ name: bucket.name, client }, { objectPrefix: 'download' })
    const contents = [patternBytes(6 * MiB, 54), patternBytes(1000, 55), patternBytes(5 * MiB, 56)]
    const parts = await partials(store, contents)
    calls.length = 0
    const final = await concatenate(store, parts)
    expect(commands(calls).has('UploadPartCopyCommand')).toBe(false)
    const sizes = calls
      .filter((call) => call.command === 'UploadPartCommand')
      .map((call) => call.input.ContentLength)
    expect(sizes).toEqual([5 * MiB, 5 * MiB, MiB + 1000])
    expect(Buffer.compare(await readAll(await final.getReader()), Buffer.concat(contents))).toBe(0)
    client.destroy()
  })

  test('with equalParts, partials are always streamed, in parts of the part size', async () => {
    const { client, calls } = spyClient()
    const store = makeStore(
      { name: bucket.name, client },
      { objectPrefix: 'equal-concat', partSize: 6 * MiB, equalParts: true },
    )
    const contents = [patternBytes(7 * MiB, 57), patternBytes(8 * MiB, 58)]
    const parts = await partials(store, contents)
    calls.length = 0
    const final = await concatenate(store, parts)
    const sizes = calls
      .filter((call) => call.command === 'UploadPartCommand')
      .map((call) => call.input.ContentLength)
    expect(sizes).toEqual([6 * MiB, 6 * MiB, 3 * MiB])
    expect(Buffer.compare(await readAll(await final.getReader()), Buffer.concat(contents))).toBe(0)
    client.destroy()
  })

  test('an unfinished partial fails the concatenation', async () => {
    const store = makeStore(bucket, { objectPrefix: 'unfinished' })
    const partial = await store.newUpload(newFileInfo({ Size: 100, IsPartial: true }))
    await partial.writeChunk(0, chunked(patternBytes(10)))
    const final = await store.newUpload(newFileInfo({ Size: 100, IsFinal: true }))
    await expect(store.asConcatableUpload(final).concatUploads([partial])).rejects.toMatchObject({
      code: 'ERR_INCOMPLETE_UPLOAD',
    })
  })
})
