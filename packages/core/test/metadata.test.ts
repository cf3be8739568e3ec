import { parseMetadata, serializeMetadata } from '@tus/core'
import { describe, expect, test } from 'vitest'

describe('parseMetadata', () => {
  test.each([
    ['', {}],
    ['filename d29ybGQ=', { filename: 'world' }],
    ['a,b dGVzdA==', { a: '', b: 'test' }],
    ['  a   ,  b dGVzdA==  ', { a: '', b: 'test' }], // elements are trimmed first
    ['a dGVzdA', {}], // unpadded base64 is invalid
    ['a !!!!', {}],
    ['a x y', {}],
    ['a  dGVzdA==', {}], // two spaces: three parts
    ['a dGVzdA==,a d29ybGQ=', { a: 'world' }], // last wins
    ['k w7w=', { k: 'ü' }],
  ])('%j', (header, expected) => {
    expect({ ...parseMetadata(header) }).toEqual(expected)
  })

  test('keys like __proto__ are plain keys', () => {
    const meta = parseMetadata('__proto__ dGVzdA==')
    expect(Object.getPrototypeOf(meta)).toBeNull()
    expect(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value).toBe('test')
    expect(({} as Record<string, unknown>).test).toBeUndefined()
  })

  test('undefined and null are empty', () => {
    expect({ ...parseMetadata(undefined) }).toEqual({})
    expect({ ...parseMetadata(null) }).toEqual({})
  })
})

describe('serializeMetadata', () => {
  test('round-trips, with empty values as "key "', () => {
    const header = serializeMetadata({ filename: 'world', empty: '', u: 'ü' })
    expect(header).toBe('filename d29ybGQ=,empty ,u w7w=')
    expect({ ...parseMetadata(header) }).toEqual({ filename: 'world', empty: '', u: 'ü' })
  })

  test('values short and long, and the same value again, encode alike', () => {
    const values = { a: 'x'.repeat(256), b: `é${'y'.repeat(300)}`, c: 'world' }
    const expected = Object.entries(values)
      .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
      .join(',')
    expect(serializeMetadata(values)).toBe(expected)
    expect(serializeMetadata(values)).toBe(expected)
    expect({ ...parseMetadata(expected) }).toEqual(values)
  })
})
