import assert from 'node:assert/strict'
import { hasErrorCode } from '../errors.js'
import type { ContentServerDataStore, Upload } from '../store.js'
import { assertBytes, patternBytes, readAll } from './bytes.js'
import { create, type StoreSuite, write } from './store-kit.js'

async function finished(store: ContentServerDataStore, bytes: Uint8Array): Promise<Upload> {
  const upload = await create(store, { Size: bytes.length })
  await write(upload, 0, bytes)
  await upload.finishUpload()
  return store.getUpload((await upload.getInfo()).ID)
}

/** Serving content: size and validators, and byte ranges with inclusive ends. */
export function contentTests(suite: StoreSuite<ContentServerDataStore>): void {
  suite.test('contentInfo: the size, a strong quoted etag, a past date', async (store) => {
    const upload = await finished(store, patternBytes(4321, 81))
    const info = await store.asServableUpload(upload).contentInfo()
    assert.equal(info.size, 4321)
    if (info.etag !== undefined) {
      assert.match(info.etag, /^"[\x21\x23-\x7e]*"$/, 'a strong ETag is a quoted string, no W/')
    }
    if (info.lastModified !== undefined) {
      assert.ok(info.lastModified instanceof Date)
      assert.ok(info.lastModified.getTime() <= Date.now() + 60_000, 'lastModified in the future')
    }
  })

  suite.test('createReadStream without a range gives every byte', async (store) => {
    const bytes = patternBytes(100_000, 82)
    const servable = store.asServableUpload(await finished(store, bytes))
    assertBytes(await readAll(await servable.createReadStream()), bytes, 'whole content')
  })

  suite.test('createReadStream with ranges: both ends inclusive', async (store) => {
    const bytes = patternBytes(10_000, 83)
    const servable = store.asServableUpload(await finished(store, bytes))
    const n = bytes.length
    const ranges = [
      [0, 0],
      [0, n - 1],
      [n - 1, n - 1],
      [10, 99],
      [n - 100, n - 1],
      [4096, 8191],
    ] as const
    for (const [start, end] of ranges) {
      const got = await readAll(await servable.createReadStream({ start, end }))
      assertBytes(got, bytes.subarray(start, end + 1), `range ${start}-${end}`)
    }
  })

  suite.test('the validator is the same for unchanged bytes', async (store) => {
    const upload = await finished(store, patternBytes(300, 84))
    const first = await store.asServableUpload(upload).contentInfo()
    const again = await store.asServableUpload(upload).contentInfo()
    const fresh = await store
      .asServableUpload(await store.getUpload((await upload.getInfo()).ID))
      .contentInfo()
    assert.equal(first.size, 300)
    assert.deepEqual([again.size, again.etag], [first.size, first.etag])
    assert.deepEqual([fresh.size, fresh.etag], [first.size, first.etag])
  })

  suite.test('before completion: the bytes so far, the validator follows them', async (store) => {
    const upload = await create(store, { Size: 200 })
    const { ID } = await upload.getInfo()
    await write(upload, 0, patternBytes(100, 85))
    const contentInfo = async () => store.asServableUpload(await store.getUpload(ID)).contentInfo()
    // A store that serves whole objects only may refuse, as tusd's s3store does.
    const first = await contentInfo().catch((err: unknown) => {
      assert.ok(hasErrorCode(err, 'ERR_INCOMPLETE_UPLOAD'), `unexpected rejection: ${err}`)
      return undefined
    })
    await write(upload, 100, patternBytes(100, 86))
    const after = await contentInfo()
    assert.equal(after.size, 200)
    if (first === undefined) return
    assert.equal(first.size, 100)
    if (first.etag !== undefined) assert.notEqual(after.etag, first.etag)
  })
}
