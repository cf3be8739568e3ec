import type { FileMetadata } from '@google-cloud/storage'

/**
 * What the final object says about the upload, set when it is finished: the
 * Upload-Metadata as the object's custom metadata (as tusd's gcsstore does),
 * and, beyond tusd, a `filetype` that is a plain MIME type as its
 * Content-Type, so that the object is served with it.
 *
 * The `.info` stays the record of the metadata; the object's copy is for
 * whoever reads the bucket. The key `__proto__` is left out of it: the SDK
 * copies metadata with plain assignments, which would not keep it a key.
 */

/** `type/subtype`, optionally with parameters; no control characters. */
const MIME_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*(\s*;[\x20-\x7e]*)?$/

export function finalMetadata(meta: Record<string, string>): FileMetadata {
  const custom: Record<string, string> = {}
  for (const [key, value] of Object.entries(meta)) {
    if (key !== '__proto__') custom[key] = value
  }
  const filetype = meta.filetype
  return typeof filetype === 'string' && MIME_TYPE.test(filetype)
    ? { contentType: filetype, metadata: custom }
    : { metadata: custom }
}
