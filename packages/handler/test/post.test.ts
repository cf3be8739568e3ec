import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { functionHooks } from '@tus/handler'
import { MemoryLocker } from '@tus/memorylocker'
import { describe, expect, test } from 'vitest'
import { fixture, send, TUS, table } from './harness.js'

const LOCATION = /^http:\/\/tus\.example\/files\/([0-9a-f]{32})$/
const idOf = (location: string) => location.split('/').pop()!

table('POST', [
  {
    name: 'creates an upload with its length and metadata',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '11', 'Upload-Metadata': 'filename d29ybGQ=,empty' },
    status: 201,
    responseHeaders: { Location: LOCATION, 'Upload-Offset': null, 'Tus-Resumable': '1.0.0' },
    after: async (f, answer) => {
      const info = await (await f.store.getUpload(idOf(answer.headers.location!))).getInfo()
      expect(info).toMatchObject({
        Size: 11,
        Offset: 0,
        MetaData: { filename: 'world', empty: '' },
      })
    },
  },
  {
    name: 'creation-with-upload stores the body and reports the offset',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '11', 'Content-Type': 'application/offset+octet-stream' },
    body: 'hello',
    status: 201,
    responseHeaders: { Location: LOCATION, 'Upload-Offset': '5' },
    after: async (f, answer) => {
      const data = await readFile(join(f.dir, idOf(answer.headers.location!)), 'utf8')
      expect(data).toBe('hello')
    },
  },
  {
    name: 'a body of another content type is ignored',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '11', 'Content-Type': 'text/plain' },
    body: 'hello',
    status: 201,
    responseHeaders: { 'Upload-Offset': null },
    after: async (f, answer) => {
      const info = await (await f.store.getUpload(idOf(answer.headers.location!))).getInfo()
      expect(info.Offset).toBe(0)
    },
  },
  {
    name: 'a body larger than Upload-Length is 413 before anything is stored',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '3', 'Content-Type': 'application/offset+octet-stream' },
    body: 'hello',
    status: 413,
    responseBody: "ERR_UPLOAD_SIZE_EXCEEDED: upload's size exceeded\n",
  },
  {
    name: 'a deferred length',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Defer-Length': '1' },
    status: 201,
    after: async (f, answer) => {
      const info = await (await f.store.getUpload(idOf(answer.headers.location!))).getInfo()
      expect(info).toMatchObject({ SizeIsDeferred: true, Size: 0 })
    },
  },
  {
    name: 'both length headers are ambiguous',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '5', 'Upload-Defer-Length': '1' },
    status: 400,
    responseBody: /^ERR_AMBIGUOUS_UPLOAD_LENGTH: /,
  },
  {
    name: 'Upload-Defer-Length other than 1',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Defer-Length': '2' },
    status: 400,
    responseBody: /^ERR_INVALID_UPLOAD_LENGTH_DEFER: /,
  },
  ...['', '-1', 'abc', '1.5', '1e3', '+5', '99999999999999999999', '0x10'].map((value) => ({
    name: `Upload-Length ${JSON.stringify(value)} is invalid`,
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': value },
    status: 400,
    responseBody: /^ERR_INVALID_UPLOAD_LENGTH: /,
  })),
  {
    name: 'no length at all',
    method: 'POST',
    url: '/files/',
    headers: TUS,
    status: 400,
    responseBody: 'ERR_INVALID_UPLOAD_LENGTH: missing or invalid Upload-Length header\n',
  },
  {
    name: 'larger than maxSize is 413',
    options: { maxSize: 10 },
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '11' },
    status: 413,
    responseBody: 'ERR_MAX_SIZE_EXCEEDED: maximum size exceeded\n',
  },
  {
    name: 'exactly maxSize is fine',
    options: { maxSize: 10 },
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '10' },
    status: 201,
  },
  {
    name: 'an empty upload is finished at once',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '0' },
    status: 201,
    after: async (f, answer) => {
      const info = await (await f.store.getUpload(idOf(answer.headers.location!))).getInfo()
      expect(info).toMatchObject({ Size: 0, Offset: 0 })
    },
  },
  {
    name: 'malformed metadata pairs are dropped, not rejected',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': 'a !!!,b dGVzdA==,c x y,, d' },
    status: 201,
    after: async (f, answer) => {
      const info = await (await f.store.getUpload(idOf(answer.headers.location!))).getInfo()
      expect({ ...info.MetaData }).toEqual({ b: 'test', d: '' })
    },
  },
  {
    name: 'behind a proxy, X-Forwarded-Host and -Proto build Location',
    options: { respectForwardedHeaders: true },
    method: 'POST',
    url: '/files/',
    headers: {
      ...TUS,
      'Upload-Length': '1',
      'X-Forwarded-Host': 'public.example:443',
      'X-Forwarded-Proto': 'https',
    },
    status: 201,
    responseHeaders: { Location: /^https:\/\/public\.example\/files\/[0-9a-f]{32}$/ },
  },
  {
    name: 'behind a proxy, Forwarded wins over X-Forwarded-*',
    options: { respectForwardedHeaders: true },
    method: 'POST',
    url: '/files/',
    headers: {
      ...TUS,
      'Upload-Length': '1',
      'X-Forwarded-Host': 'x.example',
      Forwarded: 'for=192.0.2.60;proto=https;host="fwd.example:8443"',
    },
    status: 201,
    responseHeaders: { Location: /^https:\/\/fwd\.example:8443\/files\/[0-9a-f]{32}$/ },
  },
  {
    name: 'X-Forwarded-Proto of another scheme is ignored',
    options: { respectForwardedHeaders: true },
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '1', 'X-Forwarded-Proto': 'gopher' },
    status: 201,
    responseHeaders: { Location: /^http:\/\/tus\.example\/files\// },
  },
  {
    name: 'forwarded headers are ignored unless trusted',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '1', 'X-Forwarded-Host': 'evil.example' },
    status: 201,
    responseHeaders: { Location: /^http:\/\/tus\.example\/files\// },
  },
])

describe('locks on creation-with-upload', () => {
  /** A memory locker that counts the locks asked for. */
  function countingLocker() {
    const inner = new MemoryLocker()
    const locker = {
      count: 0,
      newLock(id: string) {
        locker.count++
        return inner.newLock(id)
      },
    }
    return locker
  }
  const create = {
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '5', 'Content-Type': 'application/offset+octet-stream' },
    body: 'hello',
  }

  test('a new upload nobody else knows yet is written without its lock', async () => {
    const locker = countingLocker()
    const f = await fixture({ locker })
    expect((await send('node', f.handler, create)).status).toBe(201)
    expect(locker.count).toBe(0)
  })

  test('an id chosen by pre-create, or told to post-create, is locked as in tusd', async () => {
    for (const hooks of [
      { handler: functionHooks({ preCreate: () => ({ ChangeFileInfo: { ID: 'chosen' } }) }) },
      { handler: functionHooks({}), enabled: ['post-create' as const] },
    ]) {
      const locker = countingLocker()
      const f = await fixture({ locker, hooks })
      expect((await send('node', f.handler, create)).status).toBe(201)
      expect(locker.count).toBe(1)
    }
  })
})
