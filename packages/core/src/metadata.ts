import { memoById } from './memo.js'

/**
 * The Upload-Metadata header: comma-separated `key base64value` pairs.
 * Parsed as leniently as tusd: malformed pairs are dropped, not rejected.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * Parses Upload-Metadata as tusd does: split on `,`, trim, split on one space;
 * more than two parts, an empty key or a value that is not padded standard
 * base64 drops the pair; a key alone has the value `''`; the last duplicate wins.
 * Values are decoded as UTF-8. The result has no prototype, so keys such as
 * `__proto__` are plain keys.
 */
export function parseMetadata(header: string | undefined | null): Record<string, string> {
  const meta: Record<string, string> = Object.create(null)
  if (!header) return meta
  for (const element of header.split(',')) {
    const parts = element.trim().split(' ')
    if (parts.length > 2) continue
    const key = parts[0] ?? ''
    if (key === '') continue
    const encoded = parts[1] ?? ''
    if (!BASE64.test(encoded)) continue
    meta[key] = Buffer.from(encoded, 'base64').toString('utf8')
  }
  return meta
}

/** Values at most this long have their base64 remembered (see encoded). */
const REMEMBERED_VALUE_LENGTH = 256

/**
 * A value in base64, remembered for short values: every HEAD of an upload
 * sends its metadata again, and a map lookup costs less than a Buffer and
 * its encoding. The memory is bounded by memoById.
 */
const rememberedBase64 = memoById((value) => Buffer.from(value, 'utf8').toString('base64'), 1000)

function encoded(value: string): string {
  return value.length <= REMEMBERED_VALUE_LENGTH
    ? (rememberedBase64(value) ?? '')
    : Buffer.from(value, 'utf8').toString('base64')
}

/** Serialises metadata as tusd does: `key base64` pairs joined by `,`; an empty value gives `key `. */
export function serializeMetadata(meta: Record<string, string>): string {
  let header = ''
  for (const key of Object.keys(meta)) {
    if (header !== '') header += ','
    header += `${key} ${encoded(meta[key]!)}`
  }
  return header
}
