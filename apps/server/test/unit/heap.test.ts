import { describe, expect, it } from 'vitest'
import { tuneHeapForStreaming } from '../../src/heap.js'

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
