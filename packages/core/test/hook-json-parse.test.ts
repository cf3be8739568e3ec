import { HookResponseError, parseHookResponse } from '@tus/core'
import { describe, expect, test } from 'vitest'

const parse = parseHookResponse

/** The message parseHookResponse throws for `body`, checking that it is a HookResponseError. */
function failure(body: string | Uint8Array): string {
  try {
    parse(body)
  } catch (err) {
    expect(err).toBeInstanceOf(HookResponseError)
    return (err as Error).message
  }
  throw new Error(`parsed: ${String(body)}`)
}

describe('parseHookResponse: what Go accepts', () => {
  test('{} and null are "go on", with whitespace around', () => {
    expect(parse('{}')).toEqual({})
    expect(parse('null')).toEqual({})
    expect(parse(' \t\r\n{ } \n')).toEqual({})
  })

  test('every field of a HookResponse, from a string or from bytes', () => {
    const answer = {
      HTTPResponse: { StatusCode: 400, Body: 'no', Header: { 'Content-Type': 'text/plain' } },
      RejectUpload: true,
      RejectTermination: true,
      RejectAccess: true,
      ChangeFileInfo: { ID: 'new/id', MetaData: { a: '1' }, Storage: { Path: 'p' } },
      StopUpload: true,
    }
    const text = JSON.stringify(answer)
    expect(parse(text)).toEqual(answer)
    expect(parse(new TextEncoder().encode(text))).toEqual(answer)
    expect(parse(Buffer.from(`  ${text}  `).subarray(2, -2))).toEqual(answer)
  })

  test('keys match field names whatever their case, as in Go', () => {
    expect(
      parse(
        '{"rejectupload":true,"httpResponse":{"STATUSCODE":418,"body":"x","header":{"A":"b"}},"changeFileInfo":{"id":"x"}}',
      ),
    ).toEqual({
      RejectUpload: true,
      HTTPResponse: { StatusCode: 418, Body: 'x', Header: { A: 'b' } },
      ChangeFileInfo: { ID: 'x' },
    })
    // Go's EqualFold: the long s is an s, escaped or not.
    expect(parse('{"\u017FtopUpload":true}')).toEqual({ StopUpload: true })
    expect(parse(String.raw`{"\u017ftopupload":true}`)).toEqual({ StopUpload: true })
    // Map keys are data, not field names: kept as they are.
    expect(parse('{"ChangeFileInfo":{"metadata":{"Key":"v","key":"w"}}}')).toEqual({
      ChangeFileInfo: { MetaData: { Key: 'v', key: 'w' } },
    })
  })

  test('unknown fields are skipped however nested, the old "Headers" spelling too', () => {
    expect(
      parse(
        '{"Foo":{"a":[1,-2.5e+3,{"b":null}],"c":"d"},"StopUpload":true,"Bar":[[],{}],"HTTPResponse":{"Headers":{"X":"y"},"StatusCode":400}}',
      ),
    ).toEqual({ StopUpload: true, HTTPResponse: { StatusCode: 400 } })
  })

  test('null keeps scalars and structs; for a map it means no map; inside a map it is ""', () => {
    expect(
      parse(
        '{"RejectUpload":true,"rejectUpload":null,"HTTPResponse":null,"ChangeFileInfo":{"ID":null,"MetaData":null,"Storage":{"k":null}}}',
      ),
    ).toEqual({ RejectUpload: true, ChangeFileInfo: { Storage: { k: '' } } })
    expect(parse('{"ChangeFileInfo":{"MetaData":{"a":"1"},"MetaData":null}}')).toEqual({})
    expect(parse('{"HTTPResponse":{"Header":{"X":null}}}')).toEqual({
      HTTPResponse: { Header: { X: '' } },
    })
  })

  test('a key given twice: the last scalar wins, structs and maps merge', () => {
    expect(
      parse(
        '{"HTTPResponse":{"StatusCode":400,"Header":{"A":"1"}},"httpresponse":{"Body":"b","Header":{"B":"2"}},"RejectUpload":true,"rejectUpload":false}',
      ),
    ).toEqual({ HTTPResponse: { StatusCode: 400, Body: 'b', Header: { A: '1', B: '2' } } })
    expect(parse('{"ChangeFileInfo":{"MetaData":{"a":"1"},"MetaData":{"b":"2","a":"3"}}}')).toEqual(
      { ChangeFileInfo: { MetaData: { a: '3', b: '2' } } },
    )
    expect(parse('{"StopUpload":true,"stopupload":false}')).toEqual({})
  })

  test('zero values, which tusd treats as unset, are left out; an empty MetaData (clear) stays', () => {
    expect(
      parse(
        '{"HTTPResponse":{"StatusCode":0,"Body":"","Header":{}},"RejectUpload":false,"ChangeFileInfo":{"ID":"","MetaData":{}}}',
      ),
    ).toEqual({ ChangeFileInfo: { MetaData: {} } })
    expect(parse('{"HTTPResponse":{"StatusCode":0,"Body":"b"}}')).toEqual({
      HTTPResponse: { Body: 'b' },
    })
    expect(parse('{"HTTPResponse":{"StatusCode":-0}}')).toEqual({})
    expect(parse('{"HTTPResponse":{"StatusCode":400},"HTTPResponse":{"StatusCode":0}}')).toEqual({})
  })

  test('a __proto__ key in a map is an ordinary key of a prototype-less map', () => {
    const response = parse('{"ChangeFileInfo":{"MetaData":{"__proto__":"x","constructor":"y"}}}')
    const meta = response.ChangeFileInfo?.MetaData as Record<string, string>
    expect(Object.keys(meta)).toEqual(['__proto__', 'constructor'])
    expect(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value).toBe('x')
    expect(Object.getPrototypeOf(meta)).toBeNull()
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })
})

describe('parseHookResponse: what Go refuses', () => {
  test('a type Go cannot decode into the field, named as Go names it', () => {
    const cases: [string, string][] = [
      ['{"RejectUpload":"true"}', 'string into HookResponse.RejectUpload of type bool'],
      ['{"RejectUpload":1}', 'number into HookResponse.RejectUpload of type bool'],
      [
        '{"HTTPResponse":{"StatusCode":"400"}}',
        'string into HookResponse.HTTPResponse.StatusCode of type int',
      ],
      // Go's int takes integer literals only.
      [
        '{"HTTPResponse":{"StatusCode":400.0}}',
        'number 400.0 into HookResponse.HTTPResponse.StatusCode of type int',
      ],
      [
        '{"HTTPResponse":{"StatusCode":400.5}}',
        'number 400.5 into HookResponse.HTTPResponse.StatusCode of type int',
      ],
      [
        '{"HTTPResponse":{"StatusCode":4e2}}',
        'number 4e2 into HookResponse.HTTPResponse.StatusCode of type int',
      ],
      [
        '{"HTTPResponse":{"StatusCode":9223372036854775808}}',
        'number 9223372036854775808 into HookResponse.HTTPResponse.StatusCode of type int',
      ],
      [
        '{"HTTPResponse":{"Body":{"error":"x"}}}',
        'object into HookResponse.HTTPResponse.Body of type string',
      ],
      ['{"HTTPResponse":[]}', 'array into HookResponse.HTTPResponse of type handler.HTTPResponse'],
      [
        '{"HTTPResponse":"x"}',
        'string into HookResponse.HTTPResponse of type handler.HTTPResponse',
      ],
      [
        '{"HTTPResponse":{"Header":{"a":1}}}',
        'number into HookResponse.HTTPResponse.Header of type string',
      ],
      [
        '{"HTTPResponse":{"Header":["a"]}}',
        'array into HookResponse.HTTPResponse.Header of type handler.HTTPHeader',
      ],
      ['{"ChangeFileInfo":{"ID":5}}', 'number into HookResponse.ChangeFileInfo.ID of type string'],
      [
        '{"ChangeFileInfo":{"MetaData":{"a":true}}}',
        'bool into HookResponse.ChangeFileInfo.MetaData of type string',
      ],
      [
        '{"ChangeFileInfo":{"Storage":"s"}}',
        'string into HookResponse.ChangeFileInfo.Storage of type map[string]string',
      ],
      ['[]', 'array into HookResponse of type hooks.HookResponse'],
      ['"ok"', 'string into HookResponse of type hooks.HookResponse'],
      ['1', 'number into HookResponse of type hooks.HookResponse'],
      ['true', 'bool into HookResponse of type hooks.HookResponse'],
    ]
    for (const [body, message] of cases) {
      expect(failure(body), body).toBe(`is invalid: cannot unmarshal ${message}`)
    }
  })

  test('as in Go, decoding goes on: the first type error counts, but a syntax error anywhere wins', () => {
    // Go 1.26: "cannot unmarshal string into Go struct field HookResponse.RejectUpload of type bool".
    expect(
      failure('{"RejectUpload":"true","HTTPResponse":{"StatusCode":"x"},"StopUpload":true}'),
    ).toBe('is invalid: cannot unmarshal string into HookResponse.RejectUpload of type bool')
    // Go 1.26: "invalid character '}' in literal true (expecting 'e')".
    expect(failure('{"RejectUpload":"true","StopUpload":tru}')).toBe(
      "is not JSON: invalid character '}' in literal true (expecting 'e') (at byte 39)",
    )
    expect(failure('{"HTTPResponse":[1,2,{"x":[]}],"Unknown":[01]}')).toMatch(
      /^is not JSON: invalid character '1' after array element/,
    )
  })

  test('zero bytes and whitespace alone are not JSON, as for Go', () => {
    expect(failure('')).toBe('is not JSON: unexpected end of JSON input (at byte 0)')
    expect(failure(new Uint8Array(0))).toBe('is not JSON: unexpected end of JSON input (at byte 0)')
    expect(failure(' \n')).toBe('is not JSON: unexpected end of JSON input (at byte 2)')
  })
})

describe('parseHookResponse: what the handler could not send fails now', () => {
  test('StatusCode must be 0 (unset) or 200..599: a 1xx would leave the client waiting', () => {
    expect(parse('{"HTTPResponse":{"StatusCode":200}}')).toEqual({
      HTTPResponse: { StatusCode: 200 },
    })
    expect(parse('{"HTTPResponse":{"StatusCode":599}}')).toEqual({
      HTTPResponse: { StatusCode: 599 },
    })
    const range = 'is invalid: HookResponse.HTTPResponse.StatusCode must be 0 (unset) or 200..599'
    expect(failure('{"HTTPResponse":{"StatusCode":101}}')).toBe(`${range}, got 101`)
    expect(failure('{"HTTPResponse":{"StatusCode":600}}')).toBe(`${range}, got 600`)
    expect(failure('{"HTTPResponse":{"StatusCode":-1}}')).toBe(`${range}, got -1`)
    // An int64 Go would take, quoted exactly.
    expect(failure('{"HTTPResponse":{"StatusCode":-9223372036854775808}}')).toBe(
      `${range}, got -9223372036854775808`,
    )
  })

  test('Header names must be tokens, and values sendable', () => {
    const header = 'is invalid: HookResponse.HTTPResponse.Header'
    expect(failure('{"HTTPResponse":{"Header":{"Bad Name":"x"}}}')).toBe(
      `${header}["Bad Name"] is not a header name`,
    )
    expect(failure('{"HTTPResponse":{"Header":{"":"x"}}}')).toBe(
      `${header}[""] is not a header name`,
    )
    for (const value of ['a\\r\\nSet-Cookie: y', 'a\\u0000', 'a\\u0001', '\\u20ac']) {
      expect(failure(`{"HTTPResponse":{"Header":{"X":"${value}"}}}`), value).toBe(
        `${header}["X"] has a character a header value cannot hold`,
      )
    }
    expect(parse('{"HTTPResponse":{"Header":{"X-Ok":"tab\\there, Latin-1 é"}}}')).toEqual({
      HTTPResponse: { Header: { 'X-Ok': 'tab\there, Latin-1 é' } },
    })
  })
})
