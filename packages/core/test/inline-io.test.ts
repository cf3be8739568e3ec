import { InlineIo } from '@tus/core'
import { describe, expect, test } from 'vitest'

/** A synchronous call that counts its runs and takes `delayMs`. */
function syncCall<T>(value: T, delayMs = 0) {
  const runs = { count: 0 }
  const call = (): T => {
    runs.count++
    const until = performance.now() + delayMs
    while (performance.now() < until) {
      // busy, as a slow file system keeps its caller
    }
    return value
  }
  return { runs, call }
}

describe('InlineIo', () => {
  test('runs the synchronous form while it is fast, and gives its value as a promise', async () => {
    const io = new InlineIo()
    const { runs, call } = syncCall('sync')
    await expect(io.run(call, async () => 'async')).resolves.toBe('sync')
    await expect(io.run(call, async () => 'async')).resolves.toBe('sync')
    expect(runs.count).toBe(2)
  })

  test('what the synchronous form throws is the rejection', async () => {
    const io = new InlineIo()
    const error = Object.assign(new Error('no such file'), { code: 'ENOENT' })
    const pending = io.run(
      () => {
        throw error
      },
      async () => 'async',
    )
    await expect(pending).rejects.toBe(error)
  })

  test('a window of 16 calls half of them slow sends the next ones to the asynchronous form', async () => {
    const io = new InlineIo()
    const slow = syncCall('slow', 1.5)
    const fast = syncCall('fast')
    for (let i = 0; i < 8; i++) {
      await expect(io.run(slow.call, async () => 'async')).resolves.toBe('slow')
      await expect(io.run(fast.call, async () => 'async')).resolves.toBe('fast')
    }
    await expect(io.run(fast.call, async () => 'async')).resolves.toBe('async')
    await expect(io.run(slow.call, async () => 'async')).resolves.toBe('async')
    expect(slow.runs.count + fast.runs.count).toBe(16)
  })

  test('slow calls now and then (a collection, a preemption) change nothing', async () => {
    const io = new InlineIo()
    const slow = syncCall('slow', 1.5)
    const fast = syncCall('fast')
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 3; j++) {
        await expect(io.run(slow.call, async () => 'async')).resolves.toBe('slow')
      }
      for (let j = 0; j < 7; j++) {
        await expect(io.run(fast.call, async () => 'async')).resolves.toBe('fast')
      }
    }
    expect(slow.runs.count).toBe(18)
  })

  test('disabled: always the asynchronous form', async () => {
    const io = new InlineIo(false)
    const { runs, call } = syncCall('sync')
    await expect(io.run(call, async () => 'async')).resolves.toBe('async')
    expect(runs.count).toBe(0)
  })
})
