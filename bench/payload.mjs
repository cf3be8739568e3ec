// The bytes every bench client sends. Upload number `seed` has at byte p the byte
// pool[shift(seed, block) + p % BLOCK], block = floor(p / BLOCK): every block of every upload is
// a different window of one random pool (2 × BLOCK bytes), so a byte stored at the wrong offset
// or in the wrong upload changes the sha256, and a body is a run of views into the pool: nothing
// is generated, allocated or copied per request. load.mjs (through our server) and the SDK sides
// of s3.mjs and gcs.mjs (straight to the store) send the very same bytes this way.

export const BLOCK = 1 << 20

/** Where block `block` of upload `seed` starts in the pool. */
export function shift(seed, block) {
  let h = Math.imul(seed + 0x632be5ab, 0x9e3779b1) ^ Math.imul(block + 0x5bd1e995, 0x85ebca6b)
  h ^= h >>> 15
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 13
  return (h >>> 0) % BLOCK
}

/** Bytes [start, start + length) of upload `seed`, as views into `pool`. */
export function* views(pool, seed, start, length) {
  const end = start + length
  for (let p = start; p < end; ) {
    const block = Math.floor(p / BLOCK)
    const within = p - block * BLOCK
    const n = Math.min(BLOCK - within, end - p)
    const s = shift(seed, block) + within
    yield pool.subarray(s, s + n)
    p += n
  }
}
