import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { newFileInfo } from '@tus/core'
import { FileStore } from '@tus/filestore'
import { describe, expect, test } from 'vitest'
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
