import assert from 'node:assert/strict'
import { hasErrorCode } from '../errors.js'
import { assertBytes, patternBytes } from './bytes.js'
import { create, read, type StoreSuite, write } from './store-kit.js'

/** getReader: the stored bytes, from the start. */
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

  suite.test('getReader before completion gives the bytes so far', async (store) => {
    const bytes = patternBytes(5000, 22)
    const upload = await create(store, { Size: 10_000 })
    await write(upload, 0, bytes)
    // A store that can only read whole objects may refuse, as tusd's s3store
    // does, with ERR_INCOMPLETE_UPLOAD; anything else must be the bytes so far.
    const got = await read(upload).catch((err: unknown) => {
      assert.ok(hasErrorCode(err, 'ERR_INCOMPLETE_UPLOAD'), `unexpected rejection: ${err}`)
      return undefined
    })
    if (got !== undefined) assertBytes(got, bytes, 'bytes so far')
    assert.equal((await upload.getInfo()).Offset, bytes.length)
  })
}
