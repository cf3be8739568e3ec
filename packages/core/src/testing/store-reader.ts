import assert from 'node:assert/strict'
import { assertBytes, concatBytes, patternBytes } from './bytes.js'
import { create, read, type StoreSuite, write } from './store-kit.js'
import { readsSoFar, rejectsUnfinished } from './store-traits.js'

/**
 * getReader: the stored bytes, from the start. Before completion, the bytes so
 * far, or the declared answer of a store that does not read unfinished
 * uploads (traits.unfinishedRead) until finishUpload.
 */
export function readerTests(suite: StoreSuite): void {
  suite.test('getReader gives exactly the stored bytes, again on each call', async (store) => {
    const bytes = patternBytes(70_000, 21)
    const { ID } = await (await create(store, { Size: bytes.length })).getInfo()
    await write(await store.getUpload(ID), 0, bytes)
    const upload = await store.getUpload(ID)
    await upload.finishUpload()
    assertBytes(await read(upload), bytes, 'first read')
    assertBytes(await read(upload), bytes, 'second read')
    assertBytes(await read(await store.getUpload(ID)), bytes, 'read from a fresh handle')
  })

  suite.test('getReader of a finished zero-length upload is empty', async (store) => {
    const upload = await create(store, { Size: 0 })
    await upload.finishUpload()
    assert.equal((await read(upload)).length, 0)
  })

  if (suite.traits.readsUnfinished) {
    suite.test('getReader before completion gives the bytes so far', async (store) => {
      const bytes = patternBytes(5000, 22)
      const upload = await create(store, { Size: 10_000 })
      await write(upload, 0, bytes)
      assertBytes(await readsSoFar(read(upload)), bytes, 'bytes so far')
      assert.equal((await upload.getInfo()).Offset, bytes.length)
    })
  } else {
    const { unfinishedRead } = suite.traits
    suite.test(`getReader before completion rejects with ${unfinishedRead}`, async (store) => {
      const bytes = patternBytes(5000, 22)
      const rest = patternBytes(5000, 23)
      const upload = await create(store, { Size: bytes.length + rest.length })
      await write(upload, 0, bytes)
      await rejectsUnfinished(suite.traits, read(upload))
      const { ID } = await upload.getInfo()
      await rejectsUnfinished(suite.traits, read(await store.getUpload(ID)))
      // Every byte in is not enough: until finishUpload.
      await write(upload, bytes.length, rest)
      await rejectsUnfinished(suite.traits, read(upload))
      await upload.finishUpload()
      assertBytes(await read(upload), concatBytes(bytes, rest), 'the bytes, once finished')
    })
  }
}
