import { withoutContentServer } from './get-fixtures.js'
import { TUS, table } from './harness.js'

table('GET', [
  {
    name: 'serves the bytes stored so far, inline for an allowed type',
    setup: (f) =>
      f.upload(
        'abc',
        { Size: 11, MetaData: { filetype: 'text/plain', filename: 'a.txt' } },
        'hello',
      ),
    method: 'GET',
    url: '/files/abc',
    status: 200,
    responseHeaders: {
      'Content-Type': 'text/plain',
      'Content-Disposition': 'inline;filename="a.txt"',
      'Content-Length': '5',
      'X-Content-Type-Options': 'nosniff',
    },
    responseBody: 'hello',
  },
  {
    name: 'HTML is never inline',
    setup: (f) => f.upload('abc', { Size: 5, MetaData: { filetype: 'text/html' } }, '<b>x'),
    method: 'GET',
    url: '/files/abc',
    status: 200,
    responseHeaders: { 'Content-Type': 'text/html', 'Content-Disposition': 'attachment' },
  },
  {
    name: 'an invalid filetype is octet-stream',
    setup: (f) => f.upload('abc', { Size: 5, MetaData: { filetype: 'not a type' } }, 'x'),
    method: 'GET',
    url: '/files/abc',
    status: 200,
    responseHeaders: {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': 'attachment',
    },
  },
  {
    name: 'quotes and non-ASCII names are escaped',
    setup: (f) => f.upload('abc', { Size: 5, MetaData: { filename: 'a"b\\ü.txt' } }, 'x'),
    method: 'GET',
    url: '/files/abc',
    status: 200,
    responseHeaders: {
      'Content-Disposition': `attachment;filename="a\\"b\\\\\\u00fc.txt";filename*=UTF-8''a%22b%5C%C3%BC.txt`,
    },
  },
  {
    name: 'an empty upload is 200 with no bytes and validators (Go http.ServeContent)',
    setup: (f) => f.upload('abc', { Size: 5 }),
    method: 'GET',
    url: '/files/abc',
    status: 200,
    responseHeaders: {
      'Content-Length': '0',
      ETag: /^"[^"]+"$/,
      'Last-Modified': /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
      'Accept-Ranges': 'bytes',
    },
    responseBody: '',
  },
  {
    name: 'an empty upload is 204 when the store cannot serve content (tusd)',
    setup: async (f) => {
      await f.upload('abc', { Size: 5 })
      withoutContentServer(f)
    },
    method: 'GET',
    url: '/files/abc',
    status: 204,
    responseHeaders: { 'Content-Length': null, ETag: null, 'Accept-Ranges': null },
    responseBody: '',
  },
  {
    name: 'a store that cannot serve content streams its reader',
    setup: async (f) => {
      await f.upload('abc', { Size: 11, MetaData: { filetype: 'text/plain' } }, 'hello')
      withoutContentServer(f)
    },
    method: 'GET',
    url: '/files/abc',
    status: 200,
    responseHeaders: {
      'Content-Length': '5',
      'Content-Type': 'text/plain',
      'Content-Disposition': 'inline',
      ETag: null,
      'Accept-Ranges': null,
    },
    responseBody: 'hello',
  },
  {
    name: 'an unknown upload is 404',
    method: 'GET',
    url: '/files/nope',
    status: 404,
  },
  {
    name: 'downloads can be disabled',
    options: { disableDownload: true },
    setup: (f) => f.upload('abc', { Size: 5 }, 'hello'),
    method: 'GET',
    url: '/files/abc',
    headers: TUS,
    status: 405,
    responseHeaders: { Allow: 'GET, HEAD, PATCH, DELETE' },
  },
])
