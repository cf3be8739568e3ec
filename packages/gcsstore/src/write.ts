import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { File, FileMetadata } from '@google-cloud/storage'
import { type ByteSource, tusError } from '@tus/core'
import { gcsError, isPreconditionFailed } from './errors.js'
import { type StoredObject, storedObject } from './objects.js'

/**
 * One PATCH body into one new chunk object, streamed: the bytes flow from the
 * source into a single upload request as they arrive, pulled no faster than
 * the request takes them, so memory stays at a few buffers whatever the size.
 *
 * The upload is a simple (multipart/related) upload of unknown length: one
 * request, chunked transfer encoding, nothing staged on disk or in memory.
 * GCS creates the object only when the request completes, whole and with the
 * CRC32C the SDK computed on the way (a mismatch deletes it again). So:
 *
 * - A source that fails (a client that disconnects, a body that breaks off)
 *   ends the chunk: the request is completed with the bytes received so far,
 *   and they count. tusd v2 does the same: its body reader turns a broken
 *   connection into EOF.
 * - An aborted `signal` ends the chunk the same way, at once.
 * - A failure of GCS (or of the connection to it) leaves no object: the
 *   offset, the sum of the chunks, is what it was, and the write rejects.
 * - A source that ends before its first byte creates no object at all.
 * - The object is created with `ifGenerationMatch: 0`, so an existing chunk
 *   is never replaced: two writers that picked the same index (their lock did
 *   not hold) cannot both succeed; the second gets ERR_MISMATCHED_OFFSET.
 */
export interface ChunkWritten {
  /** Bytes kept. */
  bytes: number
  /** The new chunk object; undefined when there were no bytes. */
  object: StoredObject | undefined
}

export interface ChunkWriteOptions {
  /** Ends the chunk at once, keeping what arrived (see above). */
  signal?: AbortSignal | undefined
  /** The new object's resource metadata (Content-Type, custom metadata). */
  metadata?: FileMetadata | undefined
}

export async function writeChunkObject(
  file: File,
  src: ByteSource,
  options: ChunkWriteOptions = {},
): Promise<ChunkWritten> {
  const { signal, metadata } = options
  const iterator = src[Symbol.asyncIterator]()
  let sourceDone = false
  // The next piece of the source, or undefined where the chunk ends: the
  // source is done or failed, or the signal aborted (even while waiting).
  const pull = (): Promise<Uint8Array | undefined> => {
    if (signal?.aborted) return Promise.resolve(undefined)
    const next = iterator.next().then(
      (result) => {
        if (result.done) sourceDone = true
        return result.done ? undefined : result.value
      },
      () => {
        sourceDone = true
        return undefined
      },
    )
    if (signal === undefined) return next
    return new Promise((resolve) => {
      const onAbort = () => resolve(undefined)
      signal.addEventListener('abort', onAbort, { once: true })
      void next.then((piece) => {
        signal.removeEventListener('abort', onAbort)
        resolve(piece)
      })
    })
  }
  // A source left before its end (abort, a GCS failure) is told to stop.
  const release = () => {
    if (sourceDone) return
    try {
      Promise.resolve(iterator.return?.()).catch(() => {})
    } catch {
      // a source that cannot be stopped is left to its owner
    }
  }

  let first = await pull()
  while (first !== undefined && first.byteLength === 0) first = await pull()
  if (first === undefined) {
    release()
    return { bytes: 0, object: undefined }
  }

  let bytes = 0
  async function* body(): AsyncGenerator<Buffer> {
    for (let piece = first; piece !== undefined; piece = await pull()) {
      if (piece.byteLength === 0) continue
      bytes += piece.byteLength
      // A view, not a copy: the source's bytes go out as they are.
      yield Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength)
    }
  }

  const upload = file.createWriteStream({
    resumable: false,
    contentType: metadata?.contentType ?? 'application/octet-stream',
    ...(metadata === undefined ? {} : { metadata }),
    // No CRC32C of the body in JavaScript (4 s of CPU per GiB in the SDK), as tusd's
    // gcsstore sends none: GCS computes each object's CRC32C itself, and the compose
    // is checked against those (see compose.ts).
    validation: false,
    preconditionOpts: { ifGenerationMatch: 0 },
  })
  try {
    await pipeline(Readable.from(body(), { objectMode: true, highWaterMark: 1 }), upload)
  } catch (err) {
    if (isPreconditionFailed(err)) {
      throw tusError('ERR_MISMATCHED_OFFSET', {
        message: 'mismatched offset: another write stored a chunk at this offset first',
        cause: err,
      })
    }
    throw gcsError(err, 'write chunk')
  } finally {
    release()
  }

  const object = storedObject(file.name, file.metadata)
  if (object.size !== bytes) {
    // Never happens with GCS (the CRC32C check comes first); if it did, the
    // chunk must not count.
    await file.delete({ ignoreNotFound: true }).catch(() => {})
    throw tusError('ERR_INTERNAL_SERVER_ERROR', {
      message: `gcs: the chunk stored ${object.size} bytes of ${bytes} sent`,
    })
  }
  return { bytes, object }
}
