import type { ByteSource, Upload } from '@tus/core'
import { expect, test } from 'vitest'
import { fixture, send, TUS } from './harness.js'

// A store that keeps the first chunk of a write and then fails, as a disk that
// fills up would: the client gets a 500 without the error's text, and the
// bytes the store kept are not lost.
test('a store failure mid-write answers 500 and keeps what the store wrote', async () => {
  const f = await fixture()
  await f.upload('abc', { Size: 11 })
  const getUpload = f.store.getUpload.bind(f.store)
  f.store.getUpload = async (id: string): Promise<Upload> => {
    const real = await getUpload(id)
    return Object.assign(Object.create(real) as Upload, {
      getInfo: () => real.getInfo(),
      writeChunk: async (offset: number, src: ByteSource) => {
        async function* first() {
          for await (const chunk of src) {
            yield chunk.subarray(0, 4)
            return
          }
        }
        await real.writeChunk(offset, first())
        throw new Error('ENOSPC: no space left on device, write /secret/path')
      },
    })
  }
  const answer = await send('node', f.handler, {
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' },
    body: 'hello world',
  })
  expect(answer.status).toBe(500)
  expect(answer.body).toBe('ERR_INTERNAL_SERVER_ERROR: internal server error\n')
  const head = await send('fetch', f.handler, { method: 'HEAD', url: '/files/abc', headers: TUS })
  expect(head.headers['upload-offset']).toBe('4')
})
