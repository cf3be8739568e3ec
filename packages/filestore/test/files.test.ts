import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { newFileInfo } from '@tus/core'
import { FileStore } from '@tus/filestore'
import { describe, expect, test } from 'vitest'
import { source, tempDir } from './helpers.js'

describe.each([true, false])('inlineFs %s', (inlineFs) => {
  test('creation, offsets, .info files and missing uploads as always', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory, inlineFs })
    const upload = await store.newUpload(newFileInfo({ ID: 'a/u', Size: 3, MetaData: { k: 'v' } }))
    expect(await upload.writeChunk(0, source('ab'))).toBe(2)
    const info = await (await store.getUpload('a/u')).getInfo()
    expect(info).toMatchObject({ ID: 'a/u', Size: 3, Offset: 2, MetaData: { k: 'v' } })
    expect(JSON.parse(await readFile(join(directory, 'a/u.info'), 'utf8'))).toMatchObject({
      ID: 'a/u',
      Size: 3,
    })
    await expect(store.getUpload('nope')).rejects.toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
    // A second store reads what the first wrote (no cache of its own yet).
    const other = new FileStore({ directory, inlineFs })
    expect(await (await other.getUpload('a/u')).getInfo()).toMatchObject({ Offset: 2, Size: 3 })
  })

  test('an id that collides with an upload folder is ERR_INVALID_UPLOAD_ID', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory, inlineFs })
    await store.newUpload(newFileInfo({ ID: 'x/y', Size: 1 }))
    await expect(store.newUpload(newFileInfo({ ID: 'x', Size: 1 }))).rejects.toMatchObject({
      code: 'ERR_INVALID_UPLOAD_ID',
    })
  })

  test('bodies announced small (written inline) and large (through the pool) are kept whole', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory, inlineFs })
    const big = Buffer.alloc(100 * 1024, 7)
    const upload = await store.newUpload(newFileInfo({ ID: 'w', Size: 10 + big.length + 2 }))
    expect(await upload.writeChunk(0, source('abc', 'defg', 'hij'), { length: 10 })).toBe(10)
    expect(
      await upload.writeChunk(10, source(big.subarray(0, 1), big.subarray(1)), {
        length: big.length,
      }),
    ).toBe(big.length)
    // A hint is not a promise: a small body that ends early keeps what came.
    expect(
      await (await store.getUpload('w')).writeChunk(10 + big.length, source('!'), { length: 2 }),
    ).toBe(1)
    const bytes = await readFile(join(directory, 'w'))
    expect(bytes.subarray(0, 10).toString()).toBe('abcdefghij')
    expect(bytes.subarray(10, 10 + big.length).equals(big)).toBe(true)
    expect(bytes.subarray(10 + big.length).toString()).toBe('!')
  })

  test('an .info that cannot be created fails the creation and leaves no descriptor open', async () => {
    const directory = await tempDir()
    await mkdir(join(directory, 'u.info'))
    const store = new FileStore({ directory, inlineFs })
    const fds = (await readdir('/proc/self/fd')).length
    await expect(store.newUpload(newFileInfo({ ID: 'u', Size: 1 }))).rejects.toBeDefined()
    expect((await readdir('/proc/self/fd')).length).toBe(fds)
  })
})

describe('a new upload is known to the store without reading its .info again', () => {
  // The .info of an upload of known length is never rewritten (tusd and this
  // store write it at creation only), so the store keeps what it wrote. An
  // .info changed behind its back shows which copy a lookup used.
  const tamper = async (directory: string) => {
    const path = join(directory, 'u.info')
    const info = JSON.parse(await readFile(path, 'utf8'))
    await writeFile(path, JSON.stringify({ ...info, MetaData: { k: 'changed' } }))
  }

  test('inline: the lookup after creation takes the info written at creation', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    await store.newUpload(newFileInfo({ ID: 'u', Size: 3, MetaData: { k: 'v' } }))
    await tamper(directory)
    expect((await (await store.getUpload('u')).getInfo()).MetaData).toEqual({ k: 'v' })
  })

  test('through the thread pool the stats are not taken: the lookup reads the file', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory, inlineFs: false })
    await store.newUpload(newFileInfo({ ID: 'u', Size: 3, MetaData: { k: 'v' } }))
    await tamper(directory)
    expect((await (await store.getUpload('u')).getInfo()).MetaData).toEqual({ k: 'changed' })
  })
})
