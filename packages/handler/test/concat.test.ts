import { expect } from 'vitest'
import { type Fixture, TUS, table } from './harness.js'

const OCTET = { 'Content-Type': 'application/offset+octet-stream' }
const idOf = (location: string) => location.split('/').pop()!

/** Two finished partials, `a` (hello) and `b` ( world), and an unfinished one, `c`. */
async function partials(f: Fixture): Promise<void> {
  await f.upload('a', { Size: 5, IsPartial: true }, 'hello')
  await f.upload('b', { Size: 6, IsPartial: true }, ' world')
  await f.upload('c', { Size: 6, IsPartial: true }, ' wor')
}

async function stored(f: Fixture, id: string): Promise<string> {
  const upload = await f.store.getUpload(id)
  const chunks: Buffer[] = []
  for await (const chunk of await upload.getReader()) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString()
}

table('POST with Upload-Concat', [
  {
    name: 'partial: an ordinary upload marked partial',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '5', 'Upload-Concat': 'partial' },
    status: 201,
    after: async (f, answer) => {
      const info = await (await f.store.getUpload(idOf(answer.headers.location!))).getInfo()
      expect(info).toMatchObject({ IsPartial: true, IsFinal: false, Size: 5 })
    },
  },
  {
    name: 'final: the partials in order, by path and by absolute URL, sizes summed',
    setup: partials,
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Concat': 'final;/files/a http://other.example/files/b/' },
    status: 201,
    responseHeaders: { Location: /\/files\/[0-9a-f]{32}$/, 'Upload-Offset': null },
    after: async (f, answer) => {
      const id = idOf(answer.headers.location!)
      const info = await (await f.store.getUpload(id)).getInfo()
      expect(info).toMatchObject({
        IsFinal: true,
        PartialUploads: ['a', 'b'],
        Size: 11,
        Offset: 11,
      })
      expect(await stored(f, id)).toBe('hello world')
    },
  },
  {
    name: 'final: the same partial twice, and ids with slashes',
    setup: async (f) => f.upload('x/y', { Size: 3, IsPartial: true }, 'abc'),
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Concat': 'final; /files/x/y  /files/x%2Fy' },
    status: 201,
    after: async (f, answer) => {
      expect(await stored(f, idOf(answer.headers.location!))).toBe('abcabc')
    },
  },
  {
    name: 'final: Upload-Length and Upload-Defer-Length are ignored',
    setup: partials,
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Concat': 'final;/files/a', 'Upload-Length': '99' },
    status: 201,
    after: async (f, answer) => {
      const info = await (await f.store.getUpload(idOf(answer.headers.location!))).getInfo()
      expect(info.Size).toBe(5)
    },
  },
  {
    name: 'final: an unfinished partial is 400 ERR_UPLOAD_NOT_FINISHED',
    setup: partials,
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Concat': 'final;/files/a /files/c' },
    status: 400,
    responseBody: 'ERR_UPLOAD_NOT_FINISHED: one of the partial uploads is not finished\n',
  },
  {
    name: 'final: a partial of deferred length is 400 ERR_UPLOAD_NOT_FINISHED',
    setup: (f) => f.upload('d', { Size: 0, SizeIsDeferred: true, IsPartial: true }),
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Concat': 'final;/files/d' },
    status: 400,
    responseBody: /^ERR_UPLOAD_NOT_FINISHED/,
  },
  {
    name: 'final: a missing partial is 404',
    setup: partials,
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Concat': 'final;/files/a /files/nope' },
    status: 404,
    responseBody: /^ERR_UPLOAD_NOT_FOUND/,
  },
  {
    name: 'final: an entry outside the base path is 404',
    setup: partials,
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Concat': 'final;/elsewhere/a' },
    status: 404,
  },
  {
    name: 'final: an entry that is no valid id is 404',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Concat': 'final;/files/..%2F..%2Fetc' },
    status: 404,
  },
  {
    name: 'final: no entries is 400 ERR_INVALID_CONCAT',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Concat': 'final;   ' },
    status: 400,
    responseBody: 'ERR_INVALID_CONCAT: invalid Upload-Concat header\n',
  },
  {
    name: 'any other value is 400 ERR_INVALID_CONCAT',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '5', 'Upload-Concat': 'partial;' },
    status: 400,
    responseBody: /^ERR_INVALID_CONCAT/,
  },
  {
    name: 'final: a body is 403 ERR_MODIFY_FINAL',
    setup: partials,
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, ...OCTET, 'Upload-Concat': 'final;/files/a' },
    body: 'x',
    status: 403,
    responseBody: 'ERR_MODIFY_FINAL: modifying a final upload is not allowed\n',
  },
  {
    name: 'final: larger than maxSize is 413',
    options: { maxSize: 10 },
    setup: partials,
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Concat': 'final;/files/a /files/b' },
    status: 413,
    responseBody: /^ERR_MAX_SIZE_EXCEEDED/,
  },
  {
    name: 'switched off: 400 ERR_CONCATENATION_UNSUPPORTED',
    options: { disableConcatenation: true },
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '5', 'Upload-Concat': 'partial' },
    status: 400,
    responseBody:
      'ERR_CONCATENATION_UNSUPPORTED: Upload-Concat header is not supported by server\n',
  },
])

table('HEAD and PATCH of concatenated uploads', [
  {
    name: 'HEAD of a partial shows Upload-Concat: partial',
    setup: partials,
    method: 'HEAD',
    url: '/files/c',
    headers: TUS,
    status: 200,
    responseHeaders: { 'Upload-Concat': 'partial', 'Upload-Offset': '4' },
  },
  {
    name: 'HEAD of a final upload lists its partials as absolute URLs',
    setup: (f) => f.upload('fin', { Size: 11, IsFinal: true, PartialUploads: ['a', 'x/b'] }),
    method: 'HEAD',
    url: '/files/fin',
    headers: TUS,
    status: 200,
    responseHeaders: {
      'Upload-Concat': 'final;http://tus.example/files/a http://tus.example/files/x/b',
    },
  },
  {
    name: 'PATCH of a final upload is 403 ERR_MODIFY_FINAL',
    setup: (f) => f.upload('fin', { Size: 11, IsFinal: true, PartialUploads: ['a'] }),
    method: 'PATCH',
    url: '/files/fin',
    headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' },
    body: 'x',
    status: 403,
    responseBody: /^ERR_MODIFY_FINAL/,
  },
  {
    name: 'GET of a final upload serves the concatenated bytes',
    setup: async (f) => {
      await partials(f)
      const fin = await f.store.newUpload({
        ...(await (await f.store.getUpload('a')).getInfo()),
        ID: 'fin',
        Size: 11,
        IsPartial: false,
        IsFinal: true,
        PartialUploads: ['a', 'b'],
      })
      await f.store
        .asConcatableUpload(fin)
        .concatUploads([await f.store.getUpload('a'), await f.store.getUpload('b')])
    },
    method: 'GET',
    url: '/files/fin',
    status: 200,
    responseBody: 'hello world',
  },
])
