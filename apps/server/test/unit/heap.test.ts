import { getHeapSpaceStatistics } from 'node:v8'
import { describe, expect, it, test } from 'vitest'
import { capYoungGeneration, tuneHeapForStreaming } from '../../src/heap.js'

describe('tuneHeapForStreaming', () => {
  it('sets the growing factor when the operator did not', () => {
    expect(tuneHeapForStreaming([], '')).toBe(true)
    expect(tuneHeapForStreaming(['--enable-source-maps'], '--max-old-space-size=512')).toBe(true)
  })

  it("leaves the operator's setting alone, on the command line or in NODE_OPTIONS", () => {
    expect(tuneHeapForStreaming(['--heap-growing-percent=0'], '')).toBe(false)
    expect(tuneHeapForStreaming([], '--inspect --heap_growing_percent=150')).toBe(false)
  })
})

describe('capYoungGeneration', () => {
  const youngMiB = () =>
    getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!.space_size /
    1024 /
    1024

  /** Short-lived garbage with many survivors per scavenge: what makes V8 grow the young space. */
  async function churn(rounds: number): Promise<void> {
    let live: unknown[] = []
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < 4_000; i++) live.push({ i, text: `object ${i}`, list: [i, i + 1] })
      if (live.length > 200_000) live = live.slice(100_000)
      // Lets the GC observer run: it hears of collections after they happened.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  test('the operator’s flags rule', () => {
    expect(capYoungGeneration(8, ['--max-semi-space-size=64'], '')).toBeUndefined()
    expect(capYoungGeneration(8, [], '--semi_space_growth_factor=4')).toBeUndefined()
  })

  test('keeps the young generation at the cap, where the same garbage grows it without one', async () => {
    // The cap is the size now: the same churn without it shows that it would grow.
    const cap = youngMiB()
    expect(cap).toBeLessThan(32)
    const stop = capYoungGeneration(cap, [], '')
    expect(stop).toBeTypeOf('function')
    // Once per process: a second call gives the same handle.
    expect(capYoungGeneration(cap, [], '')).toBe(stop)
    try {
      await churn(300)
      expect(youngMiB()).toBeLessThanOrEqual(cap)
    } finally {
      stop?.()
    }
    await churn(300)
    expect(youngMiB()).toBeGreaterThan(cap)
  })
})
