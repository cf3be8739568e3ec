/**
 * Object keys and upload ids, exactly as tusd's s3store makes them, so that a
 * bucket written by tusd resumes here and the other way round.
 */

/** A prefix as tusd uses it: empty, or ending with `/` (one is added if missing). */
function normalizePrefix(prefix: string): string {
  return prefix !== '' && !prefix.endsWith('/') ? `${prefix}/` : prefix
}

export class Keys {
  readonly #objectPrefix: string
  readonly #metadataPrefix: string

  /**
   * @param objectPrefix before the key of each final object (tusd's ObjectPrefix)
   * @param metadataPrefix before the `.info` and `.part` keys (tusd's
   *   MetadataObjectPrefix); the object prefix when empty
   */
  constructor(objectPrefix = '', metadataPrefix = '') {
    this.#objectPrefix = normalizePrefix(objectPrefix)
    this.#metadataPrefix = normalizePrefix(metadataPrefix || objectPrefix)
  }

  /** The multipart upload, and the final object once it is completed. */
  object(objectId: string): string {
    return this.#objectPrefix + objectId
  }

  /** The FileInfo as JSON. */
  info(objectId: string): string {
    return `${this.#metadataPrefix}${objectId}.info`
  }

  /** The incomplete part: bytes that are not yet enough for a part of their own. */
  part(objectId: string): string {
    return `${this.#metadataPrefix}${objectId}.part`
  }
}

export interface UploadIds {
  /** The object's name below the prefix; the id a pre-create hook chose, or a random one. */
  objectId: string
  /** S3's id of the multipart upload. */
  multipartId: string
}

/**
 * Splits a tus upload id `<objectId>+<multipartId>` at its last `+`, as tusd
 * does (an object id may hold `+`; S3's multipart ids do not). Undefined if
 * either half is empty.
 */
export function splitUploadId(id: string): UploadIds | undefined {
  const at = id.lastIndexOf('+')
  if (at <= 0 || at === id.length - 1) return undefined
  return { objectId: id.slice(0, at), multipartId: id.slice(at + 1) }
}

/** The tus upload id of a multipart upload. */
export function joinUploadId(objectId: string, multipartId: string): string {
  return `${objectId}+${multipartId}`
}

/** S3 copy sources are `bucket/key`, URL-encoded except for the slashes. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`
}
