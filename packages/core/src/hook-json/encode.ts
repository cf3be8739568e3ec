import type { HookRequest } from '../hooks.js'

/**
 * The hook request as tusd sends it (the HTTP body, a hook file's stdin): Go's
 * `json.Marshal` of hooks.HookRequest (Go 1.22 or later), byte for byte, so
 * that a hook that hashes, signs or snapshots it sees what tusd would send.
 *
 * - Fields in Go's struct order, and only the fields tusd sends: Type, then
 *   Event.Upload (ID, Size, SizeIsDeferred, Offset, MetaData, IsPartial,
 *   IsFinal, PartialUploads, Storage), then Event.HTTPRequest (Method, URI,
 *   RemoteAddr, Header). Properties beyond these are not sent. No whitespace,
 *   no trailing newline.
 * - Map keys (MetaData, Storage, Header) sorted by their UTF-8 bytes, as Go
 *   sorts them; a map or list that is null or undefined (Go's nil) is `null`.
 * - Strings escaped as Go escapes them (see goString).
 *
 * Throws a TypeError naming the first field Go's struct could not hold: a
 * scalar that is missing or of another type, a Size or Offset that is not a
 * safe integer (Go's json.Marshal refuses NaN and infinities too). Writing a
 * zero value instead would tell a hook, for example, that an upload is empty.
 */
export function marshalHookRequest(request: HookRequest): string {
  const event = object(request?.Event, 'Event')
  const upload = object(event.Upload, 'Event.Upload')
  const http = object(event.HTTPRequest, 'Event.HTTPRequest')
  const u = 'Event.Upload'
  const h = 'Event.HTTPRequest'
  return (
    `{"Type":${string(request.Type, 'Type')},"Event":{"Upload":{` +
    `"ID":${string(upload.ID, `${u}.ID`)},` +
    `"Size":${int(upload.Size, `${u}.Size`)},` +
    `"SizeIsDeferred":${bool(upload.SizeIsDeferred, `${u}.SizeIsDeferred`)},` +
    `"Offset":${int(upload.Offset, `${u}.Offset`)},` +
    `"MetaData":${map(upload.MetaData, `${u}.MetaData`, string)},` +
    `"IsPartial":${bool(upload.IsPartial, `${u}.IsPartial`)},` +
    `"IsFinal":${bool(upload.IsFinal, `${u}.IsFinal`)},` +
    `"PartialUploads":${list(upload.PartialUploads, `${u}.PartialUploads`)},` +
    `"Storage":${map(upload.Storage, `${u}.Storage`, string)}},` +
    `"HTTPRequest":{` +
    `"Method":${string(http.Method, `${h}.Method`)},` +
    `"URI":${string(http.URI, `${h}.URI`)},` +
    `"RemoteAddr":${string(http.RemoteAddr, `${h}.RemoteAddr`)},` +
    `"Header":${map(http.Header, `${h}.Header`, list)}}}}`
  )
}

/**
 * `s` as Go's encoder writes a string. JSON.stringify already agrees with Go
 * (1.22+) on `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, lower-case `\u00XX` for
 * the other control characters, and DEL and `/` as they are; Go also escapes
 * `<`, `>`, `&`, U+2028 and U+2029 (as `\u003c` and so on). Those five are
 * never part of an escape sequence JSON.stringify wrote, so replacing them
 * afterwards is safe.
 *
 * A lone surrogate becomes U+FFFD, written as the character (UTF-8 EF BF BD),
 * not as the `\ufffd` escape: that is what Go writes for the string Go makes
 * of one (utf16.Decode, `string(rune(0xD800))` and json.Unmarshal of
 * `"\ud800"` all give a valid U+FFFD), and what Node sends when it encodes
 * such a string as UTF-8. Go's `\ufffd` escape is for bytes that are not
 * UTF-8, which a JavaScript string cannot hold.
 */
export function goString(s: string): string {
  return JSON.stringify(wellFormed(s)).replace(HTML_UNSAFE, (c) => GO_ESCAPES[c] as string)
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const HTML_UNSAFE = /[<>&\u2028\u2029]/g
const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

/** `s` with each lone surrogate replaced by U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD')
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${field} is not an object`)
  }
  return value as Record<string, unknown>
}

function string(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new TypeError(`${field} is not a string`)
  return goString(value)
}

function bool(value: unknown, field: string): string {
  if (typeof value !== 'boolean') throw new TypeError(`${field} is not a boolean`)
  return value ? 'true' : 'false'
}

/** Go's int64, as strconv writes it; a number JavaScript cannot hold exactly is refused. */
function int(value: unknown, field: string): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${field} is not an integer`)
  return String(value)
}

/** A []string; null or undefined is Go's nil slice. */
function list(value: unknown, field: string): string {
  if (value === null || value === undefined) return 'null'
  if (!Array.isArray(value)) throw new TypeError(`${field} is not a list`)
  return `[${value.map((item, i) => string(item, `${field}[${i}]`)).join(',')}]`
}

/** A map with string keys, sorted as Go sorts them; null or undefined is Go's nil map. */
function map(
  value: unknown,
  field: string,
  encode: (item: unknown, field: string) => string,
): string {
  if (value === null || value === undefined) return 'null'
  const entries = object(value, field)
  const keys = Object.keys(entries).map((key): [string, string] => [wellFormed(key), key])
  keys.sort(([a], [b]) => compareUtf8(a, b))
  const members = keys.map(
    ([written, key]) => `${goString(written)}:${encode(entries[key], `${field}.${key}`)}`,
  )
  return `{${members.join(',')}}`
}

/**
 * Go's order of map keys: by their UTF-8 bytes, which is code point order.
 * UTF-16 units agree with it, except that a surrogate (part of a code point
 * above U+FFFF) must sort after the units U+E000..U+FFFF; so, at the first
 * difference, surrogates are moved up. Both strings must be well-formed.
 */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return rank(x) - rank(y)
  }
  return a.length - b.length
}

function rank(unit: number): number {
  if (unit < 0xd800) return unit
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800
}
