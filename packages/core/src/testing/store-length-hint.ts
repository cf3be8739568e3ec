import assert from 'node:assert/strict'
import { assertBytes, chunked, concatBytes, failingAfter, patternBytes } from './bytes.js'
import { create, read, type StoreSuite } from './store-kit.js'
import { assertKept, readsSoFar } from './store-traits.js'

/**
 * WriteOptions.length, the request's Content-Length: a store may use it to
 * choose where the bytes go (a whole upload arriving at once can be written
 * as the finished object), but what it keeps and counts must be the same as
 * without it, above all when the source ends before the length promised.
 */
export function lengthHintTests(suite: StoreSuite): void {
  suite.test('a whole upload in one write with its length: every byte, finished', async (store) => {
    const bytes = patternBytes(suite.largeSize + 4321, 71)
    const { ID } = await (await create(store, { Size: bytes.length })).getInfo()
    const upload = await store.getUpload(ID)
    const written = await upload.writeChunk(0, chunked(bytes), { length: bytes.length })
    assert.equal(written, bytes.length)
    assert.equal((await upload.getInfo()).Offset, bytes.length)
    await upload.finishUpload()
    const again = await store.getUpload(ID)
    assert.equal((await again.getInfo()).Offset, bytes.length)
    assertBytes(await read(again), bytes, 'the whole upload')
  })

  suite.test(
    'a whole-upload write that breaks off: what came is kept; the rest follows',
    async (store) => {
      const bytes = patternBytes(10_000, 72)
      const { ID } = await (await create(store, { Size: bytes.length })).getInfo()
      const broken = failingAfter(bytes.subarray(0, 3500), 1000)
      const first = await (await store.getUpload(ID)).writeChunk(0, broken, {
        length: bytes.length,
      })
      assert.equal(first, 3500)
      const upload = await store.getUpload(ID)
      assert.equal((await upload.getInfo()).Offset, 3500, 'a fresh handle counts the kept bytes')
      if (suite.traits.readsUnfinished) {
        assertBytes(
          await readsSoFar(read(upload)),
          bytes.subarray(0, 3500),
          'the kept bytes so far',
        )
      }
      const rest = bytes.subarray(3500)
      assert.equal(
        await upload.writeChunk(3500, chunked(rest), { length: rest.length }),
        rest.length,
      )
      await upload.finishUpload()
      assertBytes(await read(await store.getUpload(ID)), bytes, 'the whole upload')
    },
  )

  suite.test('a whole-upload write that breaks off twice, then completes', async (store) => {
    const parts = [patternBytes(700, 73), patternBytes(900, 74), patternBytes(400, 75)]
    const all = concatBytes(...parts)
    const { ID } = await (await create(store, { Size: all.length })).getInfo()
    let offset = 0
    for (const [i, part] of parts.entries()) {
      const upload = await store.getUpload(ID)
      assert.equal((await upload.getInfo()).Offset, offset)
      const last = i === parts.length - 1
      const src = last ? chunked(part, 128) : failingAfter(part, 128)
      // Each write says it carries the rest of the upload; only the last does.
      const written = await upload.writeChunk(offset, src, { length: all.length - offset })
      assert.equal(written, part.length)
      offset += written
    }
    const upload = await store.getUpload(ID)
    await upload.finishUpload()
    assertBytes(await read(upload), all, 'the whole upload')
  })

  suite.test('a length short of the upload is only a hint: later writes append', async (store) => {
    const bytes = patternBytes(6000, 76)
    const { ID } = await (await create(store, { Size: bytes.length })).getInfo()
    const head = bytes.subarray(0, 2000)
    const upload = await store.getUpload(ID)
    assert.equal(await upload.writeChunk(0, chunked(head), { length: head.length }), head.length)
    await assertKept(suite.traits, await store.getUpload(ID), head, 'the first write')
    if (suite.traits.readsUnfinished) {
      const rest = bytes.subarray(2000)
      const again = await store.getUpload(ID)
      assert.equal(
        await again.writeChunk(2000, chunked(rest), { length: rest.length }),
        rest.length,
      )
      await again.finishUpload()
      assertBytes(await read(again), bytes, 'the whole upload')
    }
  })
}
