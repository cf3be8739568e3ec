import assert from 'node:assert/strict'
import { isValidUploadId } from '../upload-id.js'
import { create, entries, rejectsWith, type StoreSuite, uniqueId } from './store-kit.js'
import { createGiven, givenIdTitles } from './store-traits.js'

/**
 * newUpload and getUpload: ids, FileInfo round-trip, not found. A given ID
 * becomes the upload's ID as the store declared (traits.keepsGivenId).
 */
export function creationTests(suite: StoreSuite): void {
  suite.test('newUpload without an ID picks a valid id, different each time', async (store) => {
    const a = await (await create(store, { Size: 10 })).getInfo()
    const b = await (await create(store, { Size: 10 })).getInfo()
    assert.ok(isValidUploadId(a.ID), `picked id ${JSON.stringify(a.ID)} is not a valid upload id`)
    assert.ok(isValidUploadId(b.ID), `picked id ${JSON.stringify(b.ID)} is not a valid upload id`)
    assert.notEqual(a.ID, b.ID)
    assert.equal(a.Offset, 0)
  })

  const titles = givenIdTitles(suite.traits)

  suite.test(titles.plain, async (store) => {
    const { id } = await createGiven(suite.traits, store, uniqueId(), { Size: 42 })
    const found = await (await store.getUpload(id)).getInfo()
    assert.equal(found.ID, id)
    assert.equal(found.Size, 42)
  })

  suite.test(titles.nested, async (store) => {
    const given = `${uniqueId('folder')}/${uniqueId('file')}`
    const { id } = await createGiven(suite.traits, store, given, { Size: 3 })
    const found = await (await store.getUpload(id)).getInfo()
    assert.equal(found.ID, id)
    assert.equal(found.Size, 3)
  })

  suite.test('the FileInfo round-trips through getUpload', async (store) => {
    const meta: Record<string, string> = Object.create(null)
    meta.filename = 'résumé 📄.pdf'
    meta.filetype = 'application/pdf'
    meta.empty = ''
    const proto = '__proto__' // a plain key here, not the prototype
    meta[proto] = 'plain'
    const upload = await create(store, { Size: 1234, MetaData: meta })
    const { ID } = await upload.getInfo()
    const info = await (await store.getUpload(ID)).getInfo()
    assert.equal(info.ID, ID)
    assert.equal(info.Size, 1234)
    assert.equal(info.SizeIsDeferred, false)
    assert.equal(info.Offset, 0)
    assert.equal(info.IsPartial, false)
    assert.equal(info.IsFinal, false)
    assert.deepEqual(entries(info.MetaData), entries(meta))
  })

  suite.test('a zero-length upload is created with Offset 0', async (store) => {
    const { ID } = await (await create(store, { Size: 0 })).getInfo()
    const info = await (await store.getUpload(ID)).getInfo()
    assert.equal(info.Size, 0)
    assert.equal(info.Offset, 0)
    assert.equal(info.SizeIsDeferred, false)
  })

  suite.test('getUpload of an unknown id rejects with ERR_UPLOAD_NOT_FOUND', async (store) => {
    await rejectsWith(store.getUpload(uniqueId('missing')), 'ERR_UPLOAD_NOT_FOUND')
    await rejectsWith(
      store.getUpload(`${uniqueId('missing')}/${uniqueId('child')}`),
      'ERR_UPLOAD_NOT_FOUND',
    )
  })
}
