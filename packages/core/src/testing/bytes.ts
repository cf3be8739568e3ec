import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'

/**
 * Deterministic, position-dependent bytes (xorshift32), so that a byte written
 * at the wrong offset, twice or out of order shows as a mismatch.
 */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length)
  let x = (seed * 2654435761) >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    bytes[i] = x & 0xff
  }
  return bytes
}

/**
 * Yields `bytes` in chunks of `chunkSize` as views into `bytes` (non-zero
 * byteOffset), as an HTTP body does: a store must honour the view, not the
 * whole underlying buffer.
 */
export async function* chunked(
  bytes: Uint8Array,
  chunkSize = 64 * 1024,
): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += chunkSize) {
    yield bytes.subarray(start, Math.min(start + chunkSize, bytes.length))
  }
}

/** Like {@link chunked}, then throws: a request body that breaks off. */
export async function* failingAfter(
  bytes: Uint8Array,
  chunkSize = 64 * 1024,
): AsyncGenerator<Uint8Array> {
  yield* chunked(bytes, chunkSize)
  throw new Error('conformance: the source failed on purpose')
}

/** Every byte of a stream, as one Uint8Array. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of stream) {
    parts.push(typeof part === 'string' ? Buffer.from(part) : part)
  }
  return Buffer.concat(parts)
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts)
}

/**
 * Byte equality that reports lengths, the first differing offset and digests
 * instead of dumping megabytes into the assertion message.
 */
export function assertBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (Buffer.compare(actual, expected) === 0) return
  let at = 0
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++
  assert.fail(
    `${what}: got ${actual.length} bytes (sha256 ${digest(actual)}), expected ${expected.length} ` +
      `(sha256 ${digest(expected)}); first difference at byte ${at}`,
  )
}

function digest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16)
}
