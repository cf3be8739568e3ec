import { TUS, table } from './harness.js'

table('HEAD', [
  {
    name: 'reports offset, length and metadata',
    setup: (f) => f.upload('abc', { Size: 11, MetaData: { filename: 'a.txt' } }, 'hello'),
    method: 'HEAD',
    url: '/files/abc',
    headers: TUS,
    status: 200,
    responseHeaders: {
      'Upload-Offset': '5',
      'Upload-Length': '11',
      'Cache-Control': 'no-store',
      'Upload-Metadata': 'filename YS50eHQ=',
      'Upload-Defer-Length': null,
      'Tus-Resumable': '1.0.0',
    },
    responseBody: '',
  },
  {
    name: 'a deferred length',
    setup: (f) => f.upload('abc', { Size: 0, SizeIsDeferred: true }),
    method: 'HEAD',
    url: '/files/abc',
    headers: TUS,
    status: 200,
    responseHeaders: { 'Upload-Defer-Length': '1', 'Upload-Length': null, 'Upload-Metadata': null },
  },
  {
    name: 'an unknown upload is 404 without a body',
    method: 'HEAD',
    url: '/files/nope',
    headers: TUS,
    status: 404,
    responseBody: '',
  },
])
