/**
 * CORS as tusd's Middleware does it (pkg/handler/unrouted_handler.go), with
 * two deliberate differences: the origin pattern must match the whole Origin
 * value (tusd's match is unanchored, so `https://app\.example` would also let
 * in `https://app.example.evil.com`), and `Vary: Origin` is on every response
 * while CORS is enabled, so that no cache hands one origin's answer to another.
 */

/** tusd's DefaultCorsConfig.AllowMethods. */
export const DEFAULT_CORS_ALLOW_METHODS = 'POST, HEAD, PATCH, OPTIONS, GET, DELETE'

/**
 * tusd's DefaultCorsConfig.AllowHeaders, plus the checksum extension's
 * Upload-Checksum and what ranged and conditional downloads send.
 */
export const DEFAULT_CORS_ALLOW_HEADERS =
  'Authorization, Origin, X-Requested-With, X-Request-ID, X-HTTP-Method-Override, Content-Type, ' +
  'Upload-Length, Upload-Offset, Tus-Resumable, Upload-Metadata, Upload-Defer-Length, ' +
  'Upload-Concat, Upload-Incomplete, Upload-Complete, Upload-Draft-Interop-Version, ' +
  'Upload-Checksum, Range, If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since, If-Range'

/**
 * tusd's DefaultCorsConfig.ExposeHeaders, plus Upload-Expires,
 * Tus-Checksum-Algorithm and what downloads answer with.
 */
export const DEFAULT_CORS_EXPOSE_HEADERS =
  'Upload-Offset, Location, Upload-Length, Tus-Version, Tus-Resumable, Tus-Max-Size, ' +
  'Tus-Extension, Upload-Metadata, Upload-Defer-Length, Upload-Concat, Upload-Incomplete, ' +
  'Upload-Complete, Upload-Draft-Interop-Version, Upload-Expires, Tus-Checksum-Algorithm, ' +
  'Content-Disposition, Content-Range, Accept-Ranges, ETag'

/** tusd's DefaultCorsConfig.MaxAge, in seconds. */
export const DEFAULT_CORS_MAX_AGE = 86_400

/**
 * How the handler answers browsers on other origins. A field given replaces
 * its default (as tusd's CorsConfig does); to add to a list, append to the
 * exported default, e.g. `${DEFAULT_CORS_ALLOW_HEADERS}, X-Api-Key`.
 */
export interface CorsOptions {
  /** No CORS headers and no origin check at all. */
  disable?: boolean
  /**
   * The origins allowed (default: every one). Matched against the whole Origin
   * value: a string is compiled as `^(?:pattern)$`, a RegExp is anchored the
   * same way (its flags kept, except g, y and m). Another origin gets 403
   * ERR_ORIGIN_NOT_ALLOWED.
   */
  allowOrigin?: RegExp | string
  /** Sends `Access-Control-Allow-Credentials: true` (default false). */
  allowCredentials?: boolean
  /** Access-Control-Allow-Methods of preflight answers. */
  allowMethods?: string
  /** Access-Control-Allow-Headers of preflight answers. */
  allowHeaders?: string
  /** Access-Control-Expose-Headers of every answer but preflight ones. */
  exposeHeaders?: string
  /** Access-Control-Max-Age of preflight answers, in seconds. */
  maxAge?: number
}

/** CorsOptions checked and with defaults applied; the handler has none when CORS is disabled. */
export interface Cors {
  allowOrigin: RegExp
  allowCredentials: boolean
  allowMethods: string
  allowHeaders: string
  exposeHeaders: string
  maxAge: string
}

/** Printable ASCII and tabs: a header value both transports send unchanged, with no line breaks. */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/

/** Checks the options once, at construction; undefined when CORS is disabled. */
export function resolveCors(options: CorsOptions | undefined): Cors | undefined {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('createTusHandler: `cors` must be an object')
  }
  if (options?.disable) return undefined
  const maxAge = options?.maxAge ?? DEFAULT_CORS_MAX_AGE
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new TypeError('createTusHandler: `cors.maxAge` must be a non-negative integer of seconds')
  }
  return {
    allowOrigin: anchoredOrigin(options?.allowOrigin ?? '.*'),
    allowCredentials: options?.allowCredentials ?? false,
    allowMethods: headerValue(options?.allowMethods, DEFAULT_CORS_ALLOW_METHODS, 'allowMethods'),
    allowHeaders: headerValue(options?.allowHeaders, DEFAULT_CORS_ALLOW_HEADERS, 'allowHeaders'),
    exposeHeaders: headerValue(
      options?.exposeHeaders,
      DEFAULT_CORS_EXPOSE_HEADERS,
      'exposeHeaders',
    ),
    maxAge: String(maxAge),
  }
}

/**
 * `pattern` as a RegExp that must match a whole Origin value. Stateless (no g
 * or y, so `test` keeps no lastIndex) and without m, so `^`/`$` are the ends.
 * An empty pattern is refused: anchored it would allow no origin, while in
 * tusd it allows every one.
 */
function anchoredOrigin(pattern: RegExp | string): RegExp {
  const isRegExp = pattern instanceof RegExp
  if (!isRegExp && typeof pattern !== 'string') {
    throw new TypeError('createTusHandler: `cors.allowOrigin` must be a RegExp or a string')
  }
  const source = isRegExp ? pattern.source : pattern
  if (source === '' || source === '(?:)') {
    throw new TypeError(
      'createTusHandler: `cors.allowOrigin` must not be empty (use `.*` to allow every origin)',
    )
  }
  const flags = isRegExp ? pattern.flags.replace(/[gym]/g, '') : ''
  try {
    return new RegExp(`^(?:${source})$`, flags)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new TypeError(`createTusHandler: \`cors.allowOrigin\` is not a valid pattern: ${reason}`)
  }
}

function headerValue(value: string | undefined, fallback: string, name: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
    throw new TypeError(
      `createTusHandler: \`cors.${name}\` must be a header value (printable ASCII)`,
    )
  }
  return value
}

/**
 * Adds the CORS headers to an answer. `origin` is the request's Origin when
 * it is allowed, undefined when there is none or it was refused: then only
 * `Vary: Origin` is added. A preflight (OPTIONS) gets the allow lists and
 * max age, any other method the expose list. Response headers are keyed in
 * canonical case, so an existing Vary is `headers.Vary`.
 */
export function addCorsHeaders(
  cors: Cors,
  headers: Record<string, string>,
  origin: string | undefined,
  method: string,
): void {
  const vary = headers.Vary
  if (vary === undefined) headers.Vary = 'Origin'
  else if (vary !== '*' && !/(?:^|,)\s*origin\s*(?:,|$)/i.test(vary)) {
    headers.Vary = `${vary}, Origin`
  }
  if (origin === undefined) return
  headers['Access-Control-Allow-Origin'] = origin
  if (cors.allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true'
  if (method === 'OPTIONS') {
    headers['Access-Control-Allow-Methods'] = cors.allowMethods
    headers['Access-Control-Allow-Headers'] = cors.allowHeaders
    headers['Access-Control-Max-Age'] = cors.maxAge
  } else {
    headers['Access-Control-Expose-Headers'] = cors.exposeHeaders
  }
}
