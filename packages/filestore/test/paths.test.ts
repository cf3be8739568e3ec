import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode, newFileInfo } from '@tus/core'
import { FileStore } from '@tus/filestore'
import { describe, expect, test } from 'vitest'
import { uploadPaths } from '../src/paths.js'
import { tempDir } from './helpers.js'

const INFO = '{"ID":"outside","Size":3,"Offset":0,"MetaData":{}}'

const ESCAPES = [
  '../outside',
  'a/../../outside',
  '..',
  '.',
  './x',
  '/outside',
  '/etc/passwd',
  'a\\..\\..\\outside',
  '..\\outside',
  'x\0y',
  '../\0',
  'a//b',
  'a/',
  '/',
  'x'.repeat(2000),
]

/** A store in `<sandbox>/store`, beside a tempting upload at `<sandbox>/outside`. */
async function sandbox() {
  const root = await tempDir()
  const directory = join(root, 'store')
  await mkdir(directory)
  await writeFile(join(root, 'outside'), 'abc')
  await writeFile(join(root, 'outside.info'), INFO)
  return { root, directory, store: new FileStore({ directory }) }
}

describe('ids never reach outside the directory', () => {
  test.each(ESCAPES)('getUpload(%j) is not found, even with files there', async (id) => {
    const { store } = await sandbox()
    await expect(store.getUpload(id)).rejects.toSatisfy((err) =>
      hasErrorCode(err, 'ERR_UPLOAD_NOT_FOUND'),
    )
  })

  test.each(ESCAPES)('newUpload with ID %j is rejected and writes nothing', async (id) => {
    const { root, directory, store } = await sandbox()
    await expect(store.newUpload(newFileInfo({ ID: id, Size: 1 }))).rejects.toSatisfy((err) =>
      hasErrorCode(err, 'ERR_INVALID_UPLOAD_ID'),
    )
    expect((await readdir(root)).sort()).toEqual(['outside', 'outside.info', 'store'])
    expect(await readdir(directory)).toEqual([])
    expect(await readFile(join(root, 'outside'), 'utf8')).toBe('abc')
    expect(await readFile(join(root, 'outside.info'), 'utf8')).toBe(INFO)
  })

  test('percent-encoded dots are literal names, inside the directory', async () => {
    const { root, directory, store } = await sandbox()
    const upload = await store.newUpload(newFileInfo({ ID: '%2e%2e', Size: 1 }))
    expect((await upload.getInfo()).Storage?.Path).toBe(join(directory, '%2e%2e'))
    expect((await readdir(directory)).sort()).toEqual(['%2e%2e', '%2e%2e.info'])
    expect((await readdir(root)).sort()).toEqual(['outside', 'outside.info', 'store'])
    await expect(store.getUpload('%2e%2e/outside')).rejects.toSatisfy((err) =>
      hasErrorCode(err, 'ERR_UPLOAD_NOT_FOUND'),
    )
  })

  test('uploadPaths maps ids below the directory, and nothing else', () => {
    expect(uploadPaths('/data/store', 'a/b')).toEqual({
      data: '/data/store/a/b',
      info: '/data/store/a/b.info',
      stage: '/data/store/a/b.stage',
    })
    expect(uploadPaths('/', 'a')).toEqual({ data: '/a', info: '/a.info', stage: '/a.stage' })
    // A sibling folder sharing the prefix is outside.
    expect(uploadPaths('/data/store', '../store2/x')).toBeUndefined()
    expect(uploadPaths('/data/store', '..foo')).toEqual({
      data: '/data/store/..foo',
      info: '/data/store/..foo.info',
      stage: '/data/store/..foo.stage',
    })
  })
})
