import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { newFileInfo } from '@tus/core'
import { FileStore } from '@tus/filestore'
import { describe, expect, test } from 'vitest'
import { source, tempDir } from './helpers.js'

const umask = process.umask()
const modeOf = async (path: string) => (await stat(path)).mode & 0o777

describe("tusd's on-disk layout", () => {
  test('<id> and <id>.info, Storage with both absolute paths, default id 32 hex', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    const info = await (await store.newUpload(newFileInfo({ Size: 5 }))).getInfo()
    expect(info.ID).toMatch(/^[0-9a-f]{32}$/)
    expect(info.Storage).toEqual({
      Type: 'filestore',
      Path: join(directory, info.ID),
      InfoPath: join(directory, `${info.ID}.info`),
    })
    expect((await readdir(directory)).sort()).toEqual([info.ID, `${info.ID}.info`])
    expect((await stat(join(directory, info.ID))).size).toBe(0)
  })

  test('a relative directory is resolved once, to an absolute path', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory: relative(process.cwd(), directory) })
    expect(store.directory).toBe(directory)
    const info = await (await store.newUpload(newFileInfo({ ID: 'rel', Size: 1 }))).getInfo()
    expect(info.Storage?.Path).toBe(join(directory, 'rel'))
  })

  test('an id with "/" creates subfolders with dirMode; files get fileMode', async () => {
    const root = await tempDir()
    const directory = join(root, 'not-yet-there')
    const store = new FileStore({ directory, dirMode: 0o750, fileMode: 0o640 })
    await store.newUpload(newFileInfo({ ID: 'project/2024/file', Size: 1 }))
    expect(await readdir(join(directory, 'project/2024'))).toEqual(['file', 'file.info'])
    for (const dir of [directory, join(directory, 'project'), join(directory, 'project/2024')]) {
      expect(await modeOf(dir)).toBe(0o750 & ~umask)
    }
    for (const file of ['file', 'file.info']) {
      expect(await modeOf(join(directory, 'project/2024', file))).toBe(0o640 & ~umask)
    }
  })

  test('the default modes are 0o775 and 0o664 (less the umask)', async () => {
    const directory = join(await tempDir(), 'uploads')
    await new FileStore({ directory }).newUpload(newFileInfo({ ID: 'a/b', Size: 1 }))
    expect(await modeOf(join(directory, 'a'))).toBe(0o775 & ~umask)
    expect(await modeOf(join(directory, 'a/b'))).toBe(0o664 & ~umask)
    expect(await modeOf(join(directory, 'a/b.info'))).toBe(0o664 & ~umask)
  })

  test('generateId picks the ids; a given ID wins', async () => {
    const directory = await tempDir()
    let n = 0
    const store = new FileStore({ directory, generateId: () => `custom-${++n}` })
    const picked = await (await store.newUpload(newFileInfo({ Size: 1 }))).getInfo()
    const given = await (await store.newUpload(newFileInfo({ ID: 'mine', Size: 1 }))).getInfo()
    expect([picked.ID, given.ID]).toEqual(['custom-1', 'mine'])
  })

  test('an id taken by a folder, or under a file, is an invalid id', async () => {
    const store = new FileStore({ directory: await tempDir() })
    await store.newUpload(newFileInfo({ ID: 'a/b', Size: 1 }))
    await expect(store.newUpload(newFileInfo({ ID: 'a', Size: 1 }))).rejects.toMatchObject({
      code: 'ERR_INVALID_UPLOAD_ID',
    })
    await expect(store.newUpload(newFileInfo({ ID: 'a/b/c', Size: 1 }))).rejects.toMatchObject({
      code: 'ERR_INVALID_UPLOAD_ID',
    })
    await expect(store.getUpload('a/b/c')).rejects.toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
  })

  test('.info is written on create and declareLength only, atomically', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    const upload = await store.newUpload(newFileInfo({ ID: 'u', SizeIsDeferred: true }))
    const infoPath = join(directory, 'u.info')
    const created = await readFile(infoPath, 'utf8')
    const before = await stat(infoPath)
    await upload.writeChunk(0, source('abc', 'def'))
    await upload.finishUpload()
    await store.asServableUpload(upload).contentInfo()
    expect(await readFile(infoPath, 'utf8')).toBe(created)
    expect((await stat(infoPath)).ino).toBe(before.ino)

    await store.asLengthDeclarableUpload(upload).declareLength(6)
    // Replaced by a rename (a new inode), no temp file left behind.
    expect((await stat(infoPath)).ino).not.toBe(before.ino)
    expect(JSON.parse(await readFile(infoPath, 'utf8'))).toMatchObject({ Size: 6, Offset: 6 })
    expect((await readdir(directory)).sort()).toEqual(['u', 'u.info'])
  })

  test('the offset is the data file’s size, whoever wrote it', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    await store.newUpload(newFileInfo({ ID: 'u', Size: 10 }))
    await writeFile(join(directory, 'u'), '1234567')
    expect((await (await store.getUpload('u')).getInfo()).Offset).toBe(7)
  })
})
