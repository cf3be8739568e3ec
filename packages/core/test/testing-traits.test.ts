import { type StoreTraits, storeConformance, type TestApi } from '@tus/core/testing'
import { describe, expect, test } from 'vitest'
import { MemoryStore, type MemoryStoreOptions } from './memory-store.js'

/** The traits of a store built like tusd's s3store. */
const S3_LIKE: StoreTraits = {
  readsUnfinished: false,
  unfinishedRead: { code: 'ERR_INCOMPLETE_UPLOAD' },
  keepsGivenId: (given, id) => id.startsWith(`${given}+`),
}
const s3Like: MemoryStoreOptions = { finishedReadsOnly: true, suffixIds: true }

// The whole suite, both ways: every group of every capability, in full.
storeConformance({ describe, test }, () => new MemoryStore(), { name: 'MemoryStore' })
storeConformance({ describe, test }, () => new MemoryStore(s3Like), {
  name: 'MemoryStore built like s3store',
  traits: S3_LIKE,
})

/** A TestApi that keeps the tests, named `group > test`, to run them by hand. */
function collect(): { api: TestApi; tests: Map<string, () => Promise<void> | void> } {
  const tests = new Map<string, () => Promise<void> | void>()
  const path: string[] = []
  const api: TestApi = {
    describe(name, fn) {
      path.push(name)
      fn()
      path.pop()
    },
    test(name, fn) {
      tests.set([...path.slice(1), name].join(' > '), fn)
    },
  }
  return { api, tests }
}

/** Runs every test of the suite; resolves with the failures' messages by test name. */
async function failures(
  options: MemoryStoreOptions,
  traits?: StoreTraits,
): Promise<Record<string, string>> {
  const { api, tests } = collect()
  storeConformance(api, () => new MemoryStore(options), { traits })
  const failed: Record<string, string> = {}
  for (const [name, fn] of tests) {
    try {
      await fn()
    } catch (err) {
      failed[name] = (err as Error).message
    }
  }
  return failed
}

/** A broken write: the last byte of every chunk is changed, and counted as written. */
const flipLastByte = (bytes: Buffer) => {
  const copy = Buffer.from(bytes)
  if (copy.length > 0) copy[copy.length - 1]! ^= 0xff
  return copy
}

const firstDifference = (message: string | undefined) =>
  /first difference at byte (\d+)/.exec(message ?? '')?.[1]

describe('store traits', () => {
  test('a broken write fails the same tests at the same byte, whatever the traits', async () => {
    const plain = await failures({ tamper: flipLastByte })
    const traited = await failures({ ...s3Like, tamper: flipLastByte }, S3_LIKE)
    // The tests whose point is a read before completion have a title per trait.
    const counterpart: Record<string, string> = {
      'getReader > getReader before completion gives the bytes so far':
        'getReader > getReader before completion rejects with ERR_INCOMPLETE_UPLOAD',
      'serving content > a stream ends at its range, even if bytes arrive after it opened':
        'serving content > a range of an unfinished upload rejects with ERR_INCOMPLETE_UPLOAD',
    }
    expect(Object.keys(plain).length).toBeGreaterThan(20)
    for (const [name, message] of Object.entries(plain)) {
      const other = counterpart[name] ?? name
      expect(firstDifference(message), name).toBeDefined()
      expect(firstDifference(traited[other]), other).toBe(firstDifference(message))
    }
    // Kept bytes are proven a prefix by completing: the difference is at the last one kept.
    expect(
      traited['a source that fails midway > the bytes before the failure are kept and counted'],
    ).toMatch(/^kept bytes, then the rest, once finished: .* first difference at byte 3076$/)
  }, 30_000)

  test('a trait declared wrongly fails the tests that check it', async () => {
    // Reads unfinished uploads and keeps given IDs, but declares otherwise.
    expect(Object.keys(await failures({}, S3_LIKE)).sort()).toEqual([
      'creation > an ID derived from a given one with "/" is found again',
      'creation > newUpload derives its ID from a given one as declared; getUpload finds it',
      'getReader > getReader before completion rejects with ERR_INCOMPLETE_UPLOAD',
      'serving content > a range of an unfinished upload rejects with ERR_INCOMPLETE_UPLOAD',
      'serving content > before completion: contentInfo rejects with ERR_INCOMPLETE_UPLOAD',
      'serving content > no etag while bytes are added; once finished, one etag',
      'termination > terminate a finished upload with a nested id',
    ])
    // Built like s3store, declared as a file store: each failure says what to declare.
    const undeclared = Object.values(await failures(s3Like))
    expect(undeclared.length).toBeGreaterThan(15)
    for (const message of undeclared) {
      expect(message).toMatch(
        /declares (traits\.readsUnfinished: false|the rule as traits\.keepsGivenId)/,
      )
    }
  }, 30_000)

  test('keepsGivenId: false accepts any valid ID and still finds it', async () => {
    expect(await failures(s3Like, { ...S3_LIKE, keepsGivenId: false })).toEqual({})
  }, 30_000)

  test('the titles name what the store declared', () => {
    const { api, tests } = collect()
    storeConformance(api, () => new MemoryStore(s3Like), { traits: { keepsGivenId: false } })
    expect([...tests.keys()].filter((name) => name.startsWith('creation > '))).toEqual([
      'creation > newUpload without an ID picks a valid id, different each time',
      'creation > newUpload may replace a given ID; getUpload finds the ID it answers with',
      'creation > a given ID with "/" may be replaced; the ID answered with is found again',
      'creation > the FileInfo round-trips through getUpload',
      'creation > a zero-length upload is created with Offset 0',
      'creation > getUpload of an unknown id rejects with ERR_UPLOAD_NOT_FOUND',
    ])
  })

  test('unfinishedRead without readsUnfinished: false is refused at once', () => {
    const { api } = collect()
    expect(() =>
      storeConformance(api, () => new MemoryStore(), {
        traits: { unfinishedRead: { code: 'ERR_INCOMPLETE_UPLOAD' } },
      }),
    ).toThrow(/declare readsUnfinished: false/)
  })
})
