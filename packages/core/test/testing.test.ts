import type { DataStore, Lock, Locker, Upload } from '@tus/core'
import {
  assertBytes,
  chunked,
  lockerConformance,
  patternBytes,
  readAll,
  storeConformance,
  type TestApi,
} from '@tus/core/testing'
import { describe, expect, test } from 'vitest'

/** A TestApi that records what is registered instead of running it. */
function recorder() {
  const names: string[] = []
  const pending: Promise<void>[] = []
  const path: string[] = []
  const api: TestApi = {
    describe(name, fn) {
      path.push(name)
      names.push(path.join(' > '))
      const result = fn()
      path.pop()
      if (result) pending.push(result.then(() => {}))
    },
    test(name) {
      names.push([...path, name].join(' > '))
    },
  }
  // Groups registered after an await land at the top level: fine for counting.
  const settled = async () => {
    while (pending.length > 0) await pending.shift()
  }
  return { api, names, settled }
}

const upload = {} as Upload
const core: DataStore = {
  newUpload: async () => upload,
  getUpload: async () => upload,
}
const everything = {
  ...core,
  asTerminatableUpload: () => ({ terminate: async () => {} }),
  asLengthDeclarableUpload: () => ({ declareLength: async () => {} }),
  asConcatableUpload: () => ({ concatUploads: async () => {} }),
  asServableUpload: () => ({
    contentInfo: async () => ({ size: 0 }),
    createReadStream: async () => {
      throw new Error('unused')
    },
  }),
}
const groups = (names: string[]) =>
  names.filter((n) => n.split(' > ').length === 1 && n !== 'DataStore conformance')

describe('storeConformance picks its groups from the declared capabilities', () => {
  test('a core-only store gets the core groups only', () => {
    const { api, names } = recorder()
    storeConformance(api, () => core)
    expect(names.filter((n) => n.split(' > ').length === 2)).toEqual([
      'DataStore conformance > creation',
      'DataStore conformance > writeChunk and offsets',
      'DataStore conformance > a source that fails midway',
      'DataStore conformance > writes with a length (Content-Length)',
      'DataStore conformance > getReader',
      'DataStore conformance > finishUpload',
    ])
  })

  test('each declared capability adds its group, from an async factory too', async () => {
    const { api, names, settled } = recorder()
    let disposed = 0
    storeConformance(api, async () => everything, { dispose: () => void disposed++ })
    await settled()
    expect(groups(names)).toEqual([
      'creation',
      'writeChunk and offsets',
      'a source that fails midway',
      'writes with a length (Content-Length)',
      'getReader',
      'finishUpload',
      'termination',
      'creation-defer-length',
      'concatenation',
      'serving content',
    ])
    expect(disposed).toBe(1) // the store made to read the capabilities
    expect(names.length).toBeGreaterThan(40)
    expect(new Set(names).size).toBe(names.length)
  })

  test('a store with one capability gets exactly that group', () => {
    const { api, names } = recorder()
    const { asTerminatableUpload } = everything
    storeConformance(api, () => ({ ...core, asTerminatableUpload }), { name: 'T' })
    expect(names.filter((n) => /^T > [^>]+$/.test(n)).slice(6)).toEqual(['T > termination'])
  })
})

test('lockerConformance registers its groups with unique test names', () => {
  const { api, names } = recorder()
  const locker: Locker = { newLock: () => ({}) as Lock }
  lockerConformance(api, () => locker)
  expect(names.filter((n) => n.split(' > ').length === 2)).toEqual([
    'Locker conformance > exclusion',
    'Locker conformance > release requests',
    'Locker conformance > acquire timeout',
    'Locker conformance > unlock',
    'Locker conformance > several waiters',
    'Locker conformance > readers (lockIfHeld)',
  ])
  expect(new Set(names).size).toBe(names.length)
})

describe('byte helpers', () => {
  test('patternBytes is deterministic and differs by seed', () => {
    expect(Buffer.compare(patternBytes(1000, 1), patternBytes(1000, 1))).toBe(0)
    expect(Buffer.compare(patternBytes(1000, 1), patternBytes(1000, 2))).not.toBe(0)
    expect(new Set(patternBytes(4096)).size).toBeGreaterThan(200)
  })

  test('chunked yields views of the bytes, in order', async () => {
    const bytes = patternBytes(10)
    const parts: Uint8Array[] = []
    for await (const part of chunked(bytes, 4)) parts.push(part)
    expect(parts.map((p) => [p.byteOffset, p.length])).toEqual([
      [0, 4],
      [4, 4],
      [8, 2],
    ])
    expect(Buffer.compare(await readAll(chunked(bytes, 3)), bytes)).toBe(0)
  })

  test('assertBytes names the first difference instead of dumping bytes', () => {
    const a = patternBytes(100_000)
    const b = Uint8Array.from(a)
    b[70_000] = (b[70_000]! + 1) & 0xff
    expect(() => assertBytes(b, a, 'x')).toThrow(/first difference at byte 70000/)
    expect(() => assertBytes(a, Uint8Array.from(a), 'x')).not.toThrow()
  })
})
