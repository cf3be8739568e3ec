import type { BigIntStats } from 'node:fs'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { newFileInfo } from '@tus/core'
import { FileStore } from '@tus/filestore'
import { describe, expect, test } from 'vitest'
import { InfoCache } from '../src/info-cache.js'
import { source, tempDir } from './helpers.js'

// The store keeps parsed .info files; these changes come from outside it (tusd,
// or another instance on the same folder) and must be seen all the same.
describe('parsed .info files are never stale', () => {
  test('a length declared by another process', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    await store.newUpload(newFileInfo({ ID: 'd', SizeIsDeferred: true }))
    expect((await (await store.getUpload('d')).getInfo()).SizeIsDeferred).toBe(true)
    const path = join(directory, 'd.info')
    const info = JSON.parse(await readFile(path, 'utf8'))
    await writeFile(`${path}.tmp`, JSON.stringify({ ...info, Size: 7, SizeIsDeferred: false }))
    await rename(`${path}.tmp`, path)
    expect(await (await store.getUpload('d')).getInfo()).toMatchObject({
      Size: 7,
      SizeIsDeferred: false,
    })
  })

  test('an upload deleted and created again under the same id', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    const first = await store.newUpload(newFileInfo({ ID: 'x', Size: 3, MetaData: { n: '1' } }))
    await first.writeChunk(0, source('abc'))
    expect((await (await store.getUpload('x')).getInfo()).MetaData.n).toBe('1')
    await rm(join(directory, 'x'))
    await rm(join(directory, 'x.info'))
    // Another process creates it anew (the inode number may well come back).
    const other = new FileStore({ directory })
    await other.newUpload(newFileInfo({ ID: 'x', Size: 5, MetaData: { n: '2' } }))
    const info = await (await store.getUpload('x')).getInfo()
    expect(info).toMatchObject({ Size: 5, Offset: 0 })
    expect(info.MetaData.n).toBe('2')
  })

  test('what a caller changes in its FileInfo stays its own', async () => {
    const store = new FileStore({ directory: await tempDir() })
    await store.newUpload(newFileInfo({ ID: 'y', Size: 3, MetaData: { a: 'b' } }))
    const mine = await (await store.getUpload('y')).getInfo()
    mine.MetaData.a = 'changed'
    mine.Size = 99
    const again = await (await store.getUpload('y')).getInfo()
    expect(again.MetaData.a).toBe('b')
    expect(again.Size).toBe(3)
  })
})

describe('the cache of parsed .info files', () => {
  // What the cache reads of a stat, for a data file or an .info numbered `n`.
  const stats = (n: number) =>
    ({ ino: BigInt(n), birthtimeNs: 1n, size: 1n, mtimeNs: 1n, ctimeNs: 1n }) as BigIntStats

  test('when full, it forgets the entry used least lately, never one in use', () => {
    const cache = new InfoCache(4)
    const put = (n: number) =>
      cache.set(`${n}.info`, stats(n), stats(n), newFileInfo({ ID: String(n), Size: 1 }))
    for (let n = 1; n <= 4; n++) put(n)
    // Upload 1 is polled while 5 to 8 are created: it stays, the others go in turn.
    for (let n = 5; n <= 8; n++) {
      expect(cache.byData('1.info', stats(1))?.ID).toBe('1')
      put(n)
    }
    expect(cache.byData('1.info', stats(1))?.ID).toBe('1')
    for (const gone of [2, 3, 4, 5])
      expect(cache.byData(`${gone}.info`, stats(gone))).toBeUndefined()
    for (const kept of [7, 8])
      expect(cache.byData(`${kept}.info`, stats(kept))?.ID).toBe(String(kept))
  })
})
