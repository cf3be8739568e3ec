import type { ByteSource } from '@tus/core'

/**
 * `src` without its leading empty chunks, or undefined if it has no byte (or,
 * with `sourceErrors: 'end'`, fails before its first byte): such a write
 * touches nothing.
 */
export async function peek(
  src: ByteSource,
  sourceErrors: 'end' | 'throw',
): Promise<AsyncIterable<Uint8Array> | undefined> {
  const it = src[Symbol.asyncIterator]()
  for (;;) {
    let next: IteratorResult<Uint8Array>
    try {
      next = await it.next()
    } catch (err) {
      if (sourceErrors === 'throw') throw err
      return undefined
    }
    if (next.done) return undefined
    if (next.value.byteLength === 0) continue
    const first = next.value
    let sent = false
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (sent) return it.next()
          sent = true
          return Promise.resolve({ value: first, done: false })
        },
        return: async () => {
          await it.return?.()
          return { value: undefined, done: true }
        },
      }),
    }
  }
}
