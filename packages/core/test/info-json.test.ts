import { newFileInfo, parseFileInfo, serializeFileInfo } from '@tus/core'
import { describe, expect, test } from 'vitest'

describe('.info (Go encoding/json of FileInfo)', () => {
  test('round-trips, and reads what Go writes', () => {
    const info = newFileInfo({ ID: 'a+b', Size: 5, MetaData: { k: 'a&b' }, PartialUploads: ['x'] })
    expect(parseFileInfo(serializeFileInfo(info), 'k')).toEqual(info)
    const go =
      '{"ID":"a+b","Size":5,"SizeIsDeferred":false,"Offset":0,"MetaData":{"k":"a\\u0026b"},' +
      '"IsPartial":false,"IsFinal":false,"PartialUploads":null,"Storage":{"Type":"s3store"}}'
    expect(parseFileInfo(go, 'k')).toMatchObject({
      MetaData: { k: 'a&b' },
      Storage: { Type: 's3store' },
    })
    expect(parseFileInfo('{"Size":3,"MetaData":null}', 'k')).toMatchObject({
      ID: '',
      Size: 3,
      MetaData: {},
    })
  })

  test('wrong types are refused', () => {
    for (const bad of [
      '[]',
      'nope',
      '{"Size":"3"}',
      '{"MetaData":{"a":1}}',
      '{"PartialUploads":[1]}',
    ]) {
      expect(() => parseFileInfo(bad, 'key.info')).toThrow(/^key.info: /)
    }
  })
})
