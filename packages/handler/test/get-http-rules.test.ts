import { describe, expect, test } from 'vitest'
import { parseEntityTag, parseEntityTagList } from '../src/etag.js'
import { formatHttpDate, parseHttpDate } from '../src/http-date.js'
import { selectRange } from '../src/range.js'

/** The parsers behind GET's ranges and conditionals, on inputs the tables do not reach. */

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37)

describe('HTTP dates (RFC 9110 §5.6.7)', () => {
  test.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', NOV_6_1994],
    ['rfc850', 'Sunday, 06-Nov-94 08:49:37 GMT', NOV_6_1994],
    ['asctime, one-digit day', 'Sun Nov  6 08:49:37 1994', NOV_6_1994],
    ['asctime, two-digit day', 'Wed Nov 16 08:49:37 1994', Date.UTC(1994, 10, 16, 8, 49, 37)],
    ['surrounding whitespace', '  Sun, 06 Nov 1994 08:49:37 GMT ', NOV_6_1994],
    ['29 February of a leap year', 'Thu, 29 Feb 2024 00:00:00 GMT', Date.UTC(2024, 1, 29)],
    ['a leap second', 'Sat, 31 Dec 2016 23:59:60 GMT', Date.UTC(2017, 0, 1)],
  ])('%s', (_, value, expected) => {
    expect(parseHttpDate(value)).toBe(expected)
  })

  test.each([
    ['ISO 8601', '1994-11-06T08:49:37Z'],
    ['another zone', 'Sun, 06 Nov 1994 08:49:37 +0000'],
    ['lower case', 'sun, 06 nov 1994 08:49:37 gmt'],
    ['a one-digit day in IMF-fixdate', 'Sun, 6 Nov 1994 08:49:37 GMT'],
    ['29 February of another year', 'Tue, 29 Feb 2023 00:00:00 GMT'],
    ['31 April', 'Sun, 31 Apr 1994 08:49:37 GMT'],
    ['day 0', 'Sun, 00 Nov 1994 08:49:37 GMT'],
    ['hour 24', 'Sun, 06 Nov 1994 24:00:00 GMT'],
    ['minute 60', 'Sun, 06 Nov 1994 08:60:00 GMT'],
    ['a number', '784111777'],
    ['empty', ''],
  ])('rejects %s', (_, value) => {
    expect(parseHttpDate(value)).toBeUndefined()
  })

  test('rfc850 years: more than 50 years ahead is the century before', () => {
    const now = Date.UTC(2030, 5, 1)
    expect(parseHttpDate('Sunday, 06-Nov-80 08:49:37 GMT', now)).toBe(
      Date.UTC(2080, 10, 6, 8, 49, 37),
    )
    expect(parseHttpDate('Sunday, 06-Nov-81 08:49:37 GMT', now)).toBe(
      Date.UTC(1981, 10, 6, 8, 49, 37),
    )
    expect(parseHttpDate('Sunday, 06-Nov-29 08:49:37 GMT', now)).toBe(
      Date.UTC(2029, 10, 6, 8, 49, 37),
    )
  })

  test('formatting gives IMF-fixdate, which parses back to the second', () => {
    const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))
    expect(formatHttpDate(date)).toBe('Tue, 02 Jan 2024 03:04:05 GMT')
    expect(parseHttpDate(formatHttpDate(date))).toBe(Date.UTC(2024, 0, 2, 3, 4, 5))
  })
})

describe('Range selection (RFC 9110 §14)', () => {
  test.each([
    ['bytes=0-0', 10, { start: 0, end: 0 }],
    ['bytes=0-', 10, { start: 0, end: 9 }],
    ['bytes=9-', 10, { start: 9, end: 9 }],
    ['bytes=-1', 10, { start: 9, end: 9 }],
    ['bytes=-10', 10, { start: 0, end: 9 }],
    ['bytes=-11', 10, { start: 0, end: 9 }],
    ['bytes=2-99999999999999999999999', 10, { start: 2, end: 9 }],
    ['bytes=007-008', 10, { start: 7, end: 8 }],
    ['BYTES=1-1', 10, { start: 1, end: 1 }],
    ['bytes=1-1,', 10, { start: 1, end: 1 }],
  ])('%s of %i bytes is %o', (header, size, range) => {
    expect(selectRange(header, size)).toEqual({ kind: 'range', range })
  })

  test.each([
    ['bytes=10-', 10],
    ['bytes=10-20', 10],
    ['bytes=99999999999999999999-', 10],
    ['bytes=-0', 10],
    ['bytes=0-', 0],
    ['bytes=-1', 0],
    ['bytes=0-0', 0],
  ])('%s of %i bytes is unsatisfiable', (header, size) => {
    expect(selectRange(header, size)).toEqual({ kind: 'unsatisfiable' })
  })

  test.each([
    [undefined],
    ['bytes=0-1,2-3'],
    ['bytes=0-1, 0-1'],
    ['bytes=20-,30-'],
    ['pages=0-1'],
    ['bytes=1-0'],
    ['bytes=-'],
    ['bytes=1'],
    ['bytes=+1-2'],
    ['bytes=0x1-2'],
    ['bytes=1-2-3'],
    ['bytes 0-1'],
  ])('%s: ignored, everything', (header) => {
    expect(selectRange(header, 10)).toEqual({ kind: 'whole' })
  })
})

describe('Entity tags (RFC 9110 §8.8.3)', () => {
  test('one tag, strong or weak', () => {
    expect(parseEntityTag('"abc"')).toEqual({ weak: false, opaque: '"abc"' })
    expect(parseEntityTag(' W/"abc" ')).toEqual({ weak: true, opaque: '"abc"' })
    expect(parseEntityTag('""')).toEqual({ weak: false, opaque: '""' })
    expect(parseEntityTag('abc')).toBeUndefined()
    expect(parseEntityTag('"a b"')).toBeUndefined()
    expect(parseEntityTag('w/"abc"')).toBeUndefined()
    expect(parseEntityTag('"abc" "def"')).toBeUndefined()
  })

  test('lists: *, tags, empty elements; read up to the first malformed element', () => {
    expect(parseEntityTagList(' * ')).toBe('*')
    expect(parseEntityTagList('"a", W/"b" ,,"c"')).toEqual([
      { weak: false, opaque: '"a"' },
      { weak: true, opaque: '"b"' },
      { weak: false, opaque: '"c"' },
    ])
    expect(parseEntityTagList('"a", b, "c"')).toEqual([{ weak: false, opaque: '"a"' }])
    expect(parseEntityTagList('"a"x, "c"')).toEqual([])
    expect(parseEntityTagList('"a", *')).toEqual([{ weak: false, opaque: '"a"' }])
    expect(parseEntityTagList('')).toEqual([])
  })
})
