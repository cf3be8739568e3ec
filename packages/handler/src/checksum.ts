import { createHash, type Hash } from 'node:crypto'
import {
  type FileInfo,
  type StagedChunk,
  type StagerDataStore,
  toTusError,
  tusError,
  type Upload,
} from '@tus/core'
import type { BodyReader } from './body-reader.js'
import type { Config } from './config.js'

/**
 * The checksum extension: `Upload-Checksum: <algorithm> <base64 digest>` on a
 * PATCH or a creation-with-upload. The digest is computed while the body
 * streams to the store, which stages it; only a complete body with the right
 * digest is committed. A mismatch is 460, and nothing of that request joins
 * the upload.
 */

/** Digest sizes of the algorithms offered, in bytes; sha1 is the one the spec requires. */
const DIGEST_BYTES = { md5: 16, sha1: 20, sha256: 32, sha512: 64 } as const

export type ChecksumAlgorithm = keyof typeof DIGEST_BYTES

/** Tus-Checksum-Algorithm, as sent on OPTIONS. */
export const CHECKSUM_ALGORITHMS = Object.keys(DIGEST_BYTES).join(',')

export interface Checksum {
  algorithm: ChecksumAlgorithm
  expected: Buffer
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * Parses Upload-Checksum: one algorithm name (any case), one space, the digest
 * in padded standard base64 of exactly the algorithm's size. An algorithm not
 * offered is 400 ERR_UNSUPPORTED_CHECKSUM_ALGORITHM; anything else malformed is
 * 400 ERR_INVALID_CHECKSUM.
 */
export function parseChecksum(value: string): Checksum {
  const space = value.indexOf(' ')
  if (space <= 0) throw tusError('ERR_INVALID_CHECKSUM')
  const name = value.slice(0, space).toLowerCase()
  const digest = value.slice(space + 1)
  if (!Object.hasOwn(DIGEST_BYTES, name)) throw tusError('ERR_UNSUPPORTED_CHECKSUM_ALGORITHM')
  const algorithm = name as ChecksumAlgorithm
  if (!BASE64.test(digest)) throw tusError('ERR_INVALID_CHECKSUM')
  const expected = Buffer.from(digest, 'base64')
  if (expected.length !== DIGEST_BYTES[algorithm]) throw tusError('ERR_INVALID_CHECKSUM')
  return { algorithm, expected }
}

/** Throws 460 unless `bytes` (all of a body) have the expected digest. */
export function verifyBytes(checksum: Checksum, bytes: Uint8Array): void {
  const digest = createHash(checksum.algorithm).update(bytes).digest()
  if (!digest.equals(checksum.expected)) throw tusError('ERR_CHECKSUM_MISMATCH')
}

async function* hashing(src: AsyncIterable<Uint8Array>, hash: Hash): AsyncGenerator<Uint8Array> {
  for await (const chunk of src) {
    hash.update(chunk)
    yield chunk
  }
}

/**
 * Stages the body, then commits it if the body arrived whole with the right
 * digest, and discards it otherwise (a body cut short cannot be verified, so
 * its bytes are not kept either: the client sends the chunk again). Updates
 * `info.Offset`; throws the reason when nothing was committed.
 */
export async function writeVerified(
  config: Config,
  store: StagerDataStore,
  upload: Upload,
  info: FileInfo,
  body: BodyReader,
  checksum: Checksum,
): Promise<void> {
  const offset = info.Offset
  const hash = createHash(checksum.algorithm)
  const staged = await store.asStagingUpload(upload).stageChunk(offset, hashing(body, hash))
  if (!body.complete) {
    await discard(config, info, staged)
    throw body.error ?? tusError('ERR_UNEXPECTED_EOF')
  }
  if (!hash.digest().equals(checksum.expected)) {
    await discard(config, info, staged)
    config.logger.warn('ChecksumMismatch', { id: info.ID, algorithm: checksum.algorithm })
    throw tusError('ERR_CHECKSUM_MISMATCH')
  }
  try {
    await staged.commit()
  } catch (err) {
    // A commit that failed midway may have added a prefix: report what is there.
    info.Offset = await upload.getInfo().then(
      (now) => now.Offset,
      () => offset,
    )
    throw toTusError(err)
  }
  info.Offset = offset + staged.size
}

/** A failed discard leaves only a stray stage behind (the next one replaces it): logged, not fatal. */
async function discard(config: Config, info: FileInfo, staged: StagedChunk): Promise<void> {
  await staged.discard().catch((err: unknown) => {
    config.logger.error('StageDiscardError', { id: info.ID, error: String(err) })
  })
}
