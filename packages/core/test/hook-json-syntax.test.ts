import { HookResponseError, parseHookResponse } from '@tus/core'
import { describe, expect, test } from 'vitest'
import { fold } from '../src/hook-json/fields.js'
import { JsonSyntaxError } from '../src/hook-json/reader.js'

/** The error parseHookResponse throws for `body`. */
function failure(body: string | Buffer): HookResponseError {
  try {
    parseHookResponse(body)
  } catch (err) {
    expect(err).toBeInstanceOf(HookResponseError)
    return err as HookResponseError
  }
  throw new Error(`parsed: ${String(body)}`)
}

describe('parseHookResponse: strings as Go reads them', () => {
  const body = (raw: Buffer | string) =>
    parseHookResponse(
      Buffer.concat([
        Buffer.from('{"HTTPResponse":{"Body":"'),
        typeof raw === 'string' ? Buffer.from(raw) : raw,
        Buffer.from('"}}'),
      ]),
    ).HTTPResponse?.Body

  test('escapes', () => {
    expect(body(String.raw`\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC`)).toBe('"\\/\b\f\n\r\t\u0041é€')
  })

  test('surrogate pairs join; a lone surrogate is U+FFFD (JSON.parse would keep it)', () => {
    expect(body(String.raw`\ud83d\ude00`)).toBe('😀')
    expect(body(String.raw`\ud83d`)).toBe('\uFFFD')
    expect(body(String.raw`\ud83dx`)).toBe('\uFFFDx')
    expect(body(String.raw`\ude00\ud83d`)).toBe('\uFFFD\uFFFD')
    expect(body(String.raw`\ud83d\u0041`)).toBe('\uFFFDA')
    expect(body(String.raw`\ud83d\ud83d\ude00`)).toBe('\uFFFD😀')
  })

  test('each byte that is not UTF-8 is one U+FFFD, as in Go (Node would merge some)', () => {
    // ff, then e2 82 (a cut three-byte sequence), then b.
    expect(body(Buffer.from([0x61, 0xff, 0xe2, 0x82, 0x62]))).toBe('a\uFFFD\uFFFD\uFFFDb')
    // An overlong NUL, an encoded surrogate, a code point past U+10FFFF.
    expect(body(Buffer.from([0xc0, 0x80]))).toBe('\uFFFD\uFFFD')
    expect(body(Buffer.from([0xed, 0xa0, 0x80]))).toBe('\uFFFD\uFFFD\uFFFD')
    expect(body(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe('\uFFFD\uFFFD\uFFFD\uFFFD')
    // Valid multi-byte text is untouched, as are DEL, U+2028 and a byte order mark.
    expect(body('é€😀\u007f\u2028\uFEFF')).toBe('é€😀\u007f\u2028\uFEFF')
  })
})

describe('parseHookResponse: syntax must be RFC 8259 JSON, with Go’s messages', () => {
  test('each error as Go 1.26 words it, with the byte offset', () => {
    const cases: [string, string][] = [
      ['\n', 'unexpected end of JSON input'],
      ['{', 'unexpected end of JSON input'],
      ['{"a":"unterminated', 'unexpected end of JSON input'],
      ['<html>oops</html>', "invalid character '<' looking for beginning of value"],
      // At the end of the text Go reads a space, and names it where a space is wrong too.
      ['{"RejectUpload":tru', "invalid character ' ' in literal true (expecting 'e')"],
      ['{"a":-', "invalid character ' ' in numeric literal"],
      ['{"a":"\\u12', "invalid character ' ' in \\u hexadecimal character escape"],
      ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
      ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
      ['{"a":01}', "invalid character '1' after object key:value pair"],
      ['{"a":1} x', "invalid character 'x' after top-level value"],
      ['{} {}', "invalid character '{' after top-level value"],
      // Go quotes a byte as the Latin-1 character of its value: 0xEF, a BOM's first byte, is 'ï'.
      ['\uFEFF{}', "invalid character 'ï' looking for beginning of value"],
      ['/* c */{}', "invalid character '/' looking for beginning of value"],
      ['{"a":NaN}', "invalid character 'N' looking for beginning of value"],
      ['{"a":-}', "invalid character '}' in numeric literal"],
      ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
      ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
      ['{"a":+1}', "invalid character '+' looking for beginning of value"],
      ['{"a":[1 2]}', "invalid character '2' after array element"],
      ['{"a":[1,]}', "invalid character ']' looking for beginning of value"],
      ['{"a"}', "invalid character '}' after object key"],
      ['{"a":"\\x"}', "invalid character 'x' in string escape code"],
      ['{"a":"\\u12"}', `invalid character '"' in \\u hexadecimal character escape`],
      ['{"a":"tab\there"}', "invalid character '\\t' in string literal"],
      ['{"a":"\u0001"}', "invalid character '\\x01' in string literal"],
      ['{"a":True}', "invalid character 'T' looking for beginning of value"],
      ['{"a":nul}', "invalid character '}' in literal null (expecting 'l')"],
      ['{"a":\f1}', "invalid character '\\f' looking for beginning of value"],
      ['\u00a0{}', "invalid character 'Â' looking for beginning of value"],
    ]
    for (const [text, message] of cases) {
      const error = failure(text)
      expect(error.message, JSON.stringify(text)).toMatch(/ \(at byte \d+\)$/)
      expect(error.message.replace(/ \(at byte \d+\)$/, ''), JSON.stringify(text)).toBe(
        `is not JSON: ${message}`,
      )
    }
  })

  test('the cause is the syntax error, with its offset', () => {
    const error = failure('{"a":1} x')
    expect(error.cause).toBeInstanceOf(JsonSyntaxError)
    expect((error.cause as JsonSyntaxError).offset).toBe(8)
    expect(error.message).toBe(
      "is not JSON: invalid character 'x' after top-level value (at byte 8)",
    )
  })

  test('syntax is checked in skipped fields too', () => {
    expect(failure('{"Unknown":[01]}').message).toMatch(
      /^is not JSON: invalid character '1' after array element/,
    )
    expect(failure('{"Unknown":{"a" 1}}').message).toMatch(
      /^is not JSON: invalid character '1' after object key/,
    )
  })

  test("nesting: Go's 10 000 levels and no more, without recursion", () => {
    const nested = (levels: number) => `{"X":${'['.repeat(levels)}${']'.repeat(levels)}}`
    expect(parseHookResponse(nested(9_999))).toEqual({})
    expect(failure(nested(10_000)).message).toMatch(
      /^is not JSON: invalid character '\[' exceeded max depth/,
    )
    expect(failure('['.repeat(100_000)).message).toMatch(/exceeded max depth \(at byte 10000\)$/)
  })
})

describe('fold', () => {
  test('folds as Go matches keys to ASCII field names', () => {
    expect(fold('rejectUpload')).toBe('REJECTUPLOAD')
    expect(fold('\u017F\u212A')).toBe('SK')
    // A dotless i is not an i for Go's EqualFold; it is left alone and matches nothing.
    expect(fold('\u0131D')).toBe('\u0131D')
  })
})
