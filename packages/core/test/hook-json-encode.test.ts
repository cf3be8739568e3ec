import { type HookRequest, type HookType, marshalHookRequest, newFileInfo } from '@tus/core'
import { describe, expect, test } from 'vitest'
import { goString } from '../src/hook-json/encode.js'

/** A request as the handler makes it; `upload` overrides FileInfo fields. */
function hookRequest(
  type: HookType = 'post-create',
  upload: Parameters<typeof newFileInfo>[0] = {},
  header: Record<string, string[]> = {},
): HookRequest {
  return {
    Type: type,
    Event: {
      Upload: newFileInfo({ ID: 'abc', Size: 11, ...upload }),
      HTTPRequest: {
        Method: 'PATCH',
        URI: '/files/abc',
        RemoteAddr: '127.0.0.1:40000',
        Header: { Host: ['localhost:1080'], 'Tus-Resumable': ['1.0.0'], ...header },
      },
    },
  }
}

/** The Upload object of the marshalled request. */
function upload(fields: Parameters<typeof newFileInfo>[0]): string {
  const json = marshalHookRequest(hookRequest('post-finish', fields))
  return json.slice(json.indexOf('"Upload":') + 9, json.indexOf(',"HTTPRequest"'))
}

describe('marshalHookRequest: Go json.Marshal of hooks.HookRequest', () => {
  test('fields in Go order, map keys sorted, no whitespace', () => {
    const request: HookRequest = {
      Type: 'post-finish',
      Event: {
        Upload: newFileInfo({
          ID: 'final-1',
          Size: 11,
          SizeIsDeferred: true,
          Offset: 11,
          MetaData: { b: '2', a: '1', Z: '0', '10': 'x', '9': 'y' },
          IsFinal: true,
          PartialUploads: ['p1', 'p2'],
          Storage: { Type: 'filestore', Path: '/d/final-1', InfoPath: '/d/final-1.info' },
        }),
        HTTPRequest: {
          Method: 'PATCH',
          URI: '/files/final-1',
          RemoteAddr: '[::1]:40000',
          Header: { 'Upload-Offset': ['0'], Cookie: ['a=1', 'b=2'], Host: ['h'] },
        },
      },
    }
    expect(marshalHookRequest(request)).toBe(
      '{"Type":"post-finish","Event":{"Upload":{"ID":"final-1","Size":11,"SizeIsDeferred":true,' +
        '"Offset":11,"MetaData":{"10":"x","9":"y","Z":"0","a":"1","b":"2"},"IsPartial":false,' +
        '"IsFinal":true,"PartialUploads":["p1","p2"],"Storage":{"InfoPath":"/d/final-1.info",' +
        '"Path":"/d/final-1","Type":"filestore"}},"HTTPRequest":{"Method":"PATCH",' +
        '"URI":"/files/final-1","RemoteAddr":"[::1]:40000",' +
        '"Header":{"Cookie":["a=1","b=2"],"Host":["h"],"Upload-Offset":["0"]}}}}',
    )
  })

  test('keys sort by UTF-8 bytes, not UTF-16 units', () => {
    // U+FFFD sorts after 😀 in UTF-16 (0xFFFD > 0xD83D) but before it in UTF-8 (EF < F0).
    // Go: {"z":"3","é":"4","\uFFFD":"2","😀":"1"}
    expect(upload({ MetaData: { '😀': '1', '\uFFFD': '2', z: '3', é: '4' } })).toContain(
      '"MetaData":{"z":"3","é":"4","\uFFFD":"2","😀":"1"}',
    )
  })

  test("Go's nil maps and slices are null; empty ones are {} and []", () => {
    const empty = upload({ MetaData: {}, Storage: {}, PartialUploads: [] })
    expect(empty).toContain('"MetaData":{},')
    expect(empty).toContain('"PartialUploads":[],"Storage":{}}')
    for (const nil of [null, undefined]) {
      const json = upload({ MetaData: nil as never, Storage: nil, PartialUploads: nil as never })
      expect(json).toContain('"MetaData":null,')
      expect(json).toContain('"PartialUploads":null,"Storage":null}')
    }
    const request = hookRequest()
    ;(request.Event.HTTPRequest as { Header: unknown }).Header = null
    expect(marshalHookRequest(request)).toContain('"Header":null}')
  })

  test("properties tusd's structs do not have are not sent", () => {
    const request = hookRequest() as HookRequest & { Extra?: number }
    request.Extra = 1
    Object.assign(request.Event.Upload, { Secret: 'x', Expires: 'tomorrow' })
    Object.assign(request.Event, { Context: {} })
    expect(marshalHookRequest(request)).not.toMatch(/Extra|Secret|Expires|Context/)
  })

  test('the result has no whitespace and reads back as the request', () => {
    const request = hookRequest(
      'pre-access',
      { MetaData: { 'name<&>': 'a "b" \\ c\n\u2028', name: 'a.txt' } },
      { Cookie: ['x', 'y'] },
    )
    const json = marshalHookRequest(request)
    // No whitespace between tokens (strings left out).
    expect(json.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/\s/)
    expect(JSON.parse(json)).toEqual(request)
  })

  test('a field Go could not hold is a TypeError naming it, not a zero value', () => {
    const bad = (patch: (request: HookRequest) => void) => {
      const request = hookRequest()
      patch(request)
      return () => marshalHookRequest(request)
    }
    expect(bad((r) => Object.assign(r.Event.Upload, { Size: 1.5 }))).toThrow(
      new TypeError('Event.Upload.Size is not an integer'),
    )
    // A missing Size is not sent as 0: a hook checking a quota would let it pass.
    expect(bad((r) => Object.assign(r.Event.Upload, { Size: undefined }))).toThrow(
      'Event.Upload.Size is not an integer',
    )
    // Go's json.Marshal refuses NaN and infinities (UnsupportedValueError).
    expect(bad((r) => Object.assign(r.Event.Upload, { Offset: Number.NaN }))).toThrow(
      'Event.Upload.Offset is not an integer',
    )
    expect(bad((r) => Object.assign(r.Event.Upload, { Offset: 2 ** 53 }))).toThrow(
      'Event.Upload.Offset is not an integer',
    )
    expect(bad((r) => Object.assign(r.Event.Upload, { IsFinal: 'no' }))).toThrow(
      'Event.Upload.IsFinal is not a boolean',
    )
    expect(bad((r) => Object.assign(r.Event.Upload, { MetaData: { a: 1 } }))).toThrow(
      'Event.Upload.MetaData.a is not a string',
    )
    expect(bad((r) => Object.assign(r.Event.Upload, { PartialUploads: ['a', null] }))).toThrow(
      'Event.Upload.PartialUploads[1] is not a string',
    )
    expect(bad((r) => Object.assign(r.Event.HTTPRequest, { Header: { A: 'x' } }))).toThrow(
      'Event.HTTPRequest.Header.A is not a list',
    )
    expect(bad((r) => Object.assign(r.Event.HTTPRequest, { URI: undefined }))).toThrow(
      'Event.HTTPRequest.URI is not a string',
    )
    expect(bad((r) => Object.assign(r.Event, { Upload: undefined }))).toThrow(
      'Event.Upload is not an object',
    )
    expect(() => marshalHookRequest(null as never)).toThrow('Event is not an object')
  })
})

describe('goString: Go string escaping', () => {
  test('<, >, &, U+2028 and U+2029 are escaped; quotes, backslashes as JSON', () => {
    expect(goString('<a href="x">&</a>\u2028\u2029\\')).toBe(
      String.raw`"\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e\u2028\u2029\\"`,
    )
  })

  test('control characters as Go 1.22+: short escapes for \\b \\f \\n \\r \\t, else \\u00XX; DEL and / as they are', () => {
    // Go 1.26 writes "\b\f\n\r\t\u0000\u0001\u001f" then a raw DEL and "/".
    expect(goString('\b\f\n\r\t\u0000\u0001\u001f\u007f/')).toBe(
      '"\\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\u007f/"',
    )
  })

  test('non-ASCII text is written as UTF-8, not escaped', () => {
    expect(goString('é€😀\uFFFD')).toBe('"é€😀\uFFFD"')
  })

  test('a lone surrogate is U+FFFD written as UTF-8 (EF BF BD), as Go writes the rune it becomes', () => {
    // Go: json.Marshal(string(utf16.Decode([]uint16{'a', 0xD800, 'b'}))) is 22 61 ef bf bd 62 22.
    // (The 6-byte escape \ufffd is what Go writes for a byte that is not UTF-8,
    // which a JavaScript string cannot hold.)
    expect(Buffer.from(goString('a\uD800b'))).toEqual(
      Buffer.from([0x22, 0x61, 0xef, 0xbf, 0xbd, 0x62, 0x22]),
    )
    expect(goString('\uDC00\uD83D\uDE00\uD83D')).toBe('"\uFFFD😀\uFFFD"')
    // A backslash before "ud800" text is just text.
    expect(goString('\\ud800')).toBe(String.raw`"\\ud800"`)
  })

  test('keys are escaped like values, and a lone surrogate in a key sorts as U+FFFD', () => {
    expect(upload({ MetaData: { '<k>': '1', '\uD800': '2', '😀': '3' } })).toContain(
      '"MetaData":{"\\u003ck\\u003e":"1","\uFFFD":"2","😀":"3"}',
    )
  })
})
