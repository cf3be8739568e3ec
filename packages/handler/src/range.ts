import type { ByteRange } from '@tus/core'

/**
 * What a GET's `Range` header asks of a representation of `size` bytes
 * (RFC 9110 §14.1.1, §14.2):
 * - `whole`: no range, or one this server ignores; answer 200 with everything;
 * - `range`: one satisfiable range, clipped to the size; answer 206;
 * - `unsatisfiable`: answer 416, with a Content-Range that gives the size.
 */
export type RangeSelection =
  | { kind: 'whole' }
  | { kind: 'range'; range: ByteRange }
  | { kind: 'unsatisfiable' }

const WHOLE: RangeSelection = { kind: 'whole' }
const UNSATISFIABLE: RangeSelection = { kind: 'unsatisfiable' }

/** `unit=range-set`; range units are tokens and case-insensitive. */
const RANGES_SPECIFIER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(.*)$/s
/** int-range (`a-b`, `a-`) or suffix-range (`-n`); no whitespace inside. */
const RANGE_SPEC = /^(\d*)-(\d*)$/

/**
 * Selects the bytes a `Range` header asks for. Only a single range of unit
 * `bytes` is served. Several ranges (a multipart/byteranges answer), another
 * unit, or a header that does not parse are ignored, which RFC 9110 §14.2
 * allows ("a server MAY ignore the Range header field"): the whole
 * representation with 200 is always a correct answer, and the simplest safe one.
 *
 * Unsatisfiable: a first byte at or past the end, a suffix of zero bytes, or
 * any valid range of an empty representation (no 206 can describe zero bytes).
 * Positions beyond 2^53 are compared approximately, which only matters for
 * sizes no store holds.
 */
export function selectRange(header: string | undefined, size: number): RangeSelection {
  if (header === undefined) return WHOLE
  const specifier = RANGES_SPECIFIER.exec(header.trim())
  if (specifier === null || specifier[1]!.toLowerCase() !== 'bytes') return WHOLE
  // A list (RFC 9110 §5.6.1): empty elements and whitespace around commas are allowed.
  const specs = specifier[2]!
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '')
  if (specs.length !== 1) return WHOLE
  const m = RANGE_SPEC.exec(specs[0]!)
  if (m === null) return WHOLE
  const [, first = '', last = ''] = m
  if (first === '') {
    if (last === '') return WHOLE
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return UNSATISFIABLE
    return { kind: 'range', range: { start: Math.max(0, size - suffix), end: size - 1 } }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return WHOLE // an invalid int-range
  if (start >= size) return UNSATISFIABLE
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  return { kind: 'range', range: { start, end } }
}
