import {
  EARLIER,
  HELLO,
  LAST_MODIFIED,
  LATER,
  stored,
  withEtag,
  withoutContentServer,
} from './get-fixtures.js'
import { type Case, table } from './harness.js'

/**
 * Conditional GETs (RFC 9110 §13.2.2) of the finished upload `hello world`,
 * last modified at 03:04:05.678 (Last-Modified says 03:04:05). Request
 * headers may name the current ETag as `{etag}`.
 */
function conditional(name: string, headers: Record<string, string>, c: Partial<Case>): Case {
  return withEtag({
    name,
    setup: (f) => stored(f),
    method: 'GET',
    url: '/files/abc',
    headers,
    status: 200,
    ...c,
  })
}

const OK = { status: 200, responseBody: HELLO } as const
const FAILED = {
  status: 412,
  responseHeaders: { 'Content-Type': 'text/plain; charset=utf-8', 'Tus-Resumable': '1.0.0' },
  responseBody: 'ERR_PRECONDITION_FAILED: precondition failed\n',
} as const
/** 304: no body, no content headers, the validators kept. */
const NOT_MODIFIED = {
  status: 304,
  responseHeaders: {
    ETag: '{etag}',
    'Last-Modified': LAST_MODIFIED,
    'Tus-Resumable': '1.0.0',
    'Content-Type': null,
    'Content-Length': null,
    'Content-Disposition': null,
    'Content-Range': null,
  },
  responseBody: '',
} as const
const RANGE_HONOURED = {
  status: 206,
  responseHeaders: { 'Content-Range': 'bytes 0-4/11' },
  responseBody: 'hello',
} as const
const RANGE_IGNORED = {
  status: 200,
  responseHeaders: { 'Content-Range': null, 'Content-Length': '11' },
  responseBody: HELLO,
} as const

table('GET If-Match (strong comparison)', [
  conditional('the current ETag holds', { 'If-Match': '{etag}' }, OK),
  conditional('* holds', { 'If-Match': '*' }, OK),
  conditional('a list with the current ETag holds', { 'If-Match': '"x", {etag}' }, OK),
  conditional('another ETag fails: 412', { 'If-Match': '"x"' }, FAILED),
  conditional('the current ETag marked weak fails', { 'If-Match': 'W/{etag}' }, FAILED),
  conditional('garbage fails', { 'If-Match': 'not-an-etag' }, FAILED),
  conditional('a match after garbage does not count', { 'If-Match': 'x, {etag}' }, FAILED),
  conditional('an empty value is no condition', { 'If-Match': '' }, OK),
])

table('GET If-Unmodified-Since (only without If-Match)', [
  conditional(
    'a date before the last change fails: 412',
    { 'If-Unmodified-Since': EARLIER },
    FAILED,
  ),
  conditional(
    'the Last-Modified date holds (same second, milliseconds ignored)',
    { 'If-Unmodified-Since': LAST_MODIFIED },
    OK,
  ),
  conditional('a later date holds', { 'If-Unmodified-Since': LATER }, OK),
  conditional('an invalid date is ignored', { 'If-Unmodified-Since': 'yesterday' }, OK),
  conditional(
    'ignored when If-Match is present',
    { 'If-Match': '{etag}', 'If-Unmodified-Since': EARLIER },
    OK,
  ),
  conditional(
    'the obsolete rfc850 form is read',
    { 'If-Unmodified-Since': 'Tuesday, 02-Jan-24 03:04:04 GMT' },
    FAILED,
  ),
  conditional(
    'the obsolete asctime form is read',
    { 'If-Unmodified-Since': 'Tue Jan  2 03:04:04 2024' },
    FAILED,
  ),
])

table('GET If-None-Match (weak comparison)', [
  conditional('the current ETag: 304', { 'If-None-Match': '{etag}' }, NOT_MODIFIED),
  conditional('the current ETag marked weak: 304', { 'If-None-Match': 'W/{etag}' }, NOT_MODIFIED),
  conditional(
    'a list with the current ETag: 304',
    { 'If-None-Match': '"a", W/"b", {etag}' },
    NOT_MODIFIED,
  ),
  conditional('*: 304', { 'If-None-Match': '*' }, NOT_MODIFIED),
  conditional('another ETag: 200', { 'If-None-Match': '"x"' }, OK),
  conditional('garbage: 200', { 'If-None-Match': 'garbage' }, OK),
  conditional(
    '304 comes before any range',
    { 'If-None-Match': '{etag}', Range: 'bytes=0-4' },
    NOT_MODIFIED,
  ),
  conditional(
    'If-Match is evaluated first: 412 wins over 304',
    { 'If-Match': '"x"', 'If-None-Match': '{etag}' },
    FAILED,
  ),
  conditional(
    'an empty upload: 304 too',
    { 'If-None-Match': '{etag}' },
    { ...NOT_MODIFIED, setup: (f) => stored(f, '') },
  ),
])

table('GET If-Modified-Since (only without If-None-Match)', [
  conditional('the Last-Modified date: 304', { 'If-Modified-Since': LAST_MODIFIED }, NOT_MODIFIED),
  conditional('a later date: 304', { 'If-Modified-Since': LATER }, NOT_MODIFIED),
  conditional('an earlier date: 200', { 'If-Modified-Since': EARLIER }, OK),
  conditional('an invalid date is ignored', { 'If-Modified-Since': '2024-01-02T03:04:05Z' }, OK),
  conditional(
    'an impossible date is ignored',
    { 'If-Modified-Since': 'Tue, 31 Feb 2024 03:04:05 GMT' },
    OK,
  ),
  conditional('a date in lower case is invalid', { 'If-Modified-Since': LATER.toLowerCase() }, OK),
  conditional(
    'ignored when If-None-Match is present',
    { 'If-None-Match': '"x"', 'If-Modified-Since': LATER },
    OK,
  ),
])

table('GET If-Range', [
  conditional(
    'the current ETag: the range applies',
    { 'If-Range': '{etag}', Range: 'bytes=0-4' },
    RANGE_HONOURED,
  ),
  conditional(
    'Last-Modified: the range applies',
    { 'If-Range': LAST_MODIFIED, Range: 'bytes=0-4' },
    RANGE_HONOURED,
  ),
  conditional('a stale ETag: everything', { 'If-Range': '"x"', Range: 'bytes=0-4' }, RANGE_IGNORED),
  conditional(
    'a weak ETag never matches',
    { 'If-Range': 'W/{etag}', Range: 'bytes=0-4' },
    RANGE_IGNORED,
  ),
  conditional('another date: everything', { 'If-Range': LATER, Range: 'bytes=0-4' }, RANGE_IGNORED),
  conditional('garbage: everything', { 'If-Range': 'garbage', Range: 'bytes=0-4' }, RANGE_IGNORED),
  conditional(
    'a stale validator spares a 416',
    { 'If-Range': '"x"', Range: 'bytes=100-' },
    RANGE_IGNORED,
  ),
  conditional('without Range it does nothing', { 'If-Range': '"x"' }, RANGE_IGNORED),
])

table('GET conditionals on a store without ContentServer', [
  {
    name: 'are ignored, as tusd',
    setup: async (f) => {
      await stored(f)
      withoutContentServer(f)
    },
    method: 'GET',
    url: '/files/abc',
    headers: { 'If-None-Match': '*', 'If-Match': '"x"' },
    status: 200,
    responseHeaders: { ETag: null, 'Last-Modified': null },
    responseBody: HELLO,
  },
])
