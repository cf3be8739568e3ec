import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import { type Fixture, TUS, table } from './harness.js'

const OCTET = { 'Content-Type': 'application/offset+octet-stream' }
const digest = (algorithm: string, text: string) =>
  createHash(algorithm).update(text).digest('base64')
const checksum = (algorithm: string, text: string) => `${algorithm} ${digest(algorithm, text)}`
const patch = (offset: number) => ({ ...TUS, ...OCTET, 'Upload-Offset': String(offset) })

async function storedText(f: Fixture, id: string): Promise<string> {
  return readFile(join(f.dir, id), 'utf8')
}

/** The upload's bytes are `want` and no staged chunk is left over. */
function leaves(id: string, want: string) {
  return async (f: Fixture) => {
    expect(await storedText(f, id)).toBe(want)
    expect((await readdir(f.dir)).sort()).toEqual([id, `${id}.info`])
  }
}

table('PATCH with Upload-Checksum', [
  ...['md5', 'sha1', 'sha256', 'sha512'].map((algorithm) => ({
    name: `a matching ${algorithm} keeps the chunk`,
    setup: (f: Fixture) => f.upload('abc', { Size: 11 }, 'hello'),
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...patch(5), 'Upload-Checksum': checksum(algorithm, ' world') },
    body: ' world',
    status: 204,
    responseHeaders: { 'Upload-Offset': '11' },
    after: leaves('abc', 'hello world'),
  })),
  {
    name: 'the algorithm name is case-insensitive',
    setup: (f) => f.upload('abc', { Size: 5 }),
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...patch(0), 'Upload-Checksum': `SHA1 ${digest('sha1', 'hello')}` },
    body: 'hello',
    status: 204,
  },
  {
    name: 'a mismatch is 460 and none of the bytes are kept',
    setup: (f) => f.upload('abc', { Size: 11 }, 'hello'),
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...patch(5), 'Upload-Checksum': checksum('sha1', ' WORLD') },
    body: ' world',
    status: 460,
    responseBody: 'ERR_CHECKSUM_MISMATCH: checksum mismatch\n',
    after: async (f) => {
      await leaves('abc', 'hello')(f)
      expect((await (await f.store.getUpload('abc')).getInfo()).Offset).toBe(5)
    },
  },
  {
    name: 'a mismatch on a chunked body (no Content-Length) keeps nothing either',
    setup: (f) => f.upload('abc', { Size: 11 }),
    method: 'PATCH',
    url: '/files/abc',
    headers: {
      ...patch(0),
      'Upload-Checksum': checksum('sha256', 'other'),
      'Transfer-Encoding': 'chunked',
    },
    body: 'hello',
    status: 460,
    after: leaves('abc', ''),
  },
  {
    name: 'a chunked body over the length is 413 and nothing is kept',
    setup: (f) => f.upload('abc', { Size: 3 }),
    method: 'PATCH',
    url: '/files/abc',
    headers: {
      ...patch(0),
      'Upload-Checksum': checksum('sha1', 'hello'),
      'Transfer-Encoding': 'chunked',
    },
    body: 'hello',
    status: 413,
    after: leaves('abc', ''),
  },
  {
    name: 'an empty body with the digest of nothing is 204',
    setup: (f) => f.upload('abc', { Size: 5 }),
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...patch(0), 'Upload-Checksum': checksum('sha1', '') },
    status: 204,
    responseHeaders: { 'Upload-Offset': '0' },
  },
  {
    name: 'an empty body with another digest is 460',
    setup: (f) => f.upload('abc', { Size: 5 }),
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...patch(0), 'Upload-Checksum': checksum('sha1', 'x') },
    status: 460,
  },
  {
    name: 'an unknown algorithm is 400 ERR_UNSUPPORTED_CHECKSUM_ALGORITHM',
    setup: (f) => f.upload('abc', { Size: 5 }),
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...patch(0), 'Upload-Checksum': 'crc32 AAAAAA==' },
    body: 'hello',
    status: 400,
    responseBody: 'ERR_UNSUPPORTED_CHECKSUM_ALGORITHM: unsupported checksum algorithm\n',
    after: leaves('abc', ''),
  },
  ...[
    ['no digest', 'sha1'],
    ['no digest after the space', 'sha1 '],
    ['two spaces', `sha1  ${digest('sha1', 'hello')}`],
    ['not base64', 'sha1 not-base64!!'],
    ['unpadded base64', `sha1 ${digest('sha1', 'hello').replace(/=+$/, '')}`],
    ['a digest of the wrong size', `sha1 ${digest('md5', 'hello')}`],
    ['hex instead of base64', `sha1 ${createHash('sha1').update('hello').digest('hex')}`],
  ].map(([what, value]) => ({
    name: `${what} is 400 ERR_INVALID_CHECKSUM`,
    setup: (f: Fixture) => f.upload('abc', { Size: 5 }),
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...patch(0), 'Upload-Checksum': value! },
    body: 'hello',
    status: 400,
    responseBody: 'ERR_INVALID_CHECKSUM: missing or invalid Upload-Checksum header\n',
  })),
  {
    name: 'a bad checksum is refused before the upload is looked up',
    method: 'PATCH',
    url: '/files/nope',
    headers: { ...patch(0), 'Upload-Checksum': 'sha1 x' },
    body: 'hello',
    status: 400,
  },
])

table('POST (creation-with-upload) with Upload-Checksum', [
  {
    name: 'a matching checksum keeps the body',
    method: 'POST',
    url: '/files/',
    headers: {
      ...TUS,
      ...OCTET,
      'Upload-Length': '11',
      'Upload-Checksum': checksum('sha256', 'hello'),
    },
    body: 'hello',
    status: 201,
    responseHeaders: { 'Upload-Offset': '5', Location: /\/files\/[0-9a-f]{32}$/ },
    after: async (f, answer) => {
      const id = answer.headers.location!.split('/').pop()!
      await leaves(id, 'hello')(f)
    },
  },
  {
    name: 'a mismatch is 460 with the Location of the (empty) upload, to resume',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, ...OCTET, 'Upload-Length': '11', 'Upload-Checksum': checksum('sha1', 'x') },
    body: 'hello',
    status: 460,
    responseHeaders: { Location: /\/files\/[0-9a-f]{32}$/ },
    after: async (f, answer) => {
      const id = answer.headers.location!.split('/').pop()!
      await leaves(id, '')(f)
    },
  },
  {
    name: 'a malformed checksum is 400 and creates nothing',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, ...OCTET, 'Upload-Length': '11', 'Upload-Checksum': 'sha1' },
    body: 'hello',
    status: 400,
    responseBody: /^ERR_INVALID_CHECKSUM/,
    after: async (f) => expect(await readdir(f.dir)).toEqual([]),
  },
  {
    name: 'without a body the header is ignored',
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '11', 'Upload-Checksum': 'sha1' },
    status: 201,
  },
])
