import { newFileInfo } from '@tus/core'
import { chunked, patternBytes, readAll } from '@tus/core/testing'
import { describe, expect, test } from 'vitest'
import { planRead } from '../src/read.js'
import { makeStore, uniquePrefix, useBucket } from './helpers.js'

const target = useBucket()

const object = (name: string, size: number) => ({
  name,
  size,
  crc32c: 0,
  generation: '1',
  updated: undefined,
})

describe('planning a read over chunks', () => {
  const chunks = [object('a', 10), object('empty', 0), object('b', 5), object('c', 20)]

  test('everything: each non-empty object whole', () => {
    expect(planRead(chunks).map((p) => [p.object.name, p.start, p.end])).toEqual([
      ['a', 0, 9],
      ['b', 0, 4],
      ['c', 0, 19],
    ])
  })

  test('a range across boundaries, inside one object, at the very end', () => {
    const plan = (start: number, end: number) =>
      planRead(chunks, { start, end }).map((p) => [p.object.name, p.start, p.end])
    expect(plan(8, 16)).toEqual([
      ['a', 8, 9],
      ['b', 0, 4],
      ['c', 0, 1],
    ])
    expect(plan(11, 13)).toEqual([['b', 1, 3]])
    expect(plan(34, 34)).toEqual([['c', 19, 19]])
    expect(plan(10, 14)).toEqual([['b', 0, 4]])
    expect(plan(40, 50)).toEqual([])
  })
})

describe('ranged reads from GCS', () => {
  const bytes = patternBytes(50_000, 1)
  const cuts = [0, 7_000, 7_001, 30_000, 50_000]
  const ranges = [
    [0, 0],
    [6_999, 7_001],
    [7_000, 7_000],
    [100, 49_000],
    [29_999, 30_000],
    [49_999, 49_999],
    [0, 49_999],
  ] as const

  test('an unfinished upload: ranges over its chunks; a finished one: ranges of the final object', async () => {
    const store = makeStore(target, { objectPrefix: uniquePrefix('range') })
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    for (let i = 0; i < cuts.length - 1; i++) {
      await upload.writeChunk(cuts[i]!, chunked(bytes.subarray(cuts[i], cuts[i + 1]), 4096))
    }
    const servable = store.asServableUpload(upload)
    const check = async (when: string) => {
      for (const [start, end] of ranges) {
        const got = Buffer.from(await readAll(await servable.createReadStream({ start, end })))
        expect(Buffer.compare(got, bytes.subarray(start, end + 1)), `${when} ${start}-${end}`).toBe(
          0,
        )
      }
    }
    await check('unfinished')
    const before = await servable.contentInfo()
    expect(before.size).toBe(bytes.length)
    await upload.finishUpload()
    await check('finished')
    const after = await servable.contentInfo()
    expect(after.size).toBe(bytes.length)
    expect(after.etag).toMatch(/^"[0-9]+"$/) // the final object's generation
    expect(after.etag).not.toBe(before.etag)
    expect(after.lastModified).toBeInstanceOf(Date)
  })

  test('a read opened before more bytes arrive gives the bytes that were there', async () => {
    const store = makeStore(target, { objectPrefix: uniquePrefix('snapshot') })
    const upload = await store.newUpload(newFileInfo({ Size: 200 }))
    await upload.writeChunk(0, chunked(bytes.subarray(0, 100)))
    const reader = await upload.getReader()
    await upload.writeChunk(100, chunked(bytes.subarray(100, 200)))
    expect(Buffer.compare(Buffer.from(await readAll(reader)), bytes.subarray(0, 100))).toBe(0)
  })
})
