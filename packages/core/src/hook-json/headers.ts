/**
 * Header names and values as hooks carry them: tusd hands hooks the client's
 * headers under Go's canonical names, and a hook's HTTPResponse.Header must be
 * sendable by Node, or the response to the client would fail after the hook
 * said yes.
 */

/** RFC 9110 token characters: what a header name may consist of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Node's rule for header values (tab, visible ASCII, space and Latin-1 bytes). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** True if `name` can be a header name: a non-empty RFC 9110 token. */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name)
}

/**
 * True if `value` can be sent as a header value: Node's rule, the one its
 * `setHeader` enforces, which also keeps out CR, LF and NUL (no header injection).
 */
export function isHeaderValue(value: string): boolean {
  return HEADER_VALUE.test(value)
}

/**
 * Go's http.CanonicalHeaderKey (textproto.CanonicalMIMEHeaderKey): the first
 * letter and every letter after a hyphen upper case, the rest lower case
 * (`upload-length` → `Upload-Length`, `x_y-z` → `X_y-Z`); a name that is not
 * a token (a space, a non-ASCII letter) is returned unchanged, as Go does.
 */
export function canonicalHeaderKey(name: string): string {
  if (!isHeaderName(name)) return name
  let out = ''
  let upper = true
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase()
    upper = ch === '-'
  }
  return out
}
