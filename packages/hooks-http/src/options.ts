import { canonicalHeaderKey, isHeaderName } from '@tus/core'

/** Options of the HTTP hook provider; each one is a tusd flag. */
export interface HttpHooksOptions {
  /** `-hooks-http`: the http:// or https:// URL every hook is POSTed to. */
  endpoint: string
  /**
   * `-hooks-http-forward-headers`: client request headers copied onto the
   * hook request, under the spelling given here. Empty names are ignored, as
   * are headers that frame the hook request itself (Host, Content-Type,
   * Content-Length, Transfer-Encoding, Connection and the other hop-by-hop ones).
   */
  forwardHeaders?: string[]
  /**
   * `-hooks-http-retry`: how many requests at most, counted as tusd (pester)
   * counts them: 3 means one request and up to two more. 0 sends one request.
   */
  retry?: number
  /** `-hooks-http-backoff`: milliseconds to wait between two requests (constant). */
  backoff?: number
  /** `-hooks-http-timeout`: milliseconds for the whole invocation, all requests and waits included. */
  timeout?: number
  /** `-hooks-http-size-limit`: the largest response body accepted, in bytes. */
  sizeLimit?: number
}

/** tusd's defaults for the options. */
export const HTTP_HOOKS_DEFAULTS = {
  retry: 3,
  backoff: 1_000,
  timeout: 15_000,
  sizeLimit: 5 * 1024,
} as const

/** The options, checked and with defaults applied. */
export interface ResolvedOptions {
  endpoint: URL
  /** The endpoint for messages: no credentials, no query. */
  display: string
  /** [spelling to send, canonical name to look up in Event.HTTPRequest.Header]. */
  forwardHeaders: [string, string][]
  attempts: number
  backoff: number
  timeout: number
  sizeLimit: number
}

/** Headers of the hook request's own framing; forwarding them would corrupt it. */
const NOT_FORWARDED = new Set([
  'Host',
  'Content-Type',
  'Content-Length',
  'Transfer-Encoding',
  'Connection',
  'Keep-Alive',
  'Proxy-Connection',
  'Upgrade',
  'Te',
  'Trailer',
  'Expect',
])

/** setTimeout's ceiling; longer delays would fire at once. */
const MAX_DELAY = 2_147_483_647

/** Checks `options` and applies tusd's defaults; throws a TypeError naming the bad option. */
export function resolveOptions(options: HttpHooksOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('HttpHookHandler: options must be an object')
  }
  const endpoint = parseEndpoint(options.endpoint)
  const retry = options.retry ?? HTTP_HOOKS_DEFAULTS.retry
  if (!Number.isSafeInteger(retry) || retry < 0) {
    throw new TypeError(`HttpHookHandler: retry must be an integer >= 0, got ${String(retry)}`)
  }
  return {
    endpoint,
    display: `${endpoint.origin}${endpoint.pathname}`,
    forwardHeaders: parseForwardHeaders(options.forwardHeaders),
    // pester: MaxRetries <= 0 still sends one request.
    attempts: Math.max(1, retry),
    backoff: duration('backoff', options.backoff ?? HTTP_HOOKS_DEFAULTS.backoff, 0),
    timeout: duration('timeout', options.timeout ?? HTTP_HOOKS_DEFAULTS.timeout, 1),
    sizeLimit: sizeLimit(options.sizeLimit ?? HTTP_HOOKS_DEFAULTS.sizeLimit),
  }
}

function parseEndpoint(value: unknown): URL {
  if (typeof value !== 'string') {
    throw new TypeError(`HttpHookHandler: endpoint must be a string, got ${typeof value}`)
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(`HttpHookHandler: endpoint must be an absolute URL, got ${value}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`HttpHookHandler: endpoint must be an http:// or https:// URL`)
  }
  return url
}

function parseForwardHeaders(value: unknown): [string, string][] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string')) {
    throw new TypeError('HttpHookHandler: forwardHeaders must be an array of header names')
  }
  const out = new Map<string, [string, string]>()
  for (const raw of value as string[]) {
    // tusd splits the flag on commas without trimming; trimming makes "A, B" work.
    const name = raw.trim()
    if (name === '') continue
    if (!isHeaderName(name)) {
      throw new TypeError(`HttpHookHandler: forwardHeaders has an invalid header name: ${raw}`)
    }
    const canonical = canonicalHeaderKey(name)
    if (!NOT_FORWARDED.has(canonical) && !out.has(canonical)) out.set(canonical, [name, canonical])
  }
  return [...out.values()]
}

function duration(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_DELAY) {
    throw new TypeError(
      `HttpHookHandler: ${name} must be a number of milliseconds from ${min} to ${MAX_DELAY}, got ${String(value)}`,
    )
  }
  return value
}

function sizeLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`HttpHookHandler: sizeLimit must be an integer >= 1, got ${String(value)}`)
  }
  return value
}
