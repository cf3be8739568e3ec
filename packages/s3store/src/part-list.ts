import { LIMITS } from './options.js'
import type { Part } from './parts.js'

/** Bytes held by `parts`. */
export const partBytes = (parts: Part[]) => parts.reduce((total, part) => total + part.size, 0)

/**
 * The number of the next part: one after the last part with bytes. For the
 * parts tusd writes (1..n, none empty) that is tusd's len(parts)+1. Empty
 * parts after it are slots left by a failed write (see cutAndUpload), which
 * the next parts overwrite.
 */
export const nextPartNumber = (parts: Part[]) =>
  parts.reduce((max, part) => (part.size > 0 ? Math.max(max, part.number) : max), 0) + 1

/** `parts` with `added` in, a new part replacing an old one of its number; by number. */
export const mergeParts = (parts: Part[], added: Part[]) => {
  const numbers = new Set(added.map((part) => part.number))
  return [...parts.filter((part) => !numbers.has(part.number)), ...added].sort(
    (a, b) => a.number - b.number,
  )
}

/** One UploadPartCopy: part `number` from the object `source`, whole or a byte range of it. */
export interface PartCopy {
  number: number
  source: string
  range?: string | undefined
  size: number
}

/**
 * The copies that append the objects `sources` (key and size) as parts from
 * `firstNumber` on: one part per object, or even ranges for an object over
 * the maximum part size (5 GiB), so that none is too small to be a part.
 */
export function planCopies(sources: { key: string; size: number }[], firstNumber: number) {
  const copies: PartCopy[] = []
  let number = firstNumber
  for (const { key, size } of sources) {
    const count = Math.ceil(size / LIMITS.maxPartSize)
    if (count <= 1) {
      copies.push({ number: number++, source: key, size })
      continue
    }
    const step = Math.ceil(size / count)
    for (let start = 0; start < size; start += step) {
      const end = Math.min(start + step, size) - 1
      copies.push({
        number: number++,
        source: key,
        range: `bytes=${start}-${end}`,
        size: end - start + 1,
      })
    }
  }
  return copies
}
