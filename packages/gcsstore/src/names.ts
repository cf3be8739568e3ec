/**
 * Object names, exactly as tusd's gcsstore makes them, so that a bucket
 * written by tusd resumes here and the other way round. For an upload whose
 * key is `<prefix>/<id>`:
 *
 * - `<key>.info`            the FileInfo as JSON
 * - `<key>_<n>`             the bytes of the n-th chunk (n = 0, 1, …; one per PATCH)
 * - `<key>`                 the final object, composed from the chunks on finish
 * - `<key>_tmp_<lvl>_<i>`   intermediate objects of a compose of more than 32 sources
 *
 * tusd tells these apart by splitting the last path segment of a name at `_`,
 * so an id must not have `_` in its last segment: upload `a`'s chunk `a_1`
 * would be the final object of an upload `a_1`. Ids that tusd makes (32 hex
 * digits) never do.
 */

/** GCS's longest object name, in UTF-8 bytes. */
export const MAX_OBJECT_NAME_BYTES = 1024

/** The longest suffix the store adds to a key (`_tmp_<lvl>_<i>`, with room to spare). */
const LONGEST_SUFFIX = '_tmp_99_9999999999'

/** A prefix as tusd uses it: empty, or ending with `/` (one is added if missing). */
export function normalizePrefix(prefix: string): string {
  return prefix !== '' && !prefix.endsWith('/') ? `${prefix}/` : prefix
}

/** Why `id` cannot name an upload in this layout, or undefined if it can. */
export function idProblem(prefix: string, id: string): string | undefined {
  const last = id.slice(id.lastIndexOf('/') + 1)
  if (last.includes('_')) {
    return 'the last segment of an upload id must not contain "_" (it separates chunk numbers)'
  }
  if (Buffer.byteLength(prefix + id + LONGEST_SUFFIX) > MAX_OBJECT_NAME_BYTES) {
    return `the upload id is too long for a GCS object name (${MAX_OBJECT_NAME_BYTES} bytes)`
  }
  return undefined
}

/** The objects of one upload. */
export class UploadNames {
  /** The final object, and the base of every other name (tusd's `Storage.Key`). */
  readonly key: string

  constructor(prefix: string, id: string) {
    this.key = normalizePrefix(prefix) + id
  }

  get info(): string {
    return `${this.key}.info`
  }

  /** The prefix of the chunks and the intermediate objects. */
  get chunkPrefix(): string {
    return `${this.key}_`
  }

  chunk(index: number): string {
    return `${this.key}_${index}`
  }

  /** An intermediate object of a compose into `destination` (tusd: `<dst>_tmp_<lvl>_<i>`). */
  static temporary(destination: string, level: number, index: number): string {
    return `${destination}_tmp_${level}_${index}`
  }

  /**
   * What an object listed under `chunkPrefix` is: a chunk with its index, an
   * intermediate object of a compose, or something else (not this upload's).
   */
  classify(name: string): { kind: 'chunk'; index: number } | { kind: 'temporary' | 'other' } {
    if (!name.startsWith(this.chunkPrefix)) return { kind: 'other' }
    const rest = name.slice(this.chunkPrefix.length)
    if (/^[0-9]{1,15}$/.test(rest)) return { kind: 'chunk', index: Number(rest) }
    if (/^tmp_[0-9]+_[0-9]+$/.test(rest)) return { kind: 'temporary' }
    return { kind: 'other' }
  }
}
