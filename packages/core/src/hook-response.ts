import type { HookHTTPResponse, HookResponse } from './hooks.js'

/**
 * Reading a HookResponse from a provider (parsed JSON, or what a function
 * returned), as tusd's Go decoding does: unknown fields are ignored, null and
 * absent are zero values, types are strict. A provider calls it on the JSON it
 * parsed; the handler on what in-process functions return.
 */

const FIELDS = new Set([
  'HTTPResponse',
  'RejectUpload',
  'RejectTermination',
  'RejectAccess',
  'ChangeFileInfo',
  'StopUpload',
])

/**
 * `value` as a HookResponse; `undefined` (a function returning nothing) is
 * `{}`. Throws an Error naming the first field of the wrong type. A status of
 * 0 is "not set", as in Go; header names and values must be valid in HTTP.
 */
export function toHookResponse(value: unknown): HookResponse {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object')
  const input = value as Record<string, unknown>
  const out: HookResponse = {}
  for (const key of Object.keys(input)) {
    if (!FIELDS.has(key) || input[key] === null || input[key] === undefined) continue
    const field = input[key]
    switch (key) {
      case 'HTTPResponse':
        out.HTTPResponse = checkHttp(field)
        break
      case 'ChangeFileInfo':
        out.ChangeFileInfo = checkChanges(field)
        break
      default:
        if (typeof field !== 'boolean') throw new Error(`${key} is not a boolean`)
        ;(out as Record<string, boolean>)[key] = field
    }
  }
  return out
}

function checkHttp(value: unknown): HookHTTPResponse {
  const o = object(value, 'HTTPResponse')
  const out: HookHTTPResponse = {}
  if (o.StatusCode !== undefined && o.StatusCode !== null) {
    const status = o.StatusCode
    if (
      !Number.isInteger(status) ||
      (status !== 0 && ((status as number) < 100 || (status as number) > 599))
    ) {
      throw new Error('HTTPResponse.StatusCode is not an HTTP status')
    }
    if (status !== 0) out.StatusCode = status as number
  }
  if (o.Body !== undefined && o.Body !== null) {
    if (typeof o.Body !== 'string') throw new Error('HTTPResponse.Body is not a string')
    out.Body = o.Body
  }
  const header = stringMap(o.Header, 'HTTPResponse.Header')
  if (header !== null) {
    for (const [name, v] of Object.entries(header)) {
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name) || /[\r\n\0]/.test(v)) {
        throw new Error(`HTTPResponse.Header ${JSON.stringify(name)} is not a valid header`)
      }
    }
    out.Header = header
  }
  return out
}

function checkChanges(value: unknown): NonNullable<HookResponse['ChangeFileInfo']> {
  const o = object(value, 'ChangeFileInfo')
  const out: NonNullable<HookResponse['ChangeFileInfo']> = {}
  if (o.ID !== undefined && o.ID !== null) {
    if (typeof o.ID !== 'string') throw new Error('ChangeFileInfo.ID is not a string')
    out.ID = o.ID
  }
  const meta = stringMap(o.MetaData, 'ChangeFileInfo.MetaData')
  if (meta !== null) out.MetaData = meta
  const storage = stringMap(o.Storage, 'ChangeFileInfo.Storage')
  if (storage !== null) out.Storage = storage
  return out
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${name} is not an object`)
  }
  return value as Record<string, unknown>
}

/** A map of strings, prototype-less (a `__proto__` key stays a key); null when absent. */
function stringMap(value: unknown, name: string): Record<string, string> | null {
  if (value === undefined || value === null) return null
  const o = object(value, name)
  const out: Record<string, string> = Object.create(null)
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== 'string') throw new Error(`${name}.${k} is not a string`)
    out[k] = v
  }
  return out
}
