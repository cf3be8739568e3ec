import type { Readable } from 'node:stream'
import { tusError } from '@tus/core'
import { LIMITS } from './options.js'
import { type PartFile, PartWriter, readPartFile } from './part-file.js'
import { Semaphore } from './semaphore.js'
import type { TempFiles } from './temp.js'

/** A part of a multipart upload, as ListParts and UploadPart tell it. */
export interface Part {
  number: number
  size: number
  etag: string
}

export type { PartFile }

/** The bytes of a part: `open` gives a fresh stream of them for each attempt. */
export interface PartBody {
  size: number
  open(): Readable
}

/** A part file as a part body. */
export const fileBody = (file: PartFile): PartBody => ({
  size: file.size,
  open: () => readPartFile(file),
})

/** Where the parts go: S3 calls whose errors are already TusErrors. */
export interface PartTarget {
  /** Uploads `body` as part `number`; resolves with its ETag. Stops when `signal` aborts. */
  uploadPart(number: number, body: PartBody, signal?: AbortSignal): Promise<string>
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

/** A part sent while it is received (see cutAndUpload). */
interface LivePart {
  number: number
  /** Bytes the part will have: a full part, or the upload's last. */
  length: number
  writer: PartWriter
  abort: AbortController
  result: Promise<TaskResult>
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
 * A part whose size is known in advance (the upload's length is) starts
 * uploading as soon as its first byte arrives if a slot is free: it is sent
 * while it is received, from memory while S3 keeps up and from its file when
 * S3 falls behind (see PartWriter), so the common case never reads a part
 * back from disk. If the source breaks off inside such a part, its upload is
 * aborted (S3 keeps no part of a request cut short) and the file is handled
 * as any last piece.
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
      const etag = await target.uploadPart(number, fileBody(file))
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

  /** The part being received and sent at once, if it is one. */
  let live: LivePart | undefined
  const runLive = async (part: Omit<LivePart, 'result'>): Promise<TaskResult> => {
    const { number, length, writer, abort } = part
    let readFailure: Error | undefined
    const onError = (err: Error) => {
      readFailure ??= err
      abort.abort()
    }
    try {
      const body = { size: length, open: () => writer.open(length, onError) }
      const etag = await target.uploadPart(number, body, abort.signal)
      return { number, size: length, state: 'ok', etag }
    } catch (error) {
      // Aborted because the source broke off inside the part: S3 kept nothing of it.
      if (abort.signal.aborted && readFailure === undefined) {
        return { number, size: length, state: 'skipped' }
      }
      failure ??= { error: readFailure ?? error }
      return { number, size: length, state: 'failed' }
    } finally {
      o.semaphore.release()
    }
  }
  /** Starts the next part file, live if its size is known and a slot is free now. */
  const startPart = async (prefix?: PartFile): Promise<PartWriter> => {
    const before = prefix !== undefined ? 0 : (o.prefix?.size ?? 0) + received
    const length = o.remaining === undefined ? 0 : Math.min(o.partSize, o.remaining - before)
    const isLive =
      length > 0 &&
      failure === undefined &&
      nextNumber <= LIMITS.maxMultipartParts &&
      o.semaphore.tryAcquire()
    let writer: PartWriter
    try {
      writer = await PartWriter.create(o.temp, { prefix, live: isLive })
    } catch (err) {
      if (isLive) o.semaphore.release()
      throw err
    }
    if (isLive) {
      const part = { number: nextNumber++, length, writer, abort: new AbortController() }
      live = { ...part, result: runLive(part) }
    }
    return writer
  }
  /** The live part's task, with its file removed once both sides are done. */
  const settleLive = (part: LivePart, file: PartFile): Promise<TaskResult> =>
    part.result.finally(() => o.temp.remove(file.path).catch(() => {}))

  const it = src[Symbol.asyncIterator]()
  let exhausted = false
  let current: PartWriter | undefined
  try {
    current = await startPart(o.prefix)
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
        current ??= await startPart()
        const size = live?.writer === current ? live.length : o.partSize
        const room = size - current.size
        const piece = view.byteLength > room ? view.subarray(0, room) : view
        await current.write(piece)
        received += piece.byteLength
        view = view.subarray(piece.byteLength)
        if (current.size >= size) {
          const full = current
          current = undefined
          const file = await full.close()
          if (live?.writer === full) {
            tasks.push(settleLive(live, file))
            live = undefined
          } else {
            await upload(file)
          }
        }
      }
    }
    if (current !== undefined) {
      const last = current
      current = undefined
      const file = await last.close()
      if (live?.writer === last) {
        // Cut short: stop its upload; the file is a last piece as any other.
        const part = live
        live = undefined
        last.abandon()
        part.abort.abort()
        const result = await part.result
        if (result.state === 'failed') tasks.push(Promise.resolve(result))
        nextNumber = part.number
      }
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
    if (live !== undefined) {
      // A temporary file failed inside a live part: it cannot be completed.
      live.writer.abandon()
      live.abort.abort()
      tasks.push(live.result)
      live = undefined
    }
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
