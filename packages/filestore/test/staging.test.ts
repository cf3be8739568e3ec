import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { newFileInfo } from '@tus/core'
import { FileStore } from '@tus/filestore'
import { describe, expect, test } from 'vitest'
import { source, tempDir } from './helpers.js'

describe('staged chunks on disk', () => {
  test('live in <id>.stage; the data file is untouched until commit', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    const upload = await store.newUpload(newFileInfo({ ID: 'up', Size: 10 }))
    await upload.writeChunk(0, source('abc'))
    const staged = await store.asStagingUpload(upload).stageChunk(3, source('defg'))
    expect((await readdir(directory)).sort()).toEqual(['up', 'up.info', 'up.stage'])
    expect(await readFile(join(directory, 'up'), 'utf8')).toBe('abc')
    await staged.commit()
    expect(await readFile(join(directory, 'up'), 'utf8')).toBe('abcdefg')
    expect((await readdir(directory)).sort()).toEqual(['up', 'up.info'])
  })

  test('a stage left by a crash changes nothing and goes with the upload', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    const upload = await store.newUpload(newFileInfo({ ID: 'up', Size: 10 }))
    // Staged, then neither committed nor discarded: the process died.
    await store.asStagingUpload(upload).stageChunk(0, source('lost'))
    const again = await new FileStore({ directory }).getUpload('up')
    expect((await again.getInfo()).Offset).toBe(0)
    await store.asTerminatableUpload(again).terminate()
    expect(await readdir(directory)).toEqual([])
  })
})
