import { PassThrough } from 'node:stream'
import { tusError } from '@tus/core'
import { BodyReader } from '@tus/handler'
import { describe, expect, test } from 'vitest'

async function drain(reader: BodyReader): Promise<string> {
  let out = ''
  for await (const chunk of reader) out += Buffer.from(chunk).toString()
  return out
}

describe('BodyReader', () => {
  test('passes chunks through and ends cleanly', async () => {
    const src = new PassThrough()
    const reader = new BodyReader(src, { limit: 100, timeout: 1000 })
    src.write('hello ')
    src.end('world')
    expect(await drain(reader)).toBe('hello world')
    expect(reader.error).toBeUndefined()
    expect(reader.complete).toBe(true)
    expect(reader.bytesRead).toBe(11)
  })

  test('cuts a body at the limit and says why', async () => {
    const src = new PassThrough()
    const reader = new BodyReader(src, { limit: 4, timeout: 1000 })
    src.write('hello')
    expect(await drain(reader)).toBe('hell')
    expect(reader.error?.code).toBe('ERR_UPLOAD_SIZE_EXCEEDED')
    expect(reader.complete).toBe(false)
  })

  test('a source error ends the iteration; the bytes before it stay', async () => {
    const src = new PassThrough()
    const reader = new BodyReader(src, { limit: 100, timeout: 1000 })
    src.write('abc')
    setTimeout(() => src.destroy(new Error('boom')), 10)
    expect(await drain(reader)).toBe('abc')
    expect(reader.error?.code).toBe('ERR_UNEXPECTED_EOF')
  })

  test('a silent client times out with ERR_READ_TIMEOUT', async () => {
    const src = new PassThrough()
    const reader = new BodyReader(src, { limit: 100, timeout: 50 })
    src.write('abc')
    const started = Date.now()
    expect(await drain(reader)).toBe('abc')
    expect(reader.error?.code).toBe('ERR_READ_TIMEOUT')
    expect(Date.now() - started).toBeGreaterThanOrEqual(40)
  })

  test('the timeout restarts with every chunk', async () => {
    const src = new PassThrough()
    const reader = new BodyReader(src, { limit: 100, timeout: 80 })
    const writes = [0, 50, 100, 150].map(
      (ms, i) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            src.write(String(i))
            resolve()
          }, ms),
        ),
    )
    void Promise.all(writes).then(() => src.end())
    expect(await drain(reader)).toBe('0123')
    expect(reader.error).toBeUndefined()
  })

  test('a slow consumer is not a slow client', async () => {
    const src = new PassThrough()
    const reader = new BodyReader(src, { limit: 100, timeout: 40 })
    src.write('a')
    src.end('b')
    let out = ''
    for await (const chunk of reader) {
      out += Buffer.from(chunk).toString()
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(out).toBe('ab')
    expect(reader.error).toBeUndefined()
  })

  test('interrupt ends a waiting read at once', async () => {
    const src = new PassThrough()
    const reader = new BodyReader(src, { limit: 100, timeout: 10_000 })
    src.write('abc')
    const done = drain(reader)
    setTimeout(() => reader.interrupt(tusError('ERR_UPLOAD_INTERRUPTED')), 10)
    expect(await done).toBe('abc')
    expect(reader.error?.code).toBe('ERR_UPLOAD_INTERRUPTED')
    expect(src.isPaused()).toBe(true)
  })

  test('pauses the source while the consumer is busy (backpressure)', async () => {
    const src = new PassThrough()
    const reader = new BodyReader(src, { limit: 1e9, timeout: 1000 })
    const it = reader[Symbol.asyncIterator]()
    src.write('a')
    src.write('b')
    await new Promise((resolve) => setImmediate(resolve))
    expect(src.isPaused()).toBe(true)
    expect((await it.next()).value?.toString()).toBe('a')
    src.end()
    expect((await it.next()).value?.toString()).toBe('b')
    expect((await it.next()).done).toBe(true)
  })
})
