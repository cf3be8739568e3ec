import assert from 'node:assert/strict'
import type { TerminaterDataStore } from '../store.js'
import { failingAfter, patternBytes } from './bytes.js'
import { create, rejectsWith, type StoreSuite, uniqueId, write } from './store-kit.js'
import { assertKept, createGiven } from './store-traits.js'

/** termination: afterwards getUpload rejects with ERR_UPLOAD_NOT_FOUND. */
export function terminationTests(suite: StoreSuite<TerminaterDataStore>): void {
  suite.test('terminate: getUpload rejects with ERR_UPLOAD_NOT_FOUND after', async (store) => {
    const { ID } = await (await create(store, { Size: 100 })).getInfo()
    await write(await store.getUpload(ID), 0, patternBytes(60, 41))
    await store.asTerminatableUpload(await store.getUpload(ID)).terminate()
    await rejectsWith(store.getUpload(ID), 'ERR_UPLOAD_NOT_FOUND')
  })

  suite.test('terminate after a whole-upload write broke off', async (store) => {
    const { ID } = await (await create(store, { Size: 5000 })).getInfo()
    const broken = failingAfter(patternBytes(2000, 44), 500)
    await (await store.getUpload(ID)).writeChunk(0, broken, { length: 5000 })
    await store.asTerminatableUpload(await store.getUpload(ID)).terminate()
    await rejectsWith(store.getUpload(ID), 'ERR_UPLOAD_NOT_FOUND')
  })

  suite.test('terminate an upload with no bytes yet', async (store) => {
    const upload = await create(store, { Size: 100 })
    const { ID } = await upload.getInfo()
    await store.asTerminatableUpload(upload).terminate()
    await rejectsWith(store.getUpload(ID), 'ERR_UPLOAD_NOT_FOUND')
  })

  suite.test('terminate a finished upload with a nested id', async (store) => {
    const given = `${uniqueId('folder')}/${uniqueId('file')}`
    const { upload, id } = await createGiven(suite.traits, store, given, { Size: 10 })
    await write(upload, 0, patternBytes(10, 42))
    await upload.finishUpload()
    await store.asTerminatableUpload(upload).terminate()
    await rejectsWith(store.getUpload(id), 'ERR_UPLOAD_NOT_FOUND')
  })

  suite.test('terminate leaves other uploads, even with a prefix id, untouched', async (store) => {
    const id = uniqueId()
    const bytes = patternBytes(50, 43)
    const [doomed, neighbour, longer] = await Promise.all([
      create(store, { ID: id, Size: 50 }),
      create(store, { Size: 50 }),
      create(store, { ID: `${id}0`, Size: 50 }),
    ])
    for (const upload of [doomed, neighbour, longer]) await write(upload, 0, bytes)
    await store.asTerminatableUpload(doomed).terminate()
    for (const upload of [neighbour, longer]) {
      const survivor = await store.getUpload((await upload.getInfo()).ID)
      assert.equal((await survivor.getInfo()).Offset, 50)
      await assertKept(suite.traits, survivor, bytes, 'surviving upload')
    }
  })
}
