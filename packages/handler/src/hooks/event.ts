import { canonicalHeaderKey, type FileInfo, type HookEvent, type HookHTTPRequest } from '@tus/core'
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
    const decoded = values.map(headerText)
    if (list === undefined) Header[key] = decoded
    else list.push(...decoded)
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
 * A header value as text. Node (and fetch's Headers) read header bytes as
 * Latin-1; Go keeps the bytes, and its JSON encoder reads them as UTF-8. So a
 * client's UTF-8 (a file name in a custom header, say) reaches the hook as the
 * same characters it would from tusd. ASCII, nearly every value, is untouched.
 */
function headerText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the point
  if (!/[^\x00-\x7f]/.test(value)) return value
  return Buffer.from(value, 'latin1').toString('utf8')
}
