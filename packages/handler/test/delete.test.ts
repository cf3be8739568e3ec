import { expect } from 'vitest'
import { TUS, table } from './harness.js'

table('DELETE', [
  {
    name: 'terminates an upload',
    setup: (f) => f.upload('abc', { Size: 11 }, 'hello'),
    method: 'DELETE',
    url: '/files/abc',
    headers: TUS,
    status: 204,
    after: async (f) => {
      await expect(f.store.getUpload('abc')).rejects.toMatchObject({ code: 'ERR_UPLOAD_NOT_FOUND' })
    },
  },
  {
    name: 'an unknown upload is 404',
    method: 'DELETE',
    url: '/files/nope',
    headers: TUS,
    status: 404,
    responseBody: /^ERR_UPLOAD_NOT_FOUND/,
  },
  {
    name: 'needs Tus-Resumable',
    setup: (f) => f.upload('abc', { Size: 11 }, 'hello'),
    method: 'DELETE',
    url: '/files/abc',
    status: 412,
  },
  {
    name: 'is 405 when termination is disabled',
    options: { disableTermination: true },
    setup: (f) => f.upload('abc', { Size: 11 }, 'hello'),
    method: 'DELETE',
    url: '/files/abc',
    headers: TUS,
    status: 405,
    after: async (f) => expect((await (await f.store.getUpload('abc')).getInfo()).Offset).toBe(5),
  },
])
