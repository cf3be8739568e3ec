import { expect, test } from 'vitest'
import { fixture, send, TUS } from './harness.js'

test('concurrent HEADs of one upload share reads and all see the current offset', async () => {
  const f = await fixture()
  await f.upload('abc', { Size: 11 }, 'hello')
  let reads = 0
  const getUpload = f.store.getUpload.bind(f.store)
  f.store.getUpload = (id: string) => {
    reads++
    return getUpload(id)
  }
  const answers = await Promise.all(
    Array.from({ length: 50 }, () =>
      send('fetch', f.handler, { method: 'HEAD', url: '/files/abc', headers: TUS }),
    ),
  )
  for (const answer of answers) {
    expect(answer.status).toBe(200)
    expect(answer.headers['upload-offset']).toBe('5')
  }
  expect(reads).toBeLessThan(50)

  // A HEAD after a write sees the write: the shared read is gone once answered.
  const patch = await send('fetch', f.handler, {
    method: 'PATCH',
    url: '/files/abc',
    headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '5' },
    body: ' world',
  })
  expect(patch.status).toBe(204)
  const after = await send('fetch', f.handler, { method: 'HEAD', url: '/files/abc', headers: TUS })
  expect(after.headers['upload-offset']).toBe('11')
})
