import { parseDuration } from './duration.js'
import type { LogFormat } from './flag-types.js'

/**
 * How flag values are read. Each parser throws an Error whose message says
 * what is wrong; flags.ts puts it after the flag's name, as Go's flag package does.
 */

/** Go's strconv.ParseBool. */
export function parseBool(value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  throw new Error('not a boolean (use true or false)')
}

export function parseInteger(value: string, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(value)) throw new Error('not an integer')
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new Error(`out of range (${min} to ${max})`)
  }
  return number
}

/** A Go duration in ms; `positive` rejects 0 where 0 would mean "time out at once". */
export function durationParser(positive: boolean) {
  return (value: string): number => {
    const ms = parseDuration(value)
    if (ms === undefined) throw new Error('not a duration (use e.g. 500ms, 5s, 1m30s)')
    if (ms < 0) throw new Error('must not be negative')
    if (positive && ms === 0) throw new Error('must be greater than 0')
    return ms
  }
}

/** Starts and ends with `/`, as tusd's handler normalises its base path. */
export function parseBasePath(value: string): string {
  if (/[?#\s\\]/.test(value) || value.includes('://')) {
    throw new Error('must be a URL path such as /files/')
  }
  const trimmed = value.replace(/^\/+|\/+$/g, '')
  return trimmed === '' ? '/' : `/${trimmed}/`
}

export function parseLogFormat(value: string): LogFormat {
  if (value === 'text' || value === 'json') return value
  throw new Error('must be text or json')
}

/**
 * -cors-allow-origin, compiled here as the handler will (`^(?:pattern)$`) so
 * that a bad pattern stops the start. Empty is refused: anchored, it would
 * allow no origin, where tusd allows every one.
 */
export function parseOriginPattern(value: string): string {
  if (value === '') throw new Error('must not be empty (use .* to allow every origin)')
  try {
    new RegExp(`^(?:${value})$`)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    // V8 quotes the whole anchored pattern first; only the reason helps.
    throw new Error(
      `not a valid regular expression (${reason.slice(reason.lastIndexOf(': ') + 2)})`,
    )
  }
  return value
}

/** A list for a CORS header: printable ASCII, as a header value must be. */
export function parseHeaderList(value: string): string {
  if (!/^[\t\x20-\x7e]*$/.test(value)) throw new Error('must be printable ASCII')
  return value
}
