import assert from 'node:assert/strict'
import type { ConcaterDataStore, Upload } from '../store.js'
import { assertBytes, concatBytes, patternBytes } from './bytes.js'
import { create, read, type StoreSuite, write } from './store-kit.js'

/** Creates finished partial uploads holding `contents`, as fresh handles. */
async function partials(store: ConcaterDataStore, contents: Uint8Array[]): Promise<Upload[]> {
  const uploads: Upload[] = []
  for (const bytes of contents) {
    const upload = await create(store, { Size: bytes.length, IsPartial: true })
    if (bytes.length > 0) await write(upload, 0, bytes)
    await upload.finishUpload()
    uploads.push(await store.getUpload((await upload.getInfo()).ID))
  }
  return uploads
}

/** Creates the final upload of `parts`, concatenates and returns a fresh handle. */
async function concatenate(store: ConcaterDataStore, parts: Upload[]): Promise<Upload> {
  const infos = await Promise.all(parts.map((part) => part.getInfo()))
  const final = await create(store, {
    Size: infos.reduce((sum, info) => sum + info.Size, 0),
    IsFinal: true,
    PartialUploads: infos.map((info) => info.ID),
  })
  await store.asConcatableUpload(final).concatUploads(parts)
  await final.finishUpload()
  return store.getUpload((await final.getInfo()).ID)
}

/** concatenation: the final upload holds the partials' bytes, in the order given. */
export function concatTests(suite: StoreSuite<ConcaterDataStore>): void {
  suite.test('concatUploads fills the final upload with the partials in order', async (store) => {
    const contents = [patternBytes(5, 61), patternBytes(7000, 62), patternBytes(1, 63)]
    const parts = await partials(store, contents)
    const final = await concatenate(store, parts)
    const info = await final.getInfo()
    const all = concatBytes(...contents)
    assert.equal(info.Size, all.length)
    assert.equal(info.Offset, all.length)
    assert.equal(info.IsFinal, true)
    assert.equal(info.IsPartial, false)
    assert.deepEqual(
      info.PartialUploads,
      await Promise.all(parts.map(async (part) => (await part.getInfo()).ID)),
    )
    assertBytes(await read(final), all, 'final upload')
  })

  suite.test('the order is the order given, not the order of creation', async (store) => {
    const contents = [patternBytes(300, 64), patternBytes(200, 65), patternBytes(100, 66)]
    const parts = await partials(store, contents)
    const final = await concatenate(store, [...parts].reverse())
    assertBytes(await read(final), concatBytes(...[...contents].reverse()), 'final upload')
  })

  suite.test('partial uploads keep their flag', async (store) => {
    const [part] = await partials(store, [patternBytes(10, 67)])
    const info = await (await store.getUpload((await part!.getInfo()).ID)).getInfo()
    assert.equal(info.IsPartial, true)
    assert.equal(info.IsFinal, false)
    assert.equal(info.Offset, 10)
  })

  suite.test('an empty partial and a repeated partial are concatenated too', async (store) => {
    const a = patternBytes(1000, 68)
    const [first, empty] = await partials(store, [a, new Uint8Array(0)])
    const final = await concatenate(store, [first!, empty!, first!])
    assertBytes(await read(final), concatBytes(a, a), 'final upload')
  })

  suite.test('large partials stream through', async (store) => {
    const half = Math.floor(suite.largeSize / 2)
    const contents = [patternBytes(half + 3, 69), patternBytes(half + 5, 70)]
    const final = await concatenate(store, await partials(store, contents))
    assert.equal((await final.getInfo()).Offset, half * 2 + 8)
    assertBytes(await read(final), concatBytes(...contents), 'final upload')
  })
}
