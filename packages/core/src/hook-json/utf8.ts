import { isUtf8 } from 'node:buffer'

/**
 * Bytes as Go reads them into a string: valid UTF-8 as it is, and U+FFFD for
 * each byte that does not start a valid sequence (overlong forms, surrogates
 * and code points past U+10FFFF included), as Go's utf8.DecodeRune does.
 * Node's decoder replaces a broken sequence as a whole (`e2 82` is one U+FFFD
 * for Node, two for Go), so it is used on valid runs only.
 */
export function decodeUtf8(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8')
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i)
    if (n === 0) {
      out += '\uFFFD'
      i++
    } else {
      out += bytes.toString('utf8', i, i + n)
      i += n
    }
  }
  return out
}

/** The length of the valid UTF-8 sequence at `i` (RFC 3629, as Go's acceptRanges), or 0. */
function sequenceLength(b: Buffer, i: number): number {
  const c = b[i] as number
  if (c < 0x80) return 1
  let n: number
  let lo = 0x80
  let hi = 0xbf
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3
    if (c === 0xe0) lo = 0xa0
    else if (c === 0xed) hi = 0x9f
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4
    if (c === 0xf0) lo = 0x90
    else if (c === 0xf4) hi = 0x8f
  } else {
    return 0
  }
  if (i + n > b.length) return 0
  const second = b[i + 1] as number
  if (second < lo || second > hi) return 0
  for (let k = 2; k < n; k++) {
    const next = b[i + k] as number
    if (next < 0x80 || next > 0xbf) return 0
  }
  return n
}
