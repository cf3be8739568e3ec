/**
 * CRC32C (Castagnoli) arithmetic for checking composes. GCS keeps a CRC32C of
 * every object and computes a composite object's from its components, never
 * from re-read bytes. The store works out what that value must be from the
 * sources' own CRC32Cs and sizes (zlib's crc32_combine, with the Castagnoli
 * polynomial) and compares, as tusd does with vimeo's crc32combine.
 */

/** The Castagnoli polynomial, reflected. */
const POLY = 0x82f63b78

/** `mat` (32 columns over GF(2)) times `vec`. */
function matrixTimes(mat: Uint32Array, vec: number): number {
  let sum = 0
  for (let i = 0; vec !== 0; i++, vec >>>= 1) {
    if (vec & 1) sum ^= mat[i]!
  }
  return sum >>> 0
}

/** `square` = `mat` × `mat`. */
function matrixSquare(square: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = matrixTimes(mat, mat[n]!)
}

/**
 * The CRC32C of A followed by B, from crc(A), crc(B) and B's length. Lengths
 * beyond 2^32 are fine (GCS objects reach 5 TiB): the length is halved
 * arithmetically, not by bit shifts.
 */
export function crc32cCombine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0
  const even = new Uint32Array(32)
  const odd = new Uint32Array(32)
  // The operator for one zero bit, then for two and four.
  odd[0] = POLY
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row
  matrixSquare(even, odd)
  matrixSquare(odd, even)
  let crc = crcA >>> 0
  let length = lengthB
  // Apply len(B) zero bytes to crc(A), squaring the operator for each bit of the length.
  for (;;) {
    matrixSquare(even, odd)
    if (length % 2 === 1) crc = matrixTimes(even, crc)
    length = Math.floor(length / 2)
    if (length === 0) break
    matrixSquare(odd, even)
    if (length % 2 === 1) crc = matrixTimes(odd, crc)
    length = Math.floor(length / 2)
    if (length === 0) break
  }
  return (crc ^ crcB) >>> 0
}

/** A source of a compose: its CRC32C and size. */
export interface Checksummed {
  crc32c: number
  size: number
}

/** The CRC32C of the sources' bytes one after the other; 0 for none (the CRC of nothing). */
export function combinedCrc32c(sources: readonly Checksummed[]): number {
  let crc = 0
  for (const source of sources) crc = crc32cCombine(crc, source.crc32c, source.size)
  return crc
}

/** GCS's `crc32c` field (base64 of the big-endian value) as a number; undefined if absent or malformed. */
export function decodeCrc32c(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const bytes = Buffer.from(value, 'base64')
  return bytes.length === 4 ? bytes.readUInt32BE(0) : undefined
}

/** A CRC32C value as GCS writes it (base64 of the big-endian value). */
export function encodeCrc32c(crc: number): string {
  const bytes = Buffer.alloc(4)
  bytes.writeUInt32BE(crc >>> 0)
  return bytes.toString('base64')
}
