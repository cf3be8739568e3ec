import { statSync } from 'node:fs'
import { readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode, newFileInfo } from '@tus/core'
import { FileStore } from '@tus/filestore'
import { describe, expect, test } from 'vitest'
import { source, tempDir } from './helpers.js'

const isNotFound = (err: unknown) => hasErrorCode(err, 'ERR_UPLOAD_NOT_FOUND')

describe('FileStore writes, concatenation, reads', () => {
  test('a failing source ends the chunk; the file holds exactly what was counted', async () => {
    const directory = await tempDir()
    const upload = await new FileStore({ directory }).newUpload(newFileInfo({ ID: 'u', Size: 99 }))
    async function* breaksOff() {
      yield* source('first ', 'second ')
      throw new Error('socket hang up')
    }
    expect(await upload.writeChunk(0, breaksOff())).toBe(13)
    expect(await readFile(join(directory, 'u'), 'utf8')).toBe('first second ')
  })

  test('a failure of the file rejects', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    const upload = await store.newUpload(newFileInfo({ ID: 'dir/u', Size: 10 }))
    await rm(join(directory, 'dir'), { recursive: true })
    await expect(upload.writeChunk(0, source('abc'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  test('backpressure: the source is read no faster than the disk takes it', async () => {
    const directory = await tempDir()
    const upload = await new FileStore({ directory }).newUpload(newFileInfo({ ID: 'u', Size: 0 }))
    const chunk = Buffer.alloc(64 * 1024, 1)
    let sent = 0
    let ahead = 0
    async function* paced() {
      for (let i = 0; i < 256; i++) {
        // Synchronous on purpose: only the store's own waiting lets the disk catch up.
        ahead = Math.max(ahead, sent - statSync(join(directory, 'u')).size)
        sent += chunk.length
        yield chunk
      }
    }
    expect(await upload.writeChunk(0, paced())).toBe(256 * chunk.length)
    // A batch being written and a queue filling behind it (256 KiB each, plus
    // the chunk that crossed the mark), never the whole 16 MiB.
    expect(ahead).toBeLessThanOrEqual(2 * 256 * 1024 + 2 * chunk.length)
  })

  test('an aborted signal stops taking bytes; what was taken is kept', async () => {
    const directory = await tempDir()
    const upload = await new FileStore({ directory }).newUpload(newFileInfo({ ID: 'u', Size: 0 }))
    const controller = new AbortController()
    let pulled = 0
    async function* endless() {
      while (true) {
        pulled++
        if (pulled === 3) controller.abort()
        yield Buffer.from('0123456789')
      }
    }
    const written = await upload.writeChunk(0, endless(), { signal: controller.signal })
    expect(written).toBe(30)
    expect((await upload.getInfo()).Offset).toBe(30)
  })

  test('concatenation with a partial gone rejects', async () => {
    const store = new FileStore({ directory: await tempDir() })
    const partial = await store.newUpload(newFileInfo({ ID: 'p', Size: 3, IsPartial: true }))
    await partial.writeChunk(0, source('abc'))
    const final = await store.newUpload(newFileInfo({ ID: 'f', Size: 6, IsFinal: true }))
    await store.asTerminatableUpload(partial).terminate()
    await expect(store.asConcatableUpload(final).concatUploads([partial])).rejects.toSatisfy(
      isNotFound,
    )
  })

  test('a terminated upload: reads, infos and content reject as not found', async () => {
    const store = new FileStore({ directory: await tempDir() })
    const upload = await store.newUpload(newFileInfo({ ID: 'u', Size: 3 }))
    await upload.writeChunk(0, source('abc'))
    await store.asTerminatableUpload(upload).terminate()
    await store.asTerminatableUpload(upload).terminate() // twice: ENOENT is ignored
    await expect(upload.getInfo()).rejects.toSatisfy(isNotFound)
    await expect(upload.getReader()).rejects.toSatisfy(isNotFound)
    const servable = store.asServableUpload(upload)
    await expect(servable.contentInfo()).rejects.toSatisfy(isNotFound)
    await expect(servable.createReadStream({ start: 0, end: 1 })).rejects.toSatisfy(isNotFound)
  })

  test('contentInfo: size, mtime, and an ETag of size and mtime in hex', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    const upload = await store.newUpload(newFileInfo({ ID: 'u', Size: 300 }))
    await upload.writeChunk(0, source(Buffer.alloc(300)))
    const info = await store.asServableUpload(upload).contentInfo()
    const stats = await stat(join(directory, 'u'), { bigint: true })
    expect(info).toEqual({
      size: 300,
      etag: `"12c-${stats.mtimeNs.toString(16)}"`,
      lastModified: stats.mtime,
    })
  })

  test('an upload of another store is refused by the as* methods', () => {
    const store = new FileStore({ directory: '/nonexistent' })
    const foreign = {
      writeChunk: async () => 0,
      getInfo: async () => newFileInfo(),
      getReader: async () => {
        throw new Error('unused')
      },
      finishUpload: async () => {},
    }
    expect(() => store.asTerminatableUpload(foreign)).toThrow(TypeError)
    expect(() => store.asConcatableUpload(foreign)).toThrow('not an upload of a FileStore')
  })
})
