import assert from 'node:assert/strict'
import { chunked, failingAfter, patternBytes } from './bytes.js'
import { create, type StoreSuite, write } from './store-kit.js'
import { assertKept } from './store-traits.js'

/**
 * A source that fails midway (a request body that breaks off) ends the chunk:
 * the bytes before the failure are kept, and both writeChunk's count and
 * getInfo().Offset report them, so the client resumes without a gap. The kept
 * bytes are checked with assertKept: a store that does not read unfinished
 * uploads gets the rest written after them and must hold the whole once
 * finished, so they are proven a prefix all the same.
 */
export function interruptedTests(suite: StoreSuite): void {
  suite.test('the bytes before the failure are kept and counted', async (store) => {
    const bytes = patternBytes(3 * 1024 + 5, 11)
    const { ID } = await (await create(store, { Size: 10_000 })).getInfo()
    const upload = await store.getUpload(ID)
    const written = await upload.writeChunk(0, failingAfter(bytes, 1024))
    assert.equal(written, bytes.length)
    assert.equal((await upload.getInfo()).Offset, bytes.length)
    const again = await store.getUpload(ID)
    assert.equal((await again.getInfo()).Offset, bytes.length)
    await assertKept(suite.traits, again, bytes, 'kept bytes')
  })

  suite.test('a source failing before its first byte writes nothing', async (store) => {
    const upload = await create(store, { Size: 100 })
    await write(upload, 0, patternBytes(10, 12))
    const written = await upload.writeChunk(10, failingAfter(new Uint8Array(0)))
    assert.equal(written, 0)
    assert.equal((await upload.getInfo()).Offset, 10)
  })

  suite.test('writing resumes at the reported offset after a failure', async (store) => {
    const bytes = patternBytes(8000, 13)
    const { ID } = await (await create(store, { Size: bytes.length })).getInfo()
    const first = await (await store.getUpload(ID)).writeChunk(
      0,
      failingAfter(bytes.subarray(0, 2500), 1000),
    )
    assert.equal(first, 2500)
    const upload = await store.getUpload(ID)
    const { Offset } = await upload.getInfo()
    assert.equal(Offset, 2500)
    await write(upload, Offset, bytes.subarray(Offset))
    await assertKept(suite.traits, await store.getUpload(ID), bytes, 'resumed upload')
  })

  suite.test('a large source failing midway keeps every byte before the failure', async (store) => {
    const bytes = patternBytes(Math.floor(suite.largeSize / 2) + 12_345, 14)
    const upload = await create(store, { Size: suite.largeSize * 2 })
    const written = await upload.writeChunk(0, failingAfter(bytes, 64 * 1024))
    assert.equal(written, bytes.length)
    assert.equal((await upload.getInfo()).Offset, bytes.length)
    await assertKept(suite.traits, upload, bytes, 'kept bytes')
  })

  suite.test('an aborted signal: what is kept is counted and is a prefix', async (store) => {
    const bytes = patternBytes(64 * 1024, 15)
    const controller = new AbortController()
    async function* source() {
      let sent = 0
      for await (const chunk of chunked(bytes, 4096)) {
        if (sent === 8 * 4096) controller.abort()
        sent += chunk.length
        yield chunk
      }
    }
    const upload = await create(store, { Size: bytes.length })
    // A store may stop early, or reject (its own failure); either way, what it
    // reports afterwards must be exactly what it kept.
    const written = await upload
      .writeChunk(0, source(), { signal: controller.signal })
      .catch(() => undefined)
    const { Offset } = await upload.getInfo()
    if (written !== undefined) assert.equal(Offset, written)
    assert.ok(Offset <= bytes.length)
    await assertKept(suite.traits, upload, bytes.subarray(0, Offset), 'kept prefix')
  })
}
