import assert from 'node:assert/strict'
import type { ErrorCode } from '../catalogue.js'
import { hasErrorCode } from '../errors.js'
import type { FileInfo } from '../file-info.js'
import type { DataStore, Upload } from '../store.js'
import { isValidUploadId } from '../upload-id.js'
import { assertBytes, concatBytes, patternBytes } from './bytes.js'
import { create, read, rejectsWith, write } from './store-kit.js'
import type { StoreTraits } from './types.js'

/** {@link StoreTraits} with the defaults filled in. */
export interface Traits {
  readsUnfinished: boolean
  /** The code an unfinished read rejects with, when `readsUnfinished` is false. */
  unfinishedRead: ErrorCode
  keepsGivenId: boolean | ((given: string, id: string) => boolean)
}

/**
 * The traits a store's test declared, defaults filled in. A declaration that
 * contradicts itself throws while the tests are registered, not in a test.
 */
export function resolveTraits(traits: StoreTraits = {}): Traits {
  const readsUnfinished = traits.readsUnfinished ?? true
  if (readsUnfinished && traits.unfinishedRead !== undefined) {
    throw new TypeError(
      'storeConformance: unfinishedRead is the answer of a store that does not read ' +
        'unfinished uploads; declare readsUnfinished: false with it',
    )
  }
  return {
    readsUnfinished,
    unfinishedRead: traits.unfinishedRead?.code ?? 'ERR_INCOMPLETE_UPLOAD',
    keepsGivenId: traits.keepsGivenId ?? true,
  }
}

/** Seed of the bytes that complete an upload whose kept bytes cannot be read yet. */
const REST_SEED = 4099

/**
 * Asserts that `upload` holds exactly `kept` so far: its Offset, then its
 * bytes. A store that reads unfinished uploads reads them from `upload`. For
 * one that cannot, deterministic bytes are written after them up to the Size,
 * the upload is finished, and its whole content must be `kept` followed by
 * those bytes, which proves `kept` a prefix just as well. The upload is then
 * finished, so a test checks with this last.
 */
export async function assertKept(
  traits: Traits,
  upload: Upload,
  kept: Uint8Array,
  what: string,
): Promise<void> {
  const info = await upload.getInfo()
  assert.equal(info.Offset, kept.length, `${what}: the Offset is the number of bytes kept`)
  if (traits.readsUnfinished) {
    assertBytes(await readsSoFar(read(upload)), kept, what)
    return
  }
  assert.equal(info.SizeIsDeferred, false, `${what}: completing needs the Size`)
  const rest = patternBytes(info.Size - kept.length, REST_SEED)
  if (rest.length > 0) await write(upload, kept.length, rest)
  await upload.finishUpload()
  assertBytes(await read(upload), concatBytes(kept, rest), `${what}, then the rest, once finished`)
}

/** Asserts the store's answer to a read of an unfinished upload (traits.readsUnfinished false). */
export function rejectsUnfinished(traits: Traits, promise: Promise<unknown>): Promise<void> {
  assert.equal(traits.readsUnfinished, false, 'only a store that does not read unfinished uploads')
  return rejectsWith(
    promise,
    traits.unfinishedRead,
    `a read before finishUpload did not reject with ${traits.unfinishedRead}, ` +
      'as declared by readsUnfinished: false',
  )
}

/**
 * `promise`, a read of an unfinished upload by a store that declared it reads
 * them: a rejection with ERR_INCOMPLETE_UPLOAD fails with what to declare.
 */
export function readsSoFar<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((err: unknown) => {
    if (!hasErrorCode(err, 'ERR_INCOMPLETE_UPLOAD')) throw err
    assert.fail(
      'a read before finishUpload rejected with ERR_INCOMPLETE_UPLOAD: a store that reads ' +
        'only finished uploads declares traits.readsUnfinished: false',
    )
  })
}

/** Asserts that `id`, the ID newUpload answered with, is what the store makes of `given`. */
export function assertGivenId(traits: Traits, given: string, id: string): void {
  assert.ok(isValidUploadId(id), `the upload's id ${JSON.stringify(id)} is not a valid upload id`)
  const rule = traits.keepsGivenId
  if (rule === true) {
    assert.equal(
      id,
      given,
      'the given ID is not the upload ID: a store that derives its IDs from given ones ' +
        'declares the rule as traits.keepsGivenId',
    )
  } else if (rule !== false) {
    assert.ok(
      rule(given, id),
      `the upload's id ${JSON.stringify(id)} is not what the declared keepsGivenId makes of ` +
        JSON.stringify(given),
    )
  }
}

/**
 * Creates an upload with the ID `given` and the other `fields`, asserting
 * that the ID it answers with is what the store makes of `given`.
 */
export async function createGiven(
  traits: Traits,
  store: DataStore,
  given: string,
  fields: Partial<FileInfo> = {},
): Promise<{ upload: Upload; id: string }> {
  const upload = await create(store, { ...fields, ID: given })
  const { ID } = await upload.getInfo()
  assertGivenId(traits, given, ID)
  return { upload, id: ID }
}

/** The test titles about given IDs: what the store declared it does with them. */
export function givenIdTitles(traits: Traits): { plain: string; nested: string } {
  if (traits.keepsGivenId === true) {
    return {
      plain: 'newUpload keeps a given ID and getUpload finds it',
      nested: 'an ID with "/" is kept and found again',
    }
  }
  if (traits.keepsGivenId === false) {
    return {
      plain: 'newUpload may replace a given ID; getUpload finds the ID it answers with',
      nested: 'a given ID with "/" may be replaced; the ID answered with is found again',
    }
  }
  return {
    plain: 'newUpload derives its ID from a given one as declared; getUpload finds it',
    nested: 'an ID derived from a given one with "/" is found again',
  }
}
