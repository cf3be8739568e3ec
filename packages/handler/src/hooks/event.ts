import type { FileInfo, HookEvent, HookHTTPRequest } from '@tus/core'
import type { TusRequest } from '../exchange.js'

/**
 * The client's request as tusd hands it to hooks: the method (after
 * X-HTTP-Method-Override), the raw URI, the peer address and every header
 * under Go's canonical name (`upload-length` → `Upload-Length`), Host included.
 */
export function hookHttpRequest(req: TusRequest, method: string): HookHTTPRequest {
  const Header: Record<string, string[]> = {}
  for (const [name, values] of Object.entries(req.headers())) {
    const key = canonicalHeaderKey(name)
    const list = Header[key]
    if (list === undefined) Header[key] = [...values]
    else list.push(...values)
  }
  if (Header.Host === undefined) {
    const host = req.header('host')
    if (host !== undefined) Header.Host = [host]
  }
  return { Method: method, URI: req.url, RemoteAddr: req.remoteAddr, Header }
}

/** A hook event for `info`; the FileInfo is copied, so later changes do not leak into it. */
export function hookEvent(http: HookHTTPRequest, info: FileInfo): HookEvent {
  return {
    Upload: {
      ...info,
      MetaData: { ...info.MetaData },
      PartialUploads: info.PartialUploads === null ? null : [...info.PartialUploads],
      Storage: info.Storage === null ? null : { ...info.Storage },
    },
    HTTPRequest: http,
  }
}

/**
 * Go's textproto.CanonicalMIMEHeaderKey: the first letter and every letter
 * after a hyphen upper case, the rest lower case; a name with a character
 * that is not a token character is left as it is.
 */
export function canonicalHeaderKey(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name
  let out = ''
  let upper = true
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase()
    upper = ch === '-'
  }
  return out
}
