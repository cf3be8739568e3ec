import { copyFile, type FileHandle, open } from 'node:fs/promises'
import { tusError } from '@tus/core'
import { LIMITS } from './options.js'
import { Semaphore } from './semaphore.js'
import type { TempFiles } from './temp.js'

/** A part of a multipart upload, as ListParts and UploadPart tell it. */
export interface Part {
  number: number
  size: number
  etag: string
}

/** A file of the temporary directory and its size. */
export interface PartFile {
  path: string
  size: number
}

/** Where the parts go: S3 calls whose errors are already TusErrors. */
export interface PartTarget {
  /** Uploads the file as part `number`; resolves with its ETag. */
  uploadPart(number: number, file: PartFile): Promise<string>
  /** Overwrites part `number` with no bytes, undoing it (see cutAndUpload). */
  emptyPart(number: number): Promise<string>
}

export interface CutOptions {
  temp: TempFiles
  /** The store's limit on part uploads in flight, shared by all its uploads. */
  semaphore: Semaphore
  /** Bytes of a full part. */
  partSize: number
  /** A last piece at least this big is uploaded as a part; a smaller one is returned as the tail. */
  minPartSize: number
  /** The number of the first part. */
  firstPartNumber: number
  /**
   * Bytes, counted from the start of this stream (the prefix included), that
   * complete the upload: a last piece that reaches them is the upload's last
   * part, whatever its size. Undefined while the length is deferred.
   */
  remaining: number | undefined
  /** Full parts waiting for an upload slot before the source is paused. */
  maxBufferedParts: number
  /** Bytes that go before the source's (the old `.part`), already in a file. */
  prefix?: PartFile | undefined
  /** Once aborted, no more bytes are taken; what was taken is still uploaded. */
  signal?: AbortSignal | undefined
  /** `end`: a failing source ends the stream (a request body). `throw`: it is a failure. */
  sourceErrors: 'end' | 'throw'
}

export interface CutResult {
  /** Bytes taken from the source (the prefix not counted). */
  received: number
  /** The parts uploaded, in order, all without a gap. */
  parts: Part[]
  /** The last piece, too small for a part: it is to become the `.part` object. */
  tail?: PartFile | undefined
  /** Why it stopped, if it failed. Nothing of `tail` or after the failed part is kept. */
  failure?: unknown
  /** True if the prefix's bytes are in an uploaded part. */
  prefixStored: boolean
  /** True if a part after a failed one could not be undone (see cutAndUpload). */
  orphaned: boolean
}

/** Bytes gathered before they are written to the part file in one writev. */
const FLUSH_BYTES = 256 * 1024

/** A part file being written: chunks are gathered and written with writev. */
class PartWriter {
  size: number
  #pending: Uint8Array[] = []
  #pendingBytes = 0

  private constructor(
    readonly path: string,
    readonly handle: FileHandle,
    size: number,
  ) {
    this.size = size
  }

  static async create(temp: TempFiles, prefix?: PartFile): Promise<PartWriter> {
    const path = await temp.path()
    if (prefix !== undefined) await copyFile(prefix.path, path)
    const handle = await open(path, prefix !== undefined ? 'a' : 'wx', 0o600)
    return new PartWriter(path, handle, prefix?.size ?? 0)
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#pending.push(chunk)
    this.#pendingBytes += chunk.byteLength
    this.size += chunk.byteLength
    if (this.#pendingBytes >= FLUSH_BYTES) await this.#flush()
  }

  async close(): Promise<PartFile> {
    try {
      await this.#flush()
    } finally {
      await this.handle.close()
    }
    return { path: this.path, size: this.size }
  }

  /** Writes every pending byte; writev may write less than asked. */
  async #flush(): Promise<void> {
    let rest = this.#pending
    this.#pending = []
    this.#pendingBytes = 0
    while (rest.length > 0) {
      let { bytesWritten: skip } = await this.handle.writev(rest)
      let i = 0
      while (i < rest.length && skip >= rest[i]!.byteLength) skip -= rest[i++]!.byteLength
      rest = rest.slice(i)
      if (rest.length > 0) rest[0] = rest[0]!.subarray(skip)
    }
  }
}

interface TaskResult {
  number: number
  size: number
  /** `ok`: uploaded; `failed`: tried and failed (it may have landed all the same); `skipped`: never tried. */
  state: 'ok' | 'failed' | 'skipped'
  etag?: string
}

/**
 * Cuts `prefix` + `src` into part files of `partSize` bytes in the temporary
 * directory (never a whole part in memory) and uploads each full one as the
 * next part, several at once within the store's shared limit. At most
 * `maxBufferedParts` full parts wait for a slot; then the source is not read
 * until one starts uploading, which holds the client back (backpressure).
 * The last piece is uploaded as a part if it is big enough or completes the
 * upload, and otherwise returned as the tail, for the `.part` object.
 *
 * Part files are removed as soon as they are uploaded; the caller removes
 * what is left (`TempFiles.removeAll`) however this ends.
 *
 * When an upload fails (after the target's own retries), nothing more is
 * read and the parts not yet started are dropped. Parts run in parallel, so a
 * later part may have gone through while an earlier one failed: S3 would then
 * count bytes that do not follow on from the others. Each part after the
 * failed one is overwritten with an empty one, so that the sum of the part
 * sizes stays the true offset. Those empty parts are slots: the next write
 * numbers its parts from the last part with bytes, overwriting them in order
 * (see nextPartNumber), and since the bytes still to come at least fill the
 * parts they held, none is left by the time the upload completes.
 */
export async function cutAndUpload(
  src: AsyncIterable<Uint8Array>,
  target: PartTarget,
  o: CutOptions,
): Promise<CutResult> {
  const buffered = new Semaphore(o.maxBufferedParts)
  const tasks: Promise<TaskResult>[] = []
  let failure: { error: unknown } | undefined
  let nextNumber = o.firstPartNumber
  let received = 0
  let tail: PartFile | undefined

  const runTask = async (number: number, file: PartFile): Promise<TaskResult> => {
    await o.semaphore.acquire()
    buffered.release()
    try {
      if (failure !== undefined) return { number, size: file.size, state: 'skipped' }
      if (number > LIMITS.maxMultipartParts) {
        failure ??= {
          error: tusError('ERR_INTERNAL_SERVER_ERROR', {
            message: `s3: an upload has at most ${LIMITS.maxMultipartParts} parts`,
          }),
        }
        return { number, size: file.size, state: 'skipped' }
      }
      const etag = await target.uploadPart(number, file)
      return { number, size: file.size, state: 'ok', etag }
    } catch (error) {
      failure ??= { error }
      return { number, size: file.size, state: 'failed' }
    } finally {
      o.semaphore.release()
      await o.temp.remove(file.path).catch(() => {})
    }
  }
  /** Queues a closed part file for upload; waits while too many are waiting. */
  const upload = async (file: PartFile): Promise<void> => {
    await buffered.acquire()
    tasks.push(runTask(nextNumber++, file))
  }

  const it = src[Symbol.asyncIterator]()
  let exhausted = false
  let current: PartWriter | undefined
  try {
    current = await PartWriter.create(o.temp, o.prefix)
    for (;;) {
      if (failure !== undefined || o.signal?.aborted) break
      let next: IteratorResult<Uint8Array>
      try {
        next = await it.next()
      } catch (error) {
        exhausted = true
        // A request body that broke off ends the chunk; a partial that cannot be read fails.
        if (o.sourceErrors === 'throw') failure ??= { error }
        break
      }
      if (next.done) {
        exhausted = true
        break
      }
      let view = next.value
      while (view.byteLength > 0 && failure === undefined) {
        current ??= await PartWriter.create(o.temp)
        const room = o.partSize - current.size
        const piece = view.byteLength > room ? view.subarray(0, room) : view
        await current.write(piece)
        received += piece.byteLength
        view = view.subarray(piece.byteLength)
        if (current.size >= o.partSize) {
          const full = current
          current = undefined
          await upload(await full.close())
        }
      }
    }
    if (current !== undefined) {
      const last = current
      current = undefined
      const file = await last.close()
      const streamed = (o.prefix?.size ?? 0) + received
      const completes = o.remaining !== undefined && streamed >= o.remaining
      if (failure !== undefined || file.size === 0) await o.temp.remove(file.path)
      else if (file.size >= o.minPartSize || completes) await upload(file)
      else tail = file
    }
  } catch (error) {
    // The temporary file failed (a full disk, say): a failure of the store.
    failure ??= { error }
  } finally {
    if (!exhausted) await Promise.resolve(it.return?.()).catch(() => {})
    if (current !== undefined) await current.handle.close().catch(() => {})
  }

  const results = await Promise.all(tasks)
  const toPart = (r: TaskResult): Part => ({ number: r.number, size: r.size, etag: r.etag ?? '' })
  if (failure === undefined) {
    const parts = results.map(toPart)
    return { received, parts, tail, prefixStored: parts.length > 0, orphaned: false }
  }

  if (tail !== undefined) await o.temp.remove(tail.path).catch(() => {})
  const firstFailed = Math.min(
    ...results.filter((r) => r.state !== 'ok').map((r) => r.number),
    Number.POSITIVE_INFINITY,
  )
  const kept = results.filter((r) => r.state === 'ok' && r.number < firstFailed)
  let orphaned = false
  for (const r of results) {
    // A failed request may have landed all the same: undo it too.
    if (r.state === 'skipped' || r.number <= firstFailed) continue
    try {
      await o.semaphore.with(() => target.emptyPart(r.number))
    } catch {
      orphaned = true
    }
  }
  return {
    received,
    parts: kept.map(toPart),
    failure: failure.error,
    prefixStored: kept.some((r) => r.number === o.firstPartNumber),
    orphaned,
  }
}
