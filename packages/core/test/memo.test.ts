import { memoById } from '@tus/core'
import { describe, expect, test } from 'vitest'

describe('memoById', () => {
  test('computes once per id, keeps no undefined, and starts afresh when full', () => {
    const calls: string[] = []
    const lookup = memoById((id) => {
      calls.push(id)
      return id === 'bad' ? undefined : { id }
    }, 2)
    const a = lookup('a')
    expect(lookup('a')).toBe(a)
    expect(lookup('bad')).toBeUndefined()
    expect(lookup('bad')).toBeUndefined()
    expect(calls).toEqual(['a', 'bad', 'bad'])
    lookup('b')
    // Full at two: the third id clears the memory, so `a` is worked out anew.
    lookup('c')
    expect(lookup('a')).not.toBe(a)
    expect(lookup('a')).toEqual(a)
    expect(calls).toEqual(['a', 'bad', 'bad', 'b', 'c', 'a'])
  })
})
