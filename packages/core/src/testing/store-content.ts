import assert from 'node:assert/strict'
import type { ContentServerDataStore, Upload } from '../store.js'
import { assertBytes, concatBytes, patternBytes, readAll } from './bytes.js'
import { create, type StoreSuite, write } from './store-kit.js'
import { readsSoFar, rejectsUnfinished } from './store-traits.js'

async function finished(store: ContentServerDataStore, bytes: Uint8Array): Promise<Upload> {
  const upload = await create(store, { Size: bytes.length })
  await write(upload, 0, bytes)
  await upload.finishUpload()
  return store.getUpload((await upload.getInfo()).ID)
}

/**
 * Serving content: size and validators, and byte ranges with inclusive ends.
 * The handler serves a finished upload without taking its lock, so a finished
 * upload must be readable by any number of lookups at once. Before completion,
 * the bytes so far are served, or, by a store that does not read unfinished
 * uploads, the declared answer (traits.unfinishedRead) is given until
 * finishUpload.
 */
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

  const { readsUnfinished, unfinishedRead } = suite.traits

  if (readsUnfinished) {
    suite.test('before completion: the bytes so far, the validator follows them', async (store) => {
      const upload = await create(store, { Size: 200 })
      const { ID } = await upload.getInfo()
      await write(upload, 0, patternBytes(100, 85))
      const contentInfo = async () =>
        readsSoFar(store.asServableUpload(await store.getUpload(ID)).contentInfo())
      const first = await contentInfo()
      assert.equal(first.size, 100)
      await write(upload, 100, patternBytes(100, 86))
      const after = await contentInfo()
      assert.equal(after.size, 200)
      if (first.etag !== undefined) assert.notEqual(after.etag, first.etag)
    })
  } else {
    suite.test(`before completion: contentInfo rejects with ${unfinishedRead}`, async (store) => {
      const head = patternBytes(100, 85)
      const tail = patternBytes(100, 86)
      const upload = await create(store, { Size: 200 })
      const { ID } = await upload.getInfo()
      const servable = async () => store.asServableUpload(await store.getUpload(ID))
      await rejectsUnfinished(suite.traits, (await servable()).contentInfo())
      await write(upload, 0, head)
      await rejectsUnfinished(suite.traits, (await servable()).contentInfo())
      // Every byte in is not enough: until finishUpload.
      await write(upload, 100, tail)
      await rejectsUnfinished(suite.traits, (await servable()).contentInfo())
      await upload.finishUpload()
      const done = await servable()
      assert.equal((await done.contentInfo()).size, 200)
      assertBytes(await readAll(await done.createReadStream()), concatBytes(head, tail), 'content')
    })
  }

  suite.test('contentInfo agrees with getInfo: the size is the offset', async (store) => {
    const empty = await create(store, { Size: 0 })
    await empty.finishUpload()
    const emptyId = (await empty.getInfo()).ID
    const emptyInfo = await store.asServableUpload(await store.getUpload(emptyId)).contentInfo()
    assert.equal(emptyInfo.size, 0, 'an empty finished upload')
    const upload = await finished(store, patternBytes(777, 87))
    assert.equal(
      (await store.asServableUpload(upload).contentInfo()).size,
      (await upload.getInfo()).Offset,
    )
    if (emptyInfo.etag !== undefined) {
      const other = await store.asServableUpload(upload).contentInfo()
      assert.notEqual(other.etag, emptyInfo.etag, 'different bytes, one etag')
    }
  })

  if (readsUnfinished) {
    suite.test('the etag changes when bytes are added, however soon after', async (store) => {
      const upload = await create(store, { Size: 3 })
      const { ID } = await upload.getInfo()
      const etags: (string | undefined)[] = []
      for (let offset = 0; offset < 3; offset++) {
        await write(upload, offset, patternBytes(1, 88 + offset))
        const servable = store.asServableUpload(await store.getUpload(ID))
        const info = await readsSoFar(servable.contentInfo())
        assert.equal(info.size, offset + 1)
        etags.push(info.etag)
      }
      const given = etags.filter((etag) => etag !== undefined)
      assert.equal(new Set(given).size, given.length, `an etag repeated: ${given.join(' ')}`)
    })
  } else {
    // Bytes change only before completion, where no validator is given out:
    // none can go stale. Once finished, it is one for the bytes, however soon.
    suite.test('no etag while bytes are added; once finished, one etag', async (store) => {
      const upload = await create(store, { Size: 3 })
      const { ID } = await upload.getInfo()
      for (let offset = 0; offset < 3; offset++) {
        await write(upload, offset, patternBytes(1, 88 + offset))
        const servable = store.asServableUpload(await store.getUpload(ID))
        await rejectsUnfinished(suite.traits, servable.contentInfo())
      }
      await upload.finishUpload()
      const first = await store.asServableUpload(await store.getUpload(ID)).contentInfo()
      const again = await store.asServableUpload(await store.getUpload(ID)).contentInfo()
      assert.equal(first.size, 3)
      assert.deepEqual([again.size, again.etag], [first.size, first.etag])
    })
  }

  suite.test('ranges at the edges: one byte, chunk boundaries, the exact end', async (store) => {
    const one = patternBytes(1, 89)
    const single = store.asServableUpload(await finished(store, one))
    assertBytes(await readAll(await single.createReadStream({ start: 0, end: 0 })), one, '0-0 of 1')
    const n = 3 * 65_536
    const bytes = patternBytes(n, 90)
    const servable = store.asServableUpload(await finished(store, bytes))
    const ranges = [
      [65_535, 65_536],
      [65_536, 131_071],
      [1, n - 2],
      [n - 65_536, n - 1],
      [0, n - 1],
    ] as const
    for (const [start, end] of ranges) {
      const got = await readAll(await servable.createReadStream({ start, end }))
      assertBytes(got, bytes.subarray(start, end + 1), `range ${start}-${end}`)
    }
  })

  if (readsUnfinished) {
    suite.test(
      'a stream ends at its range, even if bytes arrive after it opened',
      async (store) => {
        const upload = await create(store, { Size: 200 })
        const { ID } = await upload.getInfo()
        const first = patternBytes(100, 91)
        await write(upload, 0, first)
        const servable = store.asServableUpload(await store.getUpload(ID))
        const stream = await readsSoFar(servable.createReadStream({ start: 0, end: 99 }))
        await write(upload, 100, patternBytes(100, 92))
        assertBytes(await readAll(stream), first, 'the range asked for, not the bytes added')
      },
    )
  } else {
    suite.test(`a range of an unfinished upload rejects with ${unfinishedRead}`, async (store) => {
      const upload = await create(store, { Size: 200 })
      const { ID } = await upload.getInfo()
      const first = patternBytes(100, 91)
      const second = patternBytes(100, 92)
      await write(upload, 0, first)
      const servable = store.asServableUpload(await store.getUpload(ID))
      await rejectsUnfinished(suite.traits, servable.createReadStream({ start: 0, end: 99 }))
      await rejectsUnfinished(suite.traits, servable.createReadStream())
      await write(upload, 100, second)
      await upload.finishUpload()
      const done = store.asServableUpload(await store.getUpload(ID))
      const range = await readAll(await done.createReadStream({ start: 0, end: 99 }))
      assertBytes(range, first, 'the range, once finished')
      assertBytes(await readAll(await done.createReadStream()), concatBytes(first, second), 'all')
    })
  }

  suite.test('a finished upload is served to many lookups at once', async (store) => {
    const bytes = patternBytes(200_000, 93)
    const { ID } = await (await finished(store, bytes)).getInfo()
    const reads = Array.from({ length: 16 }, async (_, i) => {
      const servable = store.asServableUpload(await store.getUpload(ID))
      const info = await servable.contentInfo()
      assert.equal(info.size, bytes.length)
      const start = i * 10_000
      const got = await readAll(await servable.createReadStream({ start, end: bytes.length - 1 }))
      assertBytes(got, bytes.subarray(start), `reader ${i}`)
      return info.etag
    })
    const etags = await Promise.all(reads)
    assert.equal(new Set(etags).size, 1, 'one etag for unchanged bytes')
  })
}
