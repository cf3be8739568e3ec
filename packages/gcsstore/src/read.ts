import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import type { Bucket } from '@google-cloud/storage'
import type { ByteRange, ContentInfo } from '@tus/core'
import { notFoundOrGcsError } from './errors.js'
import type { StoredObject, UploadObjects } from './objects.js'

/**
 * Reading an upload: a finished one from its final object, an unfinished one
 * from its chunks one after the other (GCS keeps each chunk as a readable
 * object, so unlike S3 nothing has to wait for the finish). A read is planned
 * from one listing and pinned to the generations listed, so it gives exactly
 * the bytes that were there when it was opened, however many arrive later.
 */

/** The objects that hold the upload's bytes, in order. */
export function contentObjects(objects: UploadObjects): readonly StoredObject[] {
  return objects.final !== undefined ? [objects.final] : objects.chunks
}

/** A part of one object to read; both ends inclusive, relative to the object. */
export interface Piece {
  object: StoredObject
  start: number
  end: number
}

/** The pieces of `objects` (the upload's bytes in order) that cover `range`, or all of them. */
export function planRead(objects: readonly StoredObject[], range?: ByteRange): Piece[] {
  const pieces: Piece[] = []
  let base = 0
  for (const object of objects) {
    const first = base
    const last = base + object.size - 1
    base += object.size
    if (object.size === 0) continue
    const from = range === undefined ? first : Math.max(range.start, first)
    const to = range === undefined ? last : Math.min(range.end, last)
    if (from > to) continue
    pieces.push({ object, start: from - first, end: to - first })
  }
  return pieces
}

/**
 * The pieces' bytes as one stream, one object after the other, each pulled
 * only as fast as the reader takes it. A whole object is read with the SDK's
 * CRC32C check; a range cannot be checked.
 */
export function readPieces(bucket: Bucket, pieces: readonly Piece[]): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const { object, start, end } of pieces) {
      const file = bucket.file(
        object.name,
        object.generation === undefined ? {} : { generation: object.generation },
      )
      const whole = start === 0 && end === object.size - 1
      const stream = file.createReadStream(whole ? {} : { start, end })
      try {
        for await (const chunk of stream) yield chunk as Buffer
      } catch (err) {
        throw notFoundOrGcsError(err, 'read')
      }
    }
  }
  return Readable.from(bytes(), { objectMode: false })
}

/**
 * Size and validators of the bytes stored so far. A finished upload's ETag
 * is its final object's generation, which changes whenever the bytes do;
 * an unfinished one's is a digest of its chunks' names and generations, so it
 * changes with every chunk added. Both are strong: the same tag means the same bytes.
 */
export function describeContent(objects: UploadObjects): ContentInfo {
  const sources = contentObjects(objects)
  const size = sources.reduce((sum, object) => sum + object.size, 0)
  const times = sources.flatMap((object) => (object.updated ? [object.updated.getTime()] : []))
  const lastModified = times.length > 0 ? new Date(Math.max(...times)) : undefined
  const final = objects.final
  let etag: string
  if (final !== undefined && final.generation !== undefined) {
    etag = `"${final.generation}"`
  } else {
    const digest = createHash('sha256')
    for (const object of sources)
      digest.update(`${object.name}#${object.generation}#${object.size}\n`)
    etag = `"${final === undefined ? 'c' : 'f'}${digest.digest('hex').slice(0, 32)}"`
  }
  return lastModified === undefined ? { size, etag } : { size, etag, lastModified }
}
