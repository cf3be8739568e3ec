import assert from 'node:assert/strict'
import type { ExpirerDataStore } from '../store.js'
import { failingAfter, patternBytes } from './bytes.js'
import { create, type StoreSuite, write } from './store-kit.js'

async function listed(store: ExpirerDataStore, before: Date): Promise<string[]> {
  const ids: string[] = []
  for await (const id of store.listExpired(before)) ids.push(id)
  return ids
}

const later = () => new Date(Date.now() + 60_000)

/**
 * expiration's store side: lastModified follows writes, and listExpired
 * names unfinished uploads older than the limit, never finished ones.
 */
export function expirationTests(suite: StoreSuite<ExpirerDataStore>): void {
  suite.test('lastModified is the creation, then the last write', async (store) => {
    const started = Date.now()
    const upload = await create(store, { Size: 10 })
    const created = await store.asExpirableUpload(upload).lastModified()
    // File systems and object stores round times; allow a second either way.
    assert.ok(Math.abs(created.getTime() - started) < 1500, `created at ${created.toISOString()}`)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const { ID } = await upload.getInfo()
    await write(await store.getUpload(ID), 0, patternBytes(5))
    const written = await store.asExpirableUpload(await store.getUpload(ID)).lastModified()
    assert.ok(written.getTime() > created.getTime(), 'a write moves lastModified')
  })

  suite.test('unfinished uploads older than the limit are listed', async (store) => {
    const unfinished = await (await create(store, { Size: 10 })).getInfo()
    const deferred = await (await create(store, { SizeIsDeferred: true })).getInfo()
    const ids = await listed(store, later())
    assert.ok(ids.includes(unfinished.ID), 'unfinished upload listed')
    assert.ok(ids.includes(deferred.ID), 'upload of deferred length listed')
  })

  suite.test(
    'an upload whose whole-upload write broke off is unfinished: listed',
    async (store) => {
      const { ID } = await (await create(store, { Size: 5000 })).getInfo()
      const broken = failingAfter(patternBytes(2000, 6), 500)
      await (await store.getUpload(ID)).writeChunk(0, broken, { length: 5000 })
      assert.ok((await listed(store, later())).includes(ID))
    },
  )

  suite.test('finished and empty finished uploads are never listed', async (store) => {
    const done = await create(store, { Size: 5 })
    await write(done, 0, patternBytes(5))
    const empty = await create(store, { Size: 0 })
    const ids = await listed(store, later())
    assert.ok(!ids.includes((await done.getInfo()).ID), 'finished upload not listed')
    assert.ok(!ids.includes((await empty.getInfo()).ID), 'empty upload not listed')
  })

  suite.test('uploads changed after the limit are not listed', async (store) => {
    const { ID } = await (await create(store, { Size: 10 })).getInfo()
    const ids = await listed(store, new Date(Date.now() - 60_000))
    assert.ok(!ids.includes(ID))
  })

  suite.test('ids with slashes are listed as they were created', async (store) => {
    const upload = await store.newUpload({
      ...(await (await create(store, { Size: 1 })).getInfo()),
      ID: `nested/${Date.now().toString(36)}/upload`,
    })
    const { ID } = await upload.getInfo()
    assert.ok((await listed(store, later())).includes(ID))
  })
}
