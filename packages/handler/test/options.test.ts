import { table } from './harness.js'

table('OPTIONS', [
  {
    name: 'advertises version, extensions from the store, no max size by default',
    method: 'OPTIONS',
    url: '/files/',
    status: 200,
    responseHeaders: {
      'Tus-Version': '1.0.0',
      'Tus-Resumable': '1.0.0',
      'Tus-Extension':
        'creation,creation-with-upload,termination,concatenation,creation-defer-length,checksum',
      'Tus-Checksum-Algorithm': 'md5,sha1,sha256,sha512',
      'Tus-Max-Size': null,
      'X-Content-Type-Options': 'nosniff',
    },
    responseBody: '',
  },
  {
    name: 'advertises Tus-Max-Size when set',
    options: { maxSize: 100 },
    method: 'OPTIONS',
    url: '/files/',
    status: 200,
    responseHeaders: { 'Tus-Max-Size': '100' },
  },
  {
    name: 'drops termination when disabled',
    options: { disableTermination: true },
    method: 'OPTIONS',
    url: '/files/',
    status: 200,
    responseHeaders: {
      'Tus-Extension': 'creation,creation-with-upload,concatenation,creation-defer-length,checksum',
    },
  },
  {
    name: 'drops concatenation when disabled',
    options: { disableConcatenation: true },
    method: 'OPTIONS',
    url: '/files/',
    status: 200,
    responseHeaders: {
      'Tus-Extension': 'creation,creation-with-upload,termination,creation-defer-length,checksum',
    },
  },
  {
    name: 'advertises expiration when it is on',
    options: { expiration: 60_000, expirationInterval: 0 },
    method: 'OPTIONS',
    url: '/files/',
    status: 200,
    responseHeaders: { 'Tus-Extension': /,checksum,expiration$/ },
  },
  {
    name: 'needs no Tus-Resumable, and works on upload URLs',
    method: 'OPTIONS',
    url: '/files/abc',
    headers: { 'Tus-Resumable': '0.2.2' },
    status: 200,
    responseHeaders: { 'Tus-Version': '1.0.0' },
  },
  {
    name: 'on a store with no optional capability, only creation',
    options: {
      store: {
        newUpload: () => Promise.reject(new Error('unused')),
        getUpload: () => Promise.reject(new Error('unused')),
      },
    },
    method: 'OPTIONS',
    url: '/files/',
    status: 200,
    responseHeaders: {
      'Tus-Extension': 'creation,creation-with-upload',
      'Tus-Checksum-Algorithm': null,
    },
  },
])
