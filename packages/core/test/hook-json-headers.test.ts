import { canonicalHeaderKey, isHeaderName, isHeaderValue } from '@tus/core'
import { describe, expect, test } from 'vitest'

describe('canonicalHeaderKey: Go’s http.CanonicalHeaderKey', () => {
  test.each([
    ['upload-length', 'Upload-Length'],
    ['CONTENT-TYPE', 'Content-Type'],
    ['x-http-method-override', 'X-Http-Method-Override'],
    ['x_y-z', 'X_y-Z'],
    ['-x', '-X'],
    ['host', 'Host'],
    // Not a token: returned unchanged, as Go does.
    ['bad name', 'bad name'],
    ['ünï', 'ünï'],
    ['', ''],
  ])('%j → %j', (name, canonical) => {
    expect(canonicalHeaderKey(name)).toBe(canonical)
  })
})

describe('isHeaderName and isHeaderValue', () => {
  test('a name is a non-empty RFC 9110 token', () => {
    for (const name of ['X-Api-Key', "!#$%&'*+-.^_`|~09az", '__proto__']) {
      expect(isHeaderName(name), name).toBe(true)
    }
    for (const name of ['', 'a b', 'a:b', 'a\r\n', 'é', '(x)']) {
      expect(isHeaderName(name), name).toBe(false)
    }
  })

  test('a value is what Node sends: tab, visible ASCII, space and Latin-1', () => {
    for (const value of ['', 'a b\tc', '~!', 'é\u00ff'])
      expect(isHeaderValue(value), value).toBe(true)
    for (const value of ['a\r\nb', 'a\nb', 'a\u0000', '\u0001', '\u007f', '€']) {
      expect(isHeaderValue(value), JSON.stringify(value)).toBe(false)
    }
  })
})
