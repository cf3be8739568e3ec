import { isValidUploadId } from '@tus/core'
import type { Config } from './config.js'
import type { TusRequest } from './exchange.js'

/** Where a request points: the collection itself, one upload, or outside the handler. */
export type Target = { kind: 'collection' } | { kind: 'upload'; id: string } | { kind: 'outside' }

/**
 * Resolves the request path against the base path. The id is the rest of the
 * path, percent-decoded, without leading or trailing `/` (tusd allows `/` inside
 * ids). An id that could not be a safe upload id is still an upload target, with
 * an empty id, so that it answers 404 like any unknown upload.
 */
export function resolveTarget(rawUrl: string, basePath: string): Target {
  const q = rawUrl.indexOf('?')
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q)
  if (!path.startsWith(basePath)) {
    return path === basePath.slice(0, -1) ? { kind: 'collection' } : { kind: 'outside' }
  }
  const rest = trimSlashes(path.slice(basePath.length))
  if (rest === '') return { kind: 'collection' }
  let id: string
  try {
    id = decodeURIComponent(rest)
  } catch {
    return { kind: 'upload', id: '' }
  }
  return { kind: 'upload', id: isValidUploadId(id) ? id : '' }
}

function trimSlashes(value: string): string {
  let start = 0
  let end = value.length
  while (start < end && value.charCodeAt(start) === 47) start++
  while (end > start && value.charCodeAt(end - 1) === 47) end--
  return value.slice(start, end)
}

/**
 * The absolute URL of an upload, as tusd builds Location: the configured origin
 * if the base path was absolute, else the request's scheme and Host; behind a
 * proxy, X-Forwarded-Host/-Proto and then RFC 7239 Forwarded override them and
 * default ports are dropped.
 */
export function uploadUrl(config: Config, req: TusRequest, id: string): string {
  const path = config.basePath + id
  if (config.baseOrigin !== undefined) return config.baseOrigin + path
  let proto = req.secure ? 'https' : 'http'
  let host = req.header('host') ?? 'localhost'
  if (config.respectForwardedHeaders) {
    const xHost = req.header('x-forwarded-host')
    if (xHost) host = xHost.split(',')[0]!.trim()
    const xProto = req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
    if (xProto === 'http' || xProto === 'https') proto = xProto
    const forwarded = req.header('forwarded')
    if (forwarded) {
      const parsed = parseForwarded(forwarded)
      if (parsed.host) host = parsed.host
      if (parsed.proto) proto = parsed.proto
    }
    if (proto === 'http' && host.endsWith(':80')) host = host.slice(0, -3)
    if (proto === 'https' && host.endsWith(':443')) host = host.slice(0, -4)
  }
  return `${proto}://${host}${path}`
}

/** host and proto of the first element of a Forwarded header (RFC 7239). */
export function parseForwarded(value: string): { host?: string; proto?: 'http' | 'https' } {
  const first = value.split(',')[0] ?? ''
  const out: { host?: string; proto?: 'http' | 'https' } = {}
  for (const pair of first.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1) continue
    const key = pair.slice(0, eq).trim().toLowerCase()
    let val = pair.slice(eq + 1).trim()
    if (val.startsWith('"') && val.endsWith('"') && val.length >= 2) val = val.slice(1, -1)
    if (key === 'host' && val !== '') out.host = val
    if (key === 'proto') {
      const proto = val.toLowerCase()
      if (proto === 'http' || proto === 'https') out.proto = proto
    }
  }
  return out
}
