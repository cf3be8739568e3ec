import type { FileInfoChanges, HookHTTPResponse, HookResponse } from '../hooks.js'
import { type Decoded, type DecodedStruct, decodeHookResponse } from './decode.js'
import { HookResponseError } from './errors.js'
import { isHeaderName, isHeaderValue } from './headers.js'
import { JsonReader, JsonSyntaxError } from './reader.js'
import { ValueSource } from './source.js'

/**
 * A hook's answer read as tusd reads it: Go's `json.Unmarshal` of the bytes
 * into hooks.HookResponse (see decodeHookResponse for the rules). Zero bytes,
 * or whitespace alone, are not JSON, as for Go; a provider for which no
 * output means "go on" (tusd's file hooks) checks that first. A string is
 * read as its UTF-8 bytes.
 *
 * Throws a HookResponseError: `is not JSON: <Go's syntax error> (at byte N)`
 * or `is invalid: ...` (a type Go refuses, or a response the handler could not
 * send, see toHookResponse).
 */
export function parseHookResponse(body: string | Uint8Array): HookResponse {
  const bytes =
    typeof body === 'string'
      ? Buffer.from(body, 'utf8')
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const reader = new JsonReader(bytes)
  let decoded: Decoded
  try {
    decoded = decodeHookResponse(reader)
    reader.end()
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err
    throw new HookResponseError(`is not JSON: ${err.message}`, { cause: err })
  }
  return finish(decoded)
}

/**
 * A HookResponse from a JavaScript value (what an in-process hook function
 * returned, or any provider's answer), by the same rules as parseHookResponse,
 * the value read as JSON.stringify would write it (a member set to
 * `undefined` is absent). `undefined` and `null` are `{}`. The result shares
 * nothing with `value`.
 *
 * Beyond Go, and for parseHookResponse too, what the handler could not send
 * fails now, so that a bad answer fails the hook (502) rather than the
 * response to the client later: HTTPResponse.StatusCode must be 0 (unset) or
 * 200..599, and HTTPResponse.Header names must be tokens and values sendable
 * by Node (no CR, LF, NUL or other control characters).
 *
 * The result holds what is set only: zero values, which tusd's MergeWith and
 * callbacks treat as "not set", are left out (StatusCode 0, Body "", an empty
 * Header, false, ChangeFileInfo.ID "", and an HTTPResponse or ChangeFileInfo
 * left empty by that). A MetaData or Storage of `{}` stays, as it means
 * "clear" where null means "keep". Maps are prototype-less objects.
 *
 * Throws a HookResponseError (`is invalid: ...`).
 */
export function toHookResponse(value: unknown): HookResponse {
  if (value === undefined || value === null) return {}
  return finish(decodeHookResponse(new ValueSource(value)))
}

const FLAGS = ['RejectUpload', 'RejectTermination', 'RejectAccess', 'StopUpload'] as const

/** The decoded struct as a HookResponse, checked; throws the decoder's first type error. */
function finish({ fields, error }: Decoded): HookResponse {
  if (error !== undefined) throw error
  const response: HookResponse = {}
  const http = httpResponse(fields.HTTPResponse as DecodedStruct | undefined)
  if (http !== undefined) response.HTTPResponse = http
  for (const flag of FLAGS) {
    if (fields[flag] === true) response[flag] = true
  }
  const changes = fileInfoChanges(fields.ChangeFileInfo as DecodedStruct | undefined)
  if (changes !== undefined) response.ChangeFileInfo = changes
  return response
}

const STATUS = 'HookResponse.HTTPResponse.StatusCode'
const HEADER = 'HookResponse.HTTPResponse.Header'

function httpResponse(fields: DecodedStruct | undefined): HookHTTPResponse | undefined {
  if (fields === undefined) return undefined
  const http: HookHTTPResponse = {}
  // A number, or a bigint past 2^53 (out of range either way).
  const status = (fields.StatusCode as number | bigint | undefined) ?? 0
  if (status !== 0) {
    if (typeof status !== 'number' || status < 200 || status > 599) {
      throw new HookResponseError(
        `is invalid: ${STATUS} must be 0 (unset) or 200..599, got ${status}`,
      )
    }
    http.StatusCode = status
  }
  const body = (fields.Body as string | undefined) ?? ''
  if (body !== '') http.Body = body
  const header = fields.Header as Record<string, string> | undefined
  if (header !== undefined && Object.keys(header).length > 0) {
    for (const [name, value] of Object.entries(header)) {
      const where = `${HEADER}[${JSON.stringify(name)}]`
      if (!isHeaderName(name))
        throw new HookResponseError(`is invalid: ${where} is not a header name`)
      if (!isHeaderValue(value)) {
        throw new HookResponseError(
          `is invalid: ${where} has a character a header value cannot hold`,
        )
      }
    }
    http.Header = header
  }
  return Object.keys(http).length === 0 ? undefined : http
}

function fileInfoChanges(fields: DecodedStruct | undefined): FileInfoChanges | undefined {
  if (fields === undefined) return undefined
  const changes: FileInfoChanges = {}
  const id = (fields.ID as string | undefined) ?? ''
  if (id !== '') changes.ID = id
  for (const key of ['MetaData', 'Storage'] as const) {
    const map = fields[key] as Record<string, string> | undefined
    if (map !== undefined) changes[key] = map
  }
  return Object.keys(changes).length === 0 ? undefined : changes
}
