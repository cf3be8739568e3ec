import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { concatBytes, patternBytes } from './bytes.js'
import { create, type StoreSuite, write } from './store-kit.js'
import { assertKept } from './store-traits.js'

/**
 * writeChunk: counts, offsets, order, sources of every shape. The bytes are
 * checked with assertKept: read back, or completed and read back whole by a
 * store that does not read unfinished uploads.
 */
export function writeTests(suite: StoreSuite): void {
  suite.test('writeChunk resolves with the byte count and moves Offset', async (store) => {
    const bytes = patternBytes(1000)
    const upload = await create(store, { Size: 1000 })
    await write(upload, 0, bytes)
    assert.equal((await upload.getInfo()).Offset, 1000)
    await assertKept(suite.traits, upload, bytes, 'stored bytes')
  })

  suite.test('chunks append in order; a fresh handle sees the offset', async (store) => {
    const parts = [patternBytes(10, 1), patternBytes(3000, 2), patternBytes(1, 3)]
    const all = concatBytes(...parts)
    const { ID } = await (await create(store, { Size: all.length })).getInfo()
    let offset = 0
    for (const part of parts) {
      // A new handle per PATCH, as the handler does.
      const upload = await store.getUpload(ID)
      assert.equal((await upload.getInfo()).Offset, offset)
      await write(upload, offset, part, 999)
      offset += part.length
    }
    const upload = await store.getUpload(ID)
    assert.equal((await upload.getInfo()).Offset, all.length)
    await assertKept(suite.traits, upload, all, 'stored bytes')
  })

  suite.test('many small chunks, as views into one buffer, are stored exactly', async (store) => {
    const backing = patternBytes(20_000, 4)
    const expected: Uint8Array[] = []
    async function* views() {
      for (let start = 7, size = 1; start + size <= backing.length; start += size, size += 13) {
        const view = backing.subarray(start, start + size)
        expected.push(view)
        yield view
      }
    }
    const upload = await create(store, { Size: 20_000 })
    const written = await upload.writeChunk(0, views())
    const all = concatBytes(...expected)
    assert.equal(written, all.length)
    assert.equal((await upload.getInfo()).Offset, all.length)
    await assertKept(suite.traits, upload, all, 'stored bytes')
  })

  suite.test('a large write streams through', async (store) => {
    const bytes = patternBytes(suite.largeSize + 17, 5)
    const upload = await create(store, { Size: bytes.length })
    await write(upload, 0, bytes, 64 * 1024)
    assert.equal((await upload.getInfo()).Offset, bytes.length)
    await assertKept(suite.traits, upload, bytes, 'stored bytes')
  })

  suite.test('an empty source writes nothing', async (store) => {
    const upload = await create(store, { Size: 10 })
    await write(upload, 0, patternBytes(4, 6))
    assert.equal(await upload.writeChunk(4, Readable.from([])), 0)
    assert.equal((await upload.getInfo()).Offset, 4)
  })

  suite.test('a Node Readable of Buffers is a valid source', async (store) => {
    const parts = [Buffer.from('hello '), Buffer.from('tus '), Buffer.from('world')]
    const upload = await create(store, { Size: 15 })
    assert.equal(await upload.writeChunk(0, Readable.from(parts)), 15)
    await assertKept(suite.traits, upload, Buffer.from('hello tus world'), 'stored bytes')
  })
}
