import { HELLO, LAST_MODIFIED, stored, withEtag, withoutContentServer } from './get-fixtures.js'
import { type Case, table } from './harness.js'

const GET = { method: 'GET', url: '/files/abc' } as const
const NOT_SATISFIABLE = 'ERR_RANGE_NOT_SATISFIABLE: requested range not satisfiable\n'

/** A GET of the finished upload `hello world` (11 bytes) with `range`. */
function ranged(name: string, range: string, c: Omit<Case, 'name' | 'method' | 'url'>): Case {
  return { name, setup: (f) => stored(f), ...GET, headers: { Range: range }, ...c }
}

/** Range ignored: 200 with every byte and no Content-Range. */
const WHOLE = {
  status: 200,
  responseHeaders: { 'Content-Length': '11', 'Content-Range': null },
  responseBody: HELLO,
} as const

table('GET validators', [
  withEtag({
    name: 'a 200 carries ETag, Last-Modified and Accept-Ranges',
    setup: (f) => stored(f),
    ...GET,
    status: 200,
    responseHeaders: {
      ETag: '{etag}',
      'Last-Modified': LAST_MODIFIED,
      'Accept-Ranges': 'bytes',
      'Content-Length': '11',
      'Content-Range': null,
    },
    responseBody: HELLO,
  }),
  withEtag({
    name: 'a 206 carries them too',
    setup: (f) => stored(f),
    ...GET,
    headers: { Range: 'bytes=0-0' },
    status: 206,
    responseHeaders: {
      ETag: '{etag}',
      'Last-Modified': LAST_MODIFIED,
      'Accept-Ranges': 'bytes',
    },
    responseBody: 'h',
  }),
])

table('GET Range: one range of bytes', [
  ranged('the first bytes', 'bytes=0-4', {
    status: 206,
    responseHeaders: {
      'Content-Range': 'bytes 0-4/11',
      'Content-Length': '5',
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': 'attachment',
      'Tus-Resumable': '1.0.0',
    },
    responseBody: 'hello',
  }),
  ranged('bytes in the middle', 'bytes=2-8', {
    status: 206,
    responseHeaders: { 'Content-Range': 'bytes 2-8/11', 'Content-Length': '7' },
    responseBody: 'llo wor',
  }),
  ranged('from a byte to the end', 'bytes=6-', {
    status: 206,
    responseHeaders: { 'Content-Range': 'bytes 6-10/11', 'Content-Length': '5' },
    responseBody: 'world',
  }),
  ranged('a suffix', 'bytes=-5', {
    status: 206,
    responseHeaders: { 'Content-Range': 'bytes 6-10/11', 'Content-Length': '5' },
    responseBody: 'world',
  }),
  ranged('a suffix longer than the upload is all of it', 'bytes=-100', {
    status: 206,
    responseHeaders: { 'Content-Range': 'bytes 0-10/11', 'Content-Length': '11' },
    responseBody: HELLO,
  }),
  ranged('a last byte past the end is clipped', 'bytes=3-1000', {
    status: 206,
    responseHeaders: { 'Content-Range': 'bytes 3-10/11', 'Content-Length': '8' },
    responseBody: 'lo world',
  }),
  ranged('a huge last byte is clipped', 'bytes=3-99999999999999999999', {
    status: 206,
    responseHeaders: { 'Content-Range': 'bytes 3-10/11' },
    responseBody: 'lo world',
  }),
  ranged('the last byte alone', 'bytes=10-10', {
    status: 206,
    responseHeaders: { 'Content-Range': 'bytes 10-10/11', 'Content-Length': '1' },
    responseBody: 'd',
  }),
  ranged('the unit is case-insensitive', 'Bytes=0-0', {
    status: 206,
    responseHeaders: { 'Content-Range': 'bytes 0-0/11' },
    responseBody: 'h',
  }),
  ranged('empty list elements and spaces around commas are allowed', 'bytes= , 1-2 ,', {
    status: 206,
    responseHeaders: { 'Content-Range': 'bytes 1-2/11' },
    responseBody: 'el',
  }),
  {
    name: 'an unfinished upload: ranges of the bytes so far',
    setup: (f) => stored(f, 'hello', 11),
    ...GET,
    headers: { Range: 'bytes=2-' },
    status: 206,
    responseHeaders: { 'Content-Range': 'bytes 2-4/5', 'Content-Length': '3' },
    responseBody: 'llo',
  },
  {
    name: 'the metadata still decides Content-Type and Content-Disposition',
    setup: (f) => f.upload('abc', { Size: 5, MetaData: { filetype: 'text/plain' } }, 'hello'),
    ...GET,
    headers: { Range: 'bytes=1-1' },
    status: 206,
    responseHeaders: { 'Content-Type': 'text/plain', 'Content-Disposition': 'inline' },
    responseBody: 'e',
  },
])

table('GET Range: unsatisfiable is 416', [
  ranged('a first byte at the end', 'bytes=11-', {
    status: 416,
    responseHeaders: {
      'Content-Range': 'bytes */11',
      'Content-Type': 'text/plain; charset=utf-8',
      'Tus-Resumable': '1.0.0',
    },
    responseBody: NOT_SATISFIABLE,
  }),
  ranged('a first byte past the end', 'bytes=500-600', {
    status: 416,
    responseHeaders: { 'Content-Range': 'bytes */11' },
    responseBody: NOT_SATISFIABLE,
  }),
  ranged('a suffix of zero bytes', 'bytes=-0', {
    status: 416,
    responseHeaders: { 'Content-Range': 'bytes */11' },
    responseBody: NOT_SATISFIABLE,
  }),
  {
    name: 'any range of an empty upload',
    setup: (f) => stored(f, ''),
    ...GET,
    headers: { Range: 'bytes=0-' },
    status: 416,
    responseHeaders: { 'Content-Range': 'bytes */0' },
    responseBody: NOT_SATISFIABLE,
  },
  {
    name: 'even a suffix of an empty upload',
    setup: (f) => stored(f, ''),
    ...GET,
    headers: { Range: 'bytes=-5' },
    status: 416,
    responseHeaders: { 'Content-Range': 'bytes */0' },
  },
  {
    name: 'past the bytes so far of an unfinished upload',
    setup: (f) => stored(f, 'hello', 11),
    ...GET,
    headers: { Range: 'bytes=5-' },
    status: 416,
    responseHeaders: { 'Content-Range': 'bytes */5' },
  },
])

table('GET Range: ignored, 200 with everything', [
  ranged('several ranges', 'bytes=0-1,3-4', WHOLE),
  ranged('several ranges, all past the end', 'bytes=20-30,40-', WHOLE),
  ranged('another unit', 'items=0-1', WHOLE),
  ranged('no unit', '0-1', WHOLE),
  ranged('letters', 'bytes=a-b', WHOLE),
  ranged('a last byte before the first', 'bytes=5-2', WHOLE),
  ranged('a dash alone', 'bytes=-', WHOLE),
  ranged('a negative number', 'bytes=--1', WHOLE),
  ranged('spaces inside the range', 'bytes=0 - 1', WHOLE),
  ranged('spaces around the equals sign', 'bytes =0-1', WHOLE),
  ranged('an empty range set', 'bytes=', WHOLE),
  {
    name: 'by HEAD, which is tus HEAD: no range, no body',
    setup: (f) => stored(f),
    method: 'HEAD',
    url: '/files/abc',
    headers: { 'Tus-Resumable': '1.0.0', Range: 'bytes=0-4' },
    status: 200,
    responseHeaders: { 'Upload-Offset': '11', 'Content-Range': null },
    responseBody: '',
  },
  {
    name: 'by a store without ranges (no ContentServer), as tusd',
    setup: async (f) => {
      await stored(f)
      withoutContentServer(f)
    },
    ...GET,
    headers: { Range: 'bytes=0-4' },
    status: 200,
    responseHeaders: {
      'Content-Length': '11',
      'Content-Range': null,
      'Accept-Ranges': null,
      ETag: null,
      'Last-Modified': null,
    },
    responseBody: HELLO,
  },
])
