import type { Bucket } from '@google-cloud/storage'
import { tusError } from '@tus/core'
import { combinedCrc32c } from './crc32c.js'
import { gcsCall } from './errors.js'
import { UploadNames } from './names.js'
import { deleteObjects, forEachLimited, type StoredObject, storedObject } from './objects.js'

/**
 * Compose, as tusd's gcsstore does it: GCS joins at most 32 objects per
 * call, so more sources are joined in groups of 32 into intermediate objects
 * `<destination>_tmp_<level>_<i>`, level by level, until one call makes the
 * destination. Every call is checked: the new object's CRC32C must be the
 * one worked out from its sources' CRC32Cs and sizes, and its size their sum.
 * A mismatch is tried again (tusd: 3 attempts), then the destination is
 * deleted and the compose fails. Sources are pinned to the generation that
 * was listed, so a source replaced in the meantime fails the call instead of
 * slipping in other bytes. Intermediate objects are deleted at the end,
 * whatever happened.
 */

/** GCS's limit of sources per compose call. */
export const MAX_COMPOSE_SOURCES = 32

/** Compose calls of one level in flight at once. */
const PARALLEL_COMPOSES = 4

export interface ComposeOptions {
  /** Attempts of a call whose result fails the CRC32C check (default 3, as tusd). */
  attempts?: number
}

/**
 * Joins `sources`, in order, into `destination`, and returns the new object.
 * `sources` must not be empty.
 */
export async function composeObjects(
  bucket: Bucket,
  sources: readonly StoredObject[],
  destination: string,
  options: ComposeOptions = {},
): Promise<StoredObject> {
  if (sources.length === 0) throw new Error('[gcsstore] compose needs at least one source')
  const attempts = options.attempts ?? 3
  const temporaries: string[] = []
  try {
    let level = 0
    let current = sources
    while (current.length > MAX_COMPOSE_SOURCES) {
      const groups = split(current, MAX_COMPOSE_SOURCES)
      const next: StoredObject[] = new Array(groups.length)
      await forEachLimited(groups, PARALLEL_COMPOSES, async (group, i) => {
        const name = UploadNames.temporary(destination, level, i)
        temporaries.push(name)
        next[i] = await composeOnce(bucket, group, name, attempts)
      })
      current = next
      level++
    }
    return await composeOnce(bucket, current, destination, attempts)
  } finally {
    // Best effort: they are named after the destination, so a later compose
    // overwrites them and termination removes them.
    if (temporaries.length > 0) await deleteObjects(bucket, temporaries).catch(() => {})
  }
}

/** One compose call of at most 32 sources, checked. */
async function composeOnce(
  bucket: Bucket,
  sources: readonly StoredObject[],
  destination: string,
  attempts: number,
): Promise<StoredObject> {
  const expected = expectedChecksum(sources)
  const files = sources.map((source) =>
    bucket.file(
      source.name,
      source.generation === undefined ? {} : { generation: source.generation },
    ),
  )
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const [, response] = await gcsCall('compose', () => bucket.combine(files, destination))
    const made = storedObject(destination, response as Parameters<typeof storedObject>[1])
    if (made.crc32c === expected.crc32c && made.size === expected.size) return made
  }
  await deleteObjects(bucket, [destination]).catch(() => {})
  throw tusError('ERR_INTERNAL_SERVER_ERROR', {
    message: `gcs: CRC32C mismatch in compose (${attempts} attempts)`,
  })
}

/** The CRC32C and size the composed object must have. */
function expectedChecksum(sources: readonly StoredObject[]): { crc32c: number; size: number } {
  const checksummed = sources.map((source) => {
    if (source.crc32c === undefined) {
      throw tusError('ERR_INTERNAL_SERVER_ERROR', {
        message: 'gcs: a compose source has no CRC32C to check the result against',
      })
    }
    return { crc32c: source.crc32c, size: source.size }
  })
  return {
    crc32c: combinedCrc32c(checksummed),
    size: checksummed.reduce((sum, source) => sum + source.size, 0),
  }
}

function split<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = []
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size))
  return groups
}
