/**
 * Upload-Metadata as S3 user metadata (`x-amz-meta-*`) on the multipart
 * upload, hence on the final object, as tusd does: every character outside
 * printable ASCII becomes `?` ("Menü" → "Men?"). The `.info` keeps the exact
 * values; these copies are for whoever reads the object later.
 *
 * Beyond tusd: keys that are not HTTP header names are left out (the SDK
 * cannot send them), and so is whatever would take the total past S3's 2 KiB
 * limit for user metadata (AWS refuses the whole upload otherwise).
 */

const NON_PRINTABLE = /[^\x20-\x7e]/gu
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** AWS: the UTF-8 bytes of all keys and values together, at most 2 KiB. */
const METADATA_LIMIT = 2048

/** A value as a header value: printable ASCII, anything else `?`. */
export function printable(value: string): string {
  return value.replace(NON_PRINTABLE, '?')
}

/** The user metadata for CreateMultipartUpload. */
export function objectMetadata(meta: Record<string, string>): Record<string, string> {
  // Prototype-less, so that a key such as `__proto__` stays a plain key.
  const out: Record<string, string> = Object.create(null)
  let total = 0
  for (const [key, value] of Object.entries(meta)) {
    if (!TOKEN.test(key)) continue
    const safe = printable(value)
    total += key.length + safe.length
    if (total > METADATA_LIMIT) break
    out[key] = safe
  }
  return out
}

/** The final object's Content-Type: the `filetype` metadata, when there is one (tusd). */
export function objectContentType(meta: Record<string, string>): string | undefined {
  const type = Object.hasOwn(meta, 'filetype') ? meta.filetype : undefined
  if (type === undefined) return undefined
  const safe = printable(type).trim()
  return safe === '' ? undefined : safe
}
