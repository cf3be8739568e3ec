import { type BigIntStats, statSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { newFileInfo } from '@tus/core'
import { FileStore } from '@tus/filestore'
import { describe, expect, test } from 'vitest'
import { createStat } from '../src/stat.js'
import { tempDir } from './helpers.js'

/** A synchronous stat that counts its calls and can be made slow. */
function countingStat(delayMs = 0) {
  const calls = { count: 0 }
  const sync = (path: string): BigIntStats => {
    calls.count++
    const until = performance.now() + delayMs
    while (performance.now() < until) {
      // busy: a slow file system blocks the caller
    }
    return statSync(path, { bigint: true })
  }
  return { calls, sync }
}

describe('createStat', () => {
  test('inline: the synchronous result, and its errors as rejections', async () => {
    const dir = await tempDir()
    const file = join(dir, 'f')
    await writeFile(file, 'abcd')
    const { calls, sync } = countingStat()
    const stat = createStat(true, sync)
    expect((await stat(file)).size).toBe(4n)
    await expect(stat(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(calls.count).toBe(2)
  })

  test('one slow stat sends the next ones to the thread pool', async () => {
    const dir = await tempDir()
    const file = join(dir, 'f')
    await writeFile(file, 'ab')
    const { calls, sync } = countingStat(2)
    const stat = createStat(true, sync)
    expect((await stat(file)).size).toBe(2n)
    expect((await stat(file)).size).toBe(2n)
    await expect(stat(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(calls.count).toBe(1)
  })

  test('not inline: never synchronous', async () => {
    const dir = await tempDir()
    const file = join(dir, 'f')
    await writeFile(file, 'abc')
    const { calls, sync } = countingStat()
    const stat = createStat(false, sync)
    expect((await stat(file)).size).toBe(3n)
    expect(calls.count).toBe(0)
  })
})

describe('FileStore inlineStat', () => {
  test.each([true, false])(
    'inlineStat %s: offsets and missing uploads as always',
    async (inline) => {
      const directory = await tempDir()
      const store = new FileStore({ directory, inlineStat: inline })
      const upload = await store.newUpload(newFileInfo({ ID: 'u', Size: 3 }))
      await upload.writeChunk(
        0,
        (async function* () {
          yield Buffer.from('ab')
        })(),
      )
      expect((await (await store.getUpload('u')).getInfo()).Offset).toBe(2)
      await expect(store.getUpload('nope')).rejects.toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
    },
  )
})
