import { HookResponseError, parseHookResponse, toHookResponse } from '@tus/core'
import { describe, expect, test } from 'vitest'

/** The message toHookResponse throws for `value`, checking that it is a HookResponseError. */
function failure(value: unknown): string {
  try {
    toHookResponse(value)
  } catch (err) {
    expect(err).toBeInstanceOf(HookResponseError)
    return (err as Error).message
  }
  throw new Error(`accepted: ${String(value)}`)
}

describe('toHookResponse: a value read by the rules of parseHookResponse', () => {
  test('undefined (a function returning nothing) and null are {}', () => {
    expect(toHookResponse(undefined)).toEqual({})
    expect(toHookResponse(null)).toEqual({})
    expect(toHookResponse({})).toEqual({})
  })

  test('gives what parseHookResponse gives for the same JSON', () => {
    const texts = [
      '{"HTTPResponse":{"StatusCode":400,"Body":"no","Header":{"X-Why":"because"}},"RejectUpload":true,"RejectTermination":true,"RejectAccess":true,"StopUpload":true,"ChangeFileInfo":{"ID":"new/id","MetaData":{"a":"1"},"Storage":{"B":"b"}}}',
      '{"rejectupload":true,"httpResponse":{"statuscode":409,"BODY":"taken"},"changeFileInfo":{"id":"x"}}',
      '{"\u017FtopUpload":true,"Unknown":[1,{"a":null}],"HTTPResponse":{"Headers":{"X":"y"}}}',
      '{"RejectUpload":null,"HTTPResponse":null,"ChangeFileInfo":{"MetaData":null,"Storage":{"k":null}}}',
      '{"HTTPResponse":{"StatusCode":0,"Body":"","Header":{}},"RejectUpload":false,"ChangeFileInfo":{"ID":"","MetaData":{}}}',
      '{"HTTPResponse":{"StatusCode":-0}}',
      '{"ChangeFileInfo":{"MetaData":{"__proto__":"x"}}}',
      '{"RejectUpload":"true","StopUpload":1}',
      '{"HTTPResponse":{"StatusCode":400.5}}',
      '{"HTTPResponse":{"Header":["a"]}}',
      '{"HTTPResponse":"x"}',
      '{"ChangeFileInfo":{"MetaData":{"a":1}}}',
      '{"HTTPResponse":{"StatusCode":99}}',
      '{"HTTPResponse":{"Header":{"Bad Name":"x"}}}',
      '{"HTTPResponse":{"Header":{"X":"a\\r\\nb"}}}',
      '[]',
      '"ok"',
      'true',
      'null',
    ]
    const outcome = (read: () => unknown) => {
      try {
        return { value: read() }
      } catch (err) {
        return { error: (err as Error).message }
      }
    }
    for (const text of texts) {
      expect(
        outcome(() => toHookResponse(JSON.parse(text))),
        text,
      ).toEqual(outcome(() => parseHookResponse(text)))
    }
  })

  test('a member set to undefined is absent, as JSON.stringify leaves it out', () => {
    expect(
      toHookResponse({
        RejectUpload: undefined,
        HTTPResponse: { StatusCode: 403, Body: undefined, Header: undefined },
        ChangeFileInfo: { MetaData: undefined, Storage: { a: undefined, b: 'x' } },
      }),
    ).toEqual({ HTTPResponse: { StatusCode: 403 }, ChangeFileInfo: { Storage: { b: 'x' } } })
  })

  test('numbers: an integer is an int whatever its spelling; NaN, infinities and fractions are not', () => {
    expect(toHookResponse({ HTTPResponse: { StatusCode: 4e2 } })).toEqual({
      HTTPResponse: { StatusCode: 400 },
    })
    const into = 'into HookResponse.HTTPResponse.StatusCode of type int'
    expect(failure({ HTTPResponse: { StatusCode: Number.NaN } })).toBe(
      `is invalid: cannot unmarshal number NaN ${into}`,
    )
    expect(failure({ HTTPResponse: { StatusCode: Number.POSITIVE_INFINITY } })).toBe(
      `is invalid: cannot unmarshal number Infinity ${into}`,
    )
    expect(failure({ HTTPResponse: { StatusCode: 400.5 } })).toBe(
      `is invalid: cannot unmarshal number 400.5 ${into}`,
    )
    expect(failure({ HTTPResponse: { StatusCode: 1e21 } })).toBe(
      `is invalid: cannot unmarshal number 1e+21 ${into}`,
    )
  })

  test('what is not a JSON value fails in a known field', () => {
    expect(failure({ RejectUpload: () => true })).toBe(
      'is invalid: cannot unmarshal function into HookResponse.RejectUpload of type bool',
    )
    expect(failure({ HTTPResponse: { StatusCode: 400n } })).toBe(
      'is invalid: cannot unmarshal bigint into HookResponse.HTTPResponse.StatusCode of type int',
    )
    expect(failure({ ChangeFileInfo: { ID: Symbol('x') } })).toBe(
      'is invalid: cannot unmarshal symbol into HookResponse.ChangeFileInfo.ID of type string',
    )
    expect(failure('ok')).toBe(
      'is invalid: cannot unmarshal string into HookResponse of type hooks.HookResponse',
    )
  })

  test('unknown fields are not walked: cycles and functions there are harmless', () => {
    const cyclic: Record<string, unknown> = { StopUpload: true, fn: () => {} }
    cyclic.self = cyclic
    expect(toHookResponse(cyclic)).toEqual({ StopUpload: true })
  })

  test('the result shares nothing with the value', () => {
    const value = {
      HTTPResponse: { Header: { A: 'a' } },
      ChangeFileInfo: { MetaData: { k: 'v' } },
    }
    const response = toHookResponse(value)
    expect(response).toEqual(value)
    expect(response.HTTPResponse).not.toBe(value.HTTPResponse)
    expect(response.HTTPResponse?.Header).not.toBe(value.HTTPResponse.Header)
    expect(response.ChangeFileInfo?.MetaData).not.toBe(value.ChangeFileInfo.MetaData)
  })

  test('a parsed response reads back as itself', () => {
    const response = parseHookResponse(
      '{"HTTPResponse":{"StatusCode":422,"Header":{"__proto__":"x"}},"ChangeFileInfo":{"MetaData":{}}}',
    )
    expect(toHookResponse(response)).toEqual(response)
  })
})
