import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode, isTusError } from '@tus/core'
import { readAll } from '@tus/core/testing'
import { FileStore } from '@tus/filestore'
import { describe, expect, test } from 'vitest'
import { source, tempDir } from './helpers.js'

// An .info exactly as tusd v2 writes it (Go's encoding/json: struct fields in
// order, map keys sorted), on another machine: its Storage paths are not ours.
const TUSD_INFO =
  '{"ID":"0f8a3c1e9b2d4e6f8a0b1c2d3e4f5a6b","Size":11,"SizeIsDeferred":false,"Offset":0,' +
  '"MetaData":{"filename":"hello.txt","filetype":"text/plain"},"IsPartial":false,"IsFinal":false,' +
  '"PartialUploads":null,"Storage":{"InfoPath":"/srv/tusd-data/0f8a3c1e9b2d4e6f8a0b1c2d3e4f5a6b.info",' +
  '"Path":"/srv/tusd-data/0f8a3c1e9b2d4e6f8a0b1c2d3e4f5a6b","Type":"filestore"}}'
const ID = '0f8a3c1e9b2d4e6f8a0b1c2d3e4f5a6b'

describe('FileStore and tusd read each other’s folders', () => {
  test('an upload tusd started resumes here, its offset from the data file', async () => {
    const directory = await tempDir()
    await writeFile(join(directory, `${ID}.info`), TUSD_INFO)
    await writeFile(join(directory, ID), 'hello')
    const store = new FileStore({ directory })

    const upload = await store.getUpload(ID)
    const info = await upload.getInfo()
    expect(info).toMatchObject({ ID, Size: 11, SizeIsDeferred: false, Offset: 5 })
    expect({ ...info.MetaData }).toEqual({ filename: 'hello.txt', filetype: 'text/plain' })
    expect(info.Storage).toEqual({
      Type: 'filestore',
      Path: join(directory, ID),
      InfoPath: join(directory, `${ID}.info`),
    })

    expect(await upload.writeChunk(5, source(' world'))).toBe(6)
    await upload.finishUpload()
    expect(Buffer.from(await readAll(await upload.getReader())).toString()).toBe('hello world')
    // Writing never touches the .info: tusd reads it unchanged.
    expect(await readFile(join(directory, `${ID}.info`), 'utf8')).toBe(TUSD_INFO)
  })

  test('the .info written here has tusd’s keys, in its order and types', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    const upload = await store.newUpload({
      ID: '',
      Size: 0,
      SizeIsDeferred: true,
      Offset: 0,
      MetaData: { name: 'x' },
      IsPartial: true,
      IsFinal: false,
      PartialUploads: null,
      Storage: null,
    })
    const { ID: id } = await upload.getInfo()
    await upload.writeChunk(0, source('abc'))
    await store.asLengthDeclarableUpload(upload).declareLength(10)
    const text = await readFile(join(directory, `${id}.info`), 'utf8')
    const json = JSON.parse(text)
    expect(Object.keys(json)).toEqual([
      'ID',
      'Size',
      'SizeIsDeferred',
      'Offset',
      'MetaData',
      'IsPartial',
      'IsFinal',
      'PartialUploads',
      'Storage',
    ])
    expect(json).toEqual({
      ID: id,
      Size: 10,
      SizeIsDeferred: false,
      Offset: 3,
      MetaData: { name: 'x' },
      IsPartial: true,
      IsFinal: false,
      PartialUploads: null,
      Storage: {
        Type: 'filestore',
        Path: join(directory, id),
        InfoPath: join(directory, `${id}.info`),
      },
    })
  })

  test('a stale Offset in the .info is ignored; Go zero values are accepted', async () => {
    const directory = await tempDir()
    // Offset far off, MetaData null, fields missing: Go would read this too.
    await writeFile(
      join(directory, 'final.info'),
      '{"ID":"final","Size":4,"Offset":999,"MetaData":null,"IsFinal":true,"PartialUploads":["a","b"]}',
    )
    await writeFile(join(directory, 'final'), 'ab')
    const info = await (await new FileStore({ directory }).getUpload('final')).getInfo()
    expect(info).toMatchObject({
      Offset: 2,
      Size: 4,
      SizeIsDeferred: false,
      IsPartial: false,
      IsFinal: true,
      PartialUploads: ['a', 'b'],
    })
    expect(Object.keys(info.MetaData)).toEqual([])
  })

  test('a missing data file or .info is not found; a corrupt .info is a server error', async () => {
    const directory = await tempDir()
    const store = new FileStore({ directory })
    await writeFile(join(directory, 'no-data.info'), TUSD_INFO)
    await writeFile(join(directory, 'no-info'), 'bytes')
    await writeFile(join(directory, 'corrupt.info'), '{"ID":"corrupt","Size":')
    await writeFile(join(directory, 'corrupt'), '')
    await writeFile(join(directory, 'wrong-type.info'), '{"ID":"wrong-type","Size":"11"}')
    await writeFile(join(directory, 'wrong-type'), '')

    for (const id of ['no-data', 'no-info']) {
      await expect(store.getUpload(id)).rejects.toSatisfy((err) =>
        hasErrorCode(err, 'ERR_UPLOAD_NOT_FOUND'),
      )
    }
    for (const id of ['corrupt', 'wrong-type']) {
      const err = await store.getUpload(id).catch((e: unknown) => e)
      expect(isTusError(err)).toBe(false)
      expect(String(err)).toContain(`invalid info file ${join(directory, `${id}.info`)}`)
    }
  })
})
