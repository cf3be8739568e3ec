import {
  type EntityTag,
  parseEntityTag,
  parseEntityTagList,
  strongMatch,
  weakMatch,
} from './etag.js'
import { httpSeconds, parseHttpDate } from './http-date.js'

/** The current validators of the representation, as the store gives them. */
export interface Validators {
  etag?: EntityTag
  lastModified?: Date
}

/** A request header by lower-case name, as TusRequest.header. */
type Header = (name: string) => string | undefined

/**
 * The outcome of a GET's preconditions, steps 1 to 4 of RFC 9110 §13.2.2:
 * - `failed`: If-Match, or else If-Unmodified-Since, is false: 412;
 * - `not-modified`: If-None-Match, or else If-Modified-Since, says the
 *   client's copy is current: 304;
 * - `proceed`: answer the GET (step 5, If-Range, is {@link ifRangeHolds}).
 */
export type Precondition = 'proceed' | 'failed' | 'not-modified'

/**
 * Evaluates the preconditions in the order RFC 9110 §13.2.2 prescribes. A
 * header that is empty, or a date that does not parse, counts as absent; a
 * date header is also ignored when the store knows no modification time.
 * Dates compare at one-second resolution, the resolution of HTTP dates.
 */
export function evaluatePreconditions(header: Header, current: Validators): Precondition {
  const ifMatch = present(header('if-match'))
  if (ifMatch !== undefined) {
    if (!ifMatchHolds(ifMatch, current.etag)) return 'failed'
  } else {
    const since = dateHeader(header('if-unmodified-since'), current.lastModified)
    if (since !== undefined && since.modified > since.date) return 'failed'
  }
  const ifNoneMatch = present(header('if-none-match'))
  if (ifNoneMatch !== undefined) {
    if (!ifNoneMatchHolds(ifNoneMatch, current.etag)) return 'not-modified'
  } else {
    const since = dateHeader(header('if-modified-since'), current.lastModified)
    if (since !== undefined && since.modified <= since.date) return 'not-modified'
  }
  return 'proceed'
}

/**
 * If-Range (RFC 9110 §13.1.5): true when the client's validator is still
 * current, so that its Range applies; false means: ignore Range, send all.
 * An entity-tag must match strongly (a weak one never does); a date must equal
 * Last-Modified. Unlike the other date headers, a value that parses as
 * neither is false, not absent: sending everything is the safe answer.
 */
export function ifRangeHolds(value: string, current: Validators): boolean {
  const text = value.trim()
  if (text.startsWith('"') || text.startsWith('W/')) {
    const tag = parseEntityTag(text)
    return tag !== undefined && current.etag !== undefined && strongMatch(tag, current.etag)
  }
  const date = parseHttpDate(text)
  if (date === undefined || current.lastModified === undefined) return false
  return httpSeconds(current.lastModified.getTime()) === httpSeconds(date)
}

/** If-Match: `*` holds for any existing representation; tags must match strongly. */
function ifMatchHolds(value: string, etag: EntityTag | undefined): boolean {
  const tags = parseEntityTagList(value)
  if (tags === '*') return true
  return etag !== undefined && tags.some((tag) => strongMatch(tag, etag))
}

/** If-None-Match: false when `*` or any tag matches weakly (the client has it). */
function ifNoneMatchHolds(value: string, etag: EntityTag | undefined): boolean {
  const tags = parseEntityTagList(value)
  if (tags === '*') return false
  return etag === undefined || !tags.some((tag) => weakMatch(tag, etag))
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

/** A date header and the modification time, in whole seconds; undefined if either is missing. */
function dateHeader(
  value: string | undefined,
  lastModified: Date | undefined,
): { date: number; modified: number } | undefined {
  if (lastModified === undefined) return undefined
  const date = parseHttpDate(value)
  if (date === undefined) return undefined
  return { date: httpSeconds(date), modified: httpSeconds(lastModified.getTime()) }
}
