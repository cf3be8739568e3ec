import type { Bucket, FileMetadata } from '@google-cloud/storage'
import type { FileInfo } from '@tus/core'
import { decodeCrc32c } from './crc32c.js'
import { gcsCall, gcsError, isMissing, notFoundOrGcsError } from './errors.js'
import type { UploadNames } from './names.js'

/**
 * What GCS holds of an upload's bytes, read with two requests at once: the
 * list of names under `<key>_` (chunks and intermediate objects, with their
 * sizes) and the final object's metadata. Nothing is kept between calls, so
 * any process finds the same state: the offset is the final object's size
 * once it exists, else the sum of the chunks' sizes.
 *
 * One exception: an upload whose body came whole in its first PATCH is
 * written straight to `<key>` (see GCSUpload.writeChunk). If that body broke
 * off, `<key>` holds fewer bytes than the upload's known size: then it is not
 * a finished upload's object but the upload's first bytes, chunk -1, and the
 * chunks written after it follow it. tusd counts such an upload the same way:
 * its offset is the sum of every object of the upload.
 */

/** One object, as far as the store needs it. */
export interface StoredObject {
  name: string
  size: number
  /** CRC32C of the bytes, as GCS computed it; GCS has one for every object. */
  crc32c: number | undefined
  /** The object's generation: pins reads and composes to these very bytes. */
  generation: string | undefined
  updated: Date | undefined
}

export interface Chunk extends StoredObject {
  index: number
}

export interface UploadObjects {
  /** By index, ascending: the order of the bytes. */
  chunks: Chunk[]
  /** Intermediate objects a compose left behind (removed by finish and terminate). */
  temporaries: string[]
  /** The final object, once the upload is finished. */
  final: StoredObject | undefined
}

/** The object resource as the store reads it. */
export function storedObject(name: string, metadata: FileMetadata): StoredObject {
  const size = Number(metadata.size ?? 0)
  const generation = metadata.generation
  const updated = metadata.updated ? new Date(metadata.updated) : undefined
  return {
    name,
    size: Number.isSafeInteger(size) && size >= 0 ? size : 0,
    crc32c: decodeCrc32c(metadata.crc32c),
    generation: generation === undefined ? undefined : String(generation),
    updated: updated && !Number.isNaN(updated.getTime()) ? updated : undefined,
  }
}

/** The final object, or undefined while there is none. */
export async function statObject(bucket: Bucket, name: string): Promise<StoredObject | undefined> {
  try {
    const [metadata] = await bucket.file(name).getMetadata()
    return storedObject(name, metadata)
  } catch (err) {
    if (isMissing(err)) return undefined
    throw notFoundOrGcsError(err, 'stat object')
  }
}

/** The chunks and intermediate objects of an upload (every page of the list). */
export async function listChunks(
  bucket: Bucket,
  names: UploadNames,
): Promise<Pick<UploadObjects, 'chunks' | 'temporaries'>> {
  const [files] = await gcsCall('list chunks', () =>
    bucket.getFiles({ prefix: names.chunkPrefix, autoPaginate: true, versions: false }),
  )
  const chunks: Chunk[] = []
  const temporaries: string[] = []
  for (const file of files) {
    const kind = names.classify(file.name)
    if (kind.kind === 'chunk')
      chunks.push({ ...storedObject(file.name, file.metadata), index: kind.index })
    else if (kind.kind === 'temporary') temporaries.push(file.name)
  }
  chunks.sort((a, b) => a.index - b.index)
  return { chunks, temporaries }
}

/** The index of a `<key>` that holds an unfinished upload's first bytes. */
export const HEAD_INDEX = -1

/** What readObjects needs to know of the upload: its size, if known. */
export type UploadSize = Pick<FileInfo, 'Size' | 'SizeIsDeferred'>

/** Everything GCS holds of the upload's bytes. */
export async function readObjects(
  bucket: Bucket,
  names: UploadNames,
  size: UploadSize,
): Promise<UploadObjects> {
  const [listed, final] = await Promise.all([
    listChunks(bucket, names),
    statObject(bucket, names.key),
  ])
  if (final !== undefined && !size.SizeIsDeferred && final.size < size.Size) {
    // A whole-upload write that broke off: the first bytes, not the finished upload.
    return {
      ...listed,
      chunks: [{ ...final, index: HEAD_INDEX }, ...listed.chunks],
      final: undefined,
    }
  }
  return { ...listed, final }
}

/** The latest `updated` of `objects` (epoch 0 if none has one). */
export function latest(objects: readonly StoredObject[]): Date {
  const times = objects.flatMap((object) => (object.updated ? [object.updated.getTime()] : []))
  return new Date(times.length > 0 ? Math.max(...times) : 0)
}

/** Bytes stored: the final object's size, else the chunks' sum. */
export function storedOffset(objects: UploadObjects): number {
  if (objects.final !== undefined) return objects.final.size
  return objects.chunks.reduce((sum, chunk) => sum + chunk.size, 0)
}

/** The index of the next chunk: one past the largest (tusd: max index + 1), 0 for the first. */
export function nextChunkIndex(chunks: readonly Chunk[]): number {
  return chunks.reduce((max, chunk) => Math.max(max, chunk.index), -1) + 1
}

/**
 * Deletes objects, a few at a time; ones already gone are fine. Every
 * deletion is attempted; the first failure is thrown afterwards.
 */
export async function deleteObjects(bucket: Bucket, objectNames: readonly string[]): Promise<void> {
  let failure: unknown
  await forEachLimited(objectNames, 8, async (name) => {
    try {
      await bucket.file(name).delete({ ignoreNotFound: true })
    } catch (err) {
      failure ??= err
    }
  })
  if (failure !== undefined) throw gcsError(failure, 'delete object')
}

/** Runs `fn` on every item, at most `limit` at once. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      await fn(items[index]!, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
