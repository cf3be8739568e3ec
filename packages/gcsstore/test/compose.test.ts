import { randomBytes } from 'node:crypto'
import { type Bucket, CRC32C } from '@google-cloud/storage'
import { hasErrorCode, newFileInfo } from '@tus/core'
import { chunked, patternBytes, readAll } from '@tus/core/testing'
import { describe, expect, test } from 'vitest'
import { crc32cCombine, decodeCrc32c, encodeCrc32c, GCSStore } from '../src/index.js'
import { listNames, makeStorage, objectBytes, uniquePrefix, useBucket } from './helpers.js'

const target = useBucket()
const { bucket } = target

function crcOf(bytes: Uint8Array): number {
  const crc = new CRC32C()
  crc.update(Buffer.from(bytes))
  return decodeCrc32c(crc.toString())!
}

type Combine = Bucket['combine']

/**
 * A store whose bucket handle passes every compose call through `wrap`: a
 * spy on the real emulator's answers, and the one place where a bad answer
 * (a CRC32C that does not match) can be made, since GCS never gives one on
 * demand.
 */
function storeWithCompose(
  prefix: string,
  wrap: (real: Combine, call: number) => Combine = (real) => real,
): { store: GCSStore; calls: string[][] } {
  const storage = makeStorage()
  const handle = storage.bucket(target.name)
  const real = handle.combine.bind(handle) as Combine
  const calls: string[][] = []
  handle.combine = ((sources: { name: string }[], destination: string, ...rest: unknown[]) => {
    calls.push([String(destination), ...sources.map((source) => source.name)])
    return (wrap(real, calls.length) as (...args: unknown[]) => unknown)(
      sources,
      destination,
      ...rest,
    )
  }) as Combine
  storage.bucket = () => handle
  return { store: new GCSStore({ storage, bucket: target.name, objectPrefix: prefix }), calls }
}

describe('CRC32C arithmetic', () => {
  test('combine gives the CRC32C of the joined bytes', () => {
    for (const [a, b] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [1000, 3],
      [65_536, 70_001],
      [3, 5 * 1024 * 1024],
    ] as const) {
      const x = randomBytes(a)
      const y = randomBytes(b)
      expect(crc32cCombine(crcOf(x), crcOf(y), y.length)).toBe(crcOf(Buffer.concat([x, y])))
    }
  })

  test('lengths past 2^32 (GCS objects reach 5 TiB) are shifted correctly', () => {
    const [a, b, c] = [crcOf(randomBytes(9)), crcOf(randomBytes(7)), crcOf(randomBytes(5))]
    const lb = 2 ** 32
    const lc = 2 ** 32 + 3
    expect(crc32cCombine(a, crc32cCombine(b, c, lc), lb + lc)).toBe(
      crc32cCombine(crc32cCombine(a, b, lb), c, lc),
    )
  })

  test("GCS's base64 form round-trips", () => {
    expect(decodeCrc32c(encodeCrc32c(0xdeadbeef))).toBe(0xdeadbeef)
    expect(decodeCrc32c('AAAAAA==')).toBe(0)
    expect(decodeCrc32c('nonsense')).toBeUndefined()
  })
})

describe('finishing with more than 32 chunks', () => {
  test('70 chunks: three intermediate objects, then the final one; the bytes in order', async () => {
    const prefix = uniquePrefix('many')
    const { store, calls } = storeWithCompose(prefix)
    const pieces = Array.from({ length: 70 }, (_, i) => patternBytes(100 + i * 7, i + 1))
    const all = Buffer.concat(pieces)
    const upload = await store.newUpload(newFileInfo({ Size: all.length }))
    const { ID } = await upload.getInfo()
    let offset = 0
    for (const piece of pieces) {
      offset += await upload.writeChunk(offset, chunked(piece, 64))
    }
    expect((await (await store.getUpload(ID)).getInfo()).Offset).toBe(all.length)
    await upload.finishUpload()

    const key = `${prefix}/${ID}`
    expect(calls.map((call) => [call[0], call.length - 1]).sort()).toEqual([
      [key, 3],
      [`${key}_tmp_0_0`, 32],
      [`${key}_tmp_0_1`, 32],
      [`${key}_tmp_0_2`, 6],
    ])
    const first = calls.find((call) => call[0] === `${key}_tmp_0_0`)!
    expect(first.slice(1)).toEqual(Array.from({ length: 32 }, (_, i) => `${key}_${i}`))
    expect(Buffer.compare(await objectBytes(bucket, key), all)).toBe(0)
    // The chunks and the intermediate objects are gone.
    expect(await listNames(bucket, prefix)).toEqual([key, `${key}.info`])
    const found = await store.getUpload(ID)
    expect((await found.getInfo()).Offset).toBe(all.length)
    expect(Buffer.compare(Buffer.from(await readAll(await found.getReader())), all)).toBe(0)
  })

  test('1057 chunks: two levels of intermediate objects', async () => {
    const prefix = uniquePrefix('deep')
    const { store, calls } = storeWithCompose(prefix)
    const upload = await store.newUpload(newFileInfo({ Size: 1057 * 3 }))
    const { ID } = await upload.getInfo()
    const key = `${prefix}/${ID}`
    // Chunks put straight into the bucket (the layout is the store's whole
    // state), quicker than 1057 PATCHes.
    const pieces = Array.from({ length: 1057 }, (_, i) => patternBytes(3, i + 7))
    for (let i = 0; i < pieces.length; i += 32) {
      await Promise.all(
        pieces
          .slice(i, i + 32)
          .map((piece, j) =>
            bucket.file(`${key}_${i + j}`).save(Buffer.from(piece), { resumable: false }),
          ),
      )
    }
    expect((await upload.getInfo()).Offset).toBe(1057 * 3)
    await upload.finishUpload()
    const levels = calls.map((call) => call[0]!.replace(/^.*_tmp_(\d+)_\d+$/, 'level $1'))
    expect(levels.filter((level) => level === 'level 0')).toHaveLength(34)
    expect(levels.filter((level) => level === 'level 1')).toHaveLength(2)
    expect(levels.filter((level) => level === key)).toHaveLength(1)
    expect(Buffer.compare(await objectBytes(bucket, key), Buffer.concat(pieces))).toBe(0)
    expect(await listNames(bucket, prefix)).toEqual([key, `${key}.info`])
  }, 120_000)
})

describe('the CRC32C check of a compose', () => {
  const corrupt: (real: Combine) => Combine = (real) =>
    (async (...args: Parameters<Combine>) => {
      const [file, response] = (await (real as (...a: unknown[]) => Promise<unknown[]>)(
        ...args,
      )) as [unknown, Record<string, unknown>]
      return [file, { ...response, crc32c: encodeCrc32c(0x12345678) }]
    }) as unknown as Combine

  test('a result that never matches: 3 attempts, the result deleted, the chunks and offset kept', async () => {
    const prefix = uniquePrefix('crc')
    const { store, calls } = storeWithCompose(prefix, corrupt)
    const bytes = patternBytes(2000, 9)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    const { ID } = await upload.getInfo()
    await upload.writeChunk(0, chunked(bytes.subarray(0, 700)))
    await upload.writeChunk(700, chunked(bytes.subarray(700)))
    const failure = await upload.finishUpload().catch((err: unknown) => err)
    expect(hasErrorCode(failure, 'ERR_INTERNAL_SERVER_ERROR')).toBe(true)
    expect((failure as Error).message).toBe('gcs: CRC32C mismatch in compose (3 attempts)')
    expect(calls).toHaveLength(3)
    const key = `${prefix}/${ID}`
    expect(await listNames(bucket, prefix)).toEqual([`${key}.info`, `${key}_0`, `${key}_1`])
    expect((await upload.getInfo()).Offset).toBe(2000)
    // With honest answers, the same upload finishes.
    const honest = new GCSStore({
      storage: makeStorage(),
      bucket: target.name,
      objectPrefix: prefix,
    })
    await (await honest.getUpload(ID)).finishUpload()
    expect(Buffer.compare(await objectBytes(bucket, key), bytes)).toBe(0)
  })

  test('a mismatch once, then a match: composed again, and finished', async () => {
    const prefix = uniquePrefix('crc')
    const { store, calls } = storeWithCompose(prefix, (real, call) =>
      call === 1 ? corrupt(real) : real,
    )
    const bytes = patternBytes(900, 10)
    const upload = await store.newUpload(newFileInfo({ Size: bytes.length }))
    await upload.writeChunk(0, chunked(bytes.subarray(0, 100)))
    await upload.writeChunk(100, chunked(bytes.subarray(100)))
    await upload.finishUpload()
    expect(calls).toHaveLength(2)
    const { ID } = await upload.getInfo()
    expect(Buffer.compare(await objectBytes(bucket, `${prefix}/${ID}`), bytes)).toBe(0)
  })
})
