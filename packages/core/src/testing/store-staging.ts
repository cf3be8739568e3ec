import assert from 'node:assert/strict'
import type { StagerDataStore } from '../store.js'
import { assertBytes, chunked, concatBytes, failingAfter, patternBytes } from './bytes.js'
import { create, read, type StoreSuite, write } from './store-kit.js'
import { assertKept, readsSoFar } from './store-traits.js'

/**
 * checksum's store side: staged bytes are invisible until committed, and
 * gone without a trace when discarded, at offset 0 and after earlier bytes.
 * The bytes are checked with assertKept (see traits.readsUnfinished).
 */
export function stagingTests(suite: StoreSuite<StagerDataStore>): void {
  suite.test('staged bytes join the upload only on commit', async (store) => {
    const bytes = patternBytes(5000, 31)
    const { ID } = await (await create(store, { Size: bytes.length })).getInfo()
    const upload = await store.getUpload(ID)
    const staged = await store.asStagingUpload(upload).stageChunk(0, chunked(bytes, 777))
    assert.equal(staged.size, bytes.length)
    assert.equal((await (await store.getUpload(ID)).getInfo()).Offset, 0, 'offset before commit')
    await staged.commit()
    const after = await store.getUpload(ID)
    assert.equal((await after.getInfo()).Offset, bytes.length)
    await assertKept(suite.traits, after, bytes, 'committed bytes')
  })

  suite.test('a commit appends to the bytes already there', async (store) => {
    const first = patternBytes(3000, 32)
    const second = patternBytes(suite.largeSize, 33)
    const { ID } = await (await create(store, { Size: first.length + second.length })).getInfo()
    await write(await store.getUpload(ID), 0, first)
    const upload = await store.getUpload(ID)
    const staged = await store.asStagingUpload(upload).stageChunk(first.length, chunked(second))
    await staged.commit()
    const after = await store.getUpload(ID)
    assert.equal((await after.getInfo()).Offset, first.length + second.length)
    await assertKept(suite.traits, after, concatBytes(first, second), 'all bytes')
  })

  suite.test('discarded bytes leave the upload as it was', async (store) => {
    const first = patternBytes(1000, 34)
    const rest = patternBytes(4000, 35)
    const { ID } = await (await create(store, { Size: first.length + rest.length })).getInfo()
    await write(await store.getUpload(ID), 0, first)
    const upload = await store.getUpload(ID)
    const staged = await store.asStagingUpload(upload).stageChunk(1000, chunked(patternBytes(2000)))
    await staged.discard()
    const after = await store.getUpload(ID)
    assert.equal((await after.getInfo()).Offset, 1000)
    if (suite.traits.readsUnfinished) {
      assertBytes(await readsSoFar(read(after)), first, 'bytes after discard')
    }
    // The upload still takes bytes where it was, and nothing discarded is between.
    await write(after, 1000, rest)
    const whole = await store.getUpload(ID)
    assert.equal((await whole.getInfo()).Offset, 5000)
    await assertKept(
      suite.traits,
      whole,
      concatBytes(first, rest),
      'bytes after discard, then more',
    )
  })

  suite.test('a source that fails midway stages what came before it', async (store) => {
    const bytes = patternBytes(2500, 36)
    const { ID } = await (await create(store, { Size: 10_000 })).getInfo()
    const upload = await store.getUpload(ID)
    const staged = await store.asStagingUpload(upload).stageChunk(0, failingAfter(bytes, 1000))
    assert.equal(staged.size, bytes.length)
    await staged.discard()
    assert.equal((await (await store.getUpload(ID)).getInfo()).Offset, 0)
  })

  suite.test('an empty stage commits nothing', async (store) => {
    const upload = await create(store, { Size: 10 })
    const staged = await store.asStagingUpload(upload).stageChunk(0, chunked(new Uint8Array(0)))
    assert.equal(staged.size, 0)
    await staged.commit()
    assert.equal((await upload.getInfo()).Offset, 0)
  })

  suite.test('a second stage after a discard replaces the first', async (store) => {
    const { ID } = await (await create(store, { Size: 6 })).getInfo()
    const stager = store.asStagingUpload(await store.getUpload(ID))
    await (await stager.stageChunk(0, chunked(Buffer.from('wrong!')))).discard()
    const again = store.asStagingUpload(await store.getUpload(ID))
    await (await again.stageChunk(0, chunked(Buffer.from('right')))).commit()
    await assertKept(
      suite.traits,
      await store.getUpload(ID),
      Buffer.from('right'),
      'committed stage',
    )
  })
}
