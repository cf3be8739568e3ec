import assert from 'node:assert/strict'
import type { LengthDeferrerDataStore } from '../store.js'
import { assertBytes, concatBytes, patternBytes } from './bytes.js'
import { create, read, type StoreSuite, write } from './store-kit.js'

/** creation-defer-length: the length is declared after creation, durably. */
export function lengthTests(suite: StoreSuite<LengthDeferrerDataStore>): void {
  suite.test('a deferred upload starts with Size 0 and SizeIsDeferred', async (store) => {
    const { ID } = await (await create(store, { SizeIsDeferred: true })).getInfo()
    const info = await (await store.getUpload(ID)).getInfo()
    assert.equal(info.SizeIsDeferred, true)
    assert.equal(info.Size, 0)
    assert.equal(info.Offset, 0)
  })

  suite.test('declareLength sets Size, clears SizeIsDeferred, keeps Offset', async (store) => {
    const { ID } = await (await create(store, { SizeIsDeferred: true })).getInfo()
    await write(await store.getUpload(ID), 0, patternBytes(100, 51))
    const upload = await store.getUpload(ID)
    await store.asLengthDeclarableUpload(upload).declareLength(300)
    const info = await (await store.getUpload(ID)).getInfo()
    assert.equal(info.Size, 300)
    assert.equal(info.SizeIsDeferred, false)
    assert.equal(info.Offset, 100)
  })

  suite.test('after declaring, the rest is written and the upload finishes', async (store) => {
    const head = patternBytes(1000, 52)
    const tail = patternBytes(2345, 53)
    const { ID } = await (await create(store, { SizeIsDeferred: true })).getInfo()
    await write(await store.getUpload(ID), 0, head)
    await store
      .asLengthDeclarableUpload(await store.getUpload(ID))
      .declareLength(head.length + tail.length)
    const upload = await store.getUpload(ID)
    await write(upload, head.length, tail)
    await upload.finishUpload()
    const info = await (await store.getUpload(ID)).getInfo()
    assert.equal(info.Offset, info.Size)
    assertBytes(await read(await store.getUpload(ID)), concatBytes(head, tail), 'stored bytes')
  })

  suite.test('declareLength before the first byte, then a single write', async (store) => {
    const bytes = patternBytes(777, 54)
    const upload = await create(store, { SizeIsDeferred: true })
    await store.asLengthDeclarableUpload(upload).declareLength(bytes.length)
    const { ID } = await upload.getInfo()
    const found = await store.getUpload(ID)
    assert.equal((await found.getInfo()).Size, bytes.length)
    await write(found, 0, bytes)
    await found.finishUpload()
    assertBytes(await read(found), bytes, 'stored bytes')
  })
}
