import { describe, expect, test } from 'vitest'
import { hostPort } from '../src/node.js'
import { TUS, table } from './harness.js'

table('routing', [
  {
    name: 'a wrong Tus-Resumable is 412 with Tus-Version',
    method: 'POST',
    url: '/files/',
    headers: { 'Tus-Resumable': '0.2.2', 'Upload-Length': '5' },
    status: 412,
    responseHeaders: { 'Tus-Version': '1.0.0', 'Content-Type': 'text/plain; charset=utf-8' },
    responseBody: 'ERR_UNSUPPORTED_VERSION: missing, invalid or unsupported Tus-Resumable header\n',
  },
  {
    name: 'a missing Tus-Resumable is 412',
    method: 'PATCH',
    url: '/files/abc',
    status: 412,
    responseBody: /^ERR_UNSUPPORTED_VERSION: /,
  },
  {
    name: 'GET needs no Tus-Resumable',
    method: 'GET',
    url: '/files/nope',
    status: 404,
    responseBody: 'ERR_UPLOAD_NOT_FOUND: upload not found\n',
  },
  {
    name: 'the collection allows POST only',
    method: 'GET',
    url: '/files/',
    headers: TUS,
    status: 405,
    responseHeaders: { Allow: 'POST' },
  },
  {
    name: 'the collection without its trailing slash',
    method: 'POST',
    url: '/files',
    headers: { ...TUS, 'Upload-Length': '1' },
    status: 201,
    responseHeaders: { Location: /^http:\/\/tus\.example\/files\/[0-9a-f]{32}$/ },
  },
  {
    name: 'an upload allows GET, HEAD, PATCH, DELETE',
    method: 'PUT',
    url: '/files/abc',
    headers: TUS,
    status: 405,
    responseHeaders: { Allow: 'GET, HEAD, PATCH, DELETE' },
  },
  {
    name: 'X-HTTP-Method-Override on POST turns it into the named method',
    setup: (f) => f.upload('abc', { Size: 11 }, 'hello'),
    method: 'POST',
    url: '/files/abc',
    headers: {
      ...TUS,
      'X-HTTP-Method-Override': 'PATCH',
      'Content-Type': 'application/offset+octet-stream',
      'Upload-Offset': '5',
    },
    body: ' world',
    status: 204,
    responseHeaders: { 'Upload-Offset': '11' },
  },
  {
    name: 'a POST overridden to HEAD gets the HEAD headers and an empty body it can read',
    setup: (f) => f.upload('abc', { Size: 11 }, 'hello'),
    method: 'POST',
    url: '/files/abc',
    headers: { ...TUS, 'X-HTTP-Method-Override': 'HEAD' },
    status: 200,
    responseHeaders: { 'Upload-Offset': '5', 'Upload-Length': '11', 'Content-Length': '0' },
    responseBody: '',
  },
  {
    name: 'X-HTTP-Method-Override is ignored on anything but POST',
    setup: (f) => f.upload('abc', { Size: 11 }, 'hello'),
    method: 'HEAD',
    url: '/files/abc',
    headers: { ...TUS, 'X-HTTP-Method-Override': 'DELETE' },
    status: 200,
    responseHeaders: { 'Upload-Offset': '5' },
  },
  {
    name: 'paths outside the base path are 404',
    method: 'GET',
    url: '/elsewhere/abc',
    status: 404,
  },
  {
    name: 'an encoded path traversal is an unknown upload',
    method: 'HEAD',
    url: '/files/..%2f..%2fetc%2fpasswd',
    headers: TUS,
    status: 404,
  },
  {
    name: 'a malformed percent-encoding is an unknown upload',
    method: 'GET',
    url: '/files/%E0%A4%A',
    status: 404,
    responseBody: /^ERR_UPLOAD_NOT_FOUND/,
  },
  {
    name: 'ids may contain slashes',
    setup: (f) => f.upload('project/abc', { Size: 3 }, 'abc'),
    method: 'HEAD',
    url: '/files/project/abc',
    headers: TUS,
    status: 200,
    responseHeaders: { 'Upload-Offset': '3' },
  },
  {
    name: 'a custom base path',
    options: { basePath: '/api/uploads' },
    method: 'POST',
    url: '/api/uploads/',
    headers: { ...TUS, 'Upload-Length': '1' },
    status: 201,
    responseHeaders: { Location: /^http:\/\/tus\.example\/api\/uploads\/[0-9a-f]{32}$/ },
  },
  {
    name: 'an absolute base path is used as-is in Location',
    options: { basePath: 'https://cdn.example/files/' },
    method: 'POST',
    url: '/files/',
    headers: { ...TUS, 'Upload-Length': '1' },
    status: 201,
    responseHeaders: { Location: /^https:\/\/cdn\.example\/files\/[0-9a-f]{32}$/ },
  },
])

describe('peer addresses, as Go writes them', () => {
  test('IPv4, IPv4 mapped into IPv6, and IPv6', () => {
    expect(hostPort('127.0.0.1', 5000)).toBe('127.0.0.1:5000')
    expect(hostPort('::ffff:10.1.2.3', 80)).toBe('10.1.2.3:80')
    expect(hostPort('::1', 443)).toBe('[::1]:443')
    expect(hostPort(undefined, undefined)).toBe(':')
  })
})
