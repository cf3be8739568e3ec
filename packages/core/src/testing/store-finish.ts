import assert from 'node:assert/strict'
import { isComplete } from '../file-info.js'
import { assertBytes, patternBytes } from './bytes.js'
import { create, entries, read, type StoreSuite, write } from './store-kit.js'

/** finishUpload: called once the last byte is in; the upload stays whole. */
export function finishTests(suite: StoreSuite): void {
  suite.test('finishUpload keeps the FileInfo and every byte', async (store) => {
    const bytes = patternBytes(12_345, 31)
    const upload = await create(store, { Size: bytes.length, MetaData: { filename: 'a.bin' } })
    await write(upload, 0, bytes, 4000)
    const before = await upload.getInfo()
    assert.ok(isComplete(before), 'Offset should equal Size before finishing')
    await upload.finishUpload()
    const after = await (await store.getUpload(before.ID)).getInfo()
    assert.equal(after.ID, before.ID)
    assert.equal(after.Size, bytes.length)
    assert.equal(after.Offset, bytes.length)
    assert.ok(isComplete(after))
    assert.deepEqual(entries(after.MetaData), [['filename', 'a.bin']])
    assertBytes(await read(await store.getUpload(before.ID)), bytes, 'finished upload')
  })

  suite.test('finishUpload of a zero-length upload', async (store) => {
    const upload = await create(store, { Size: 0 })
    await upload.finishUpload()
    const info = await (await store.getUpload((await upload.getInfo()).ID)).getInfo()
    assert.ok(isComplete(info))
    assert.equal(info.Offset, 0)
  })

  suite.test('a finished upload is found by a handle from getUpload', async (store) => {
    const bytes = patternBytes(100, 32)
    const { ID } = await (await create(store, { Size: 100 })).getInfo()
    await write(await store.getUpload(ID), 0, bytes)
    // The handler finishes through a fresh handle, after the write's handle is gone.
    await (await store.getUpload(ID)).finishUpload()
    const upload = await store.getUpload(ID)
    assert.equal((await upload.getInfo()).Offset, 100)
    assertBytes(await read(upload), bytes, 'finished upload')
  })
}
