import type { Readable } from 'node:stream'
import { type TusError, tusError } from '@tus/core'

/**
 * The request body as the store sees it: an async iterable of chunks that
 * always ends cleanly. Whatever goes wrong with the body (the client
 * disconnects, stalls past the network timeout, sends more than allowed, or
 * the request is interrupted) ends the iteration; the reason is kept in
 * `error` for the handler to answer with after the store has saved what
 * arrived. This is tusd's body reader: body errors never reach the store.
 *
 * Chunks are handed over as they come from the socket, without copying;
 * the source is paused while the store is busy, so memory stays flat.
 */
export class BodyReader implements AsyncIterable<Uint8Array> {
  /** Bytes handed to the store so far. */
  bytesRead = 0
  /** Why reading stopped early, if it did. */
  error: TusError | undefined

  private readonly src: Readable
  private readonly limit: number
  private readonly limitError: 'ERR_UPLOAD_SIZE_EXCEEDED' | 'ERR_MAX_SIZE_EXCEEDED'
  private queue: Buffer[] = []
  private waiter: ((result: IteratorResult<Uint8Array>) => void) | undefined
  private done = false
  private timer: NodeJS.Timeout | undefined
  private readonly detach: () => void

  /**
   * @param limit most bytes to accept; more is cut off with `limitError`
   *   (ERR_UPLOAD_SIZE_EXCEEDED or ERR_MAX_SIZE_EXCEEDED).
   * @param timeout ms without a byte before ERR_READ_TIMEOUT; restarts on every read.
   * @param classify maps a source error to a TusError (transports tell resets apart).
   */
  constructor(
    src: Readable,
    options: {
      limit: number
      limitError?: 'ERR_UPLOAD_SIZE_EXCEEDED' | 'ERR_MAX_SIZE_EXCEEDED'
      timeout: number
      classify?: (err: unknown) => TusError
    },
  ) {
    this.src = src
    this.limit = options.limit
    this.limitError = options.limitError ?? 'ERR_UPLOAD_SIZE_EXCEEDED'
    const classify = options.classify ?? (() => tusError('ERR_UNEXPECTED_EOF'))
    const onData = (chunk: Buffer) => this.push(chunk)
    const onEnd = () => this.finish(undefined)
    const onError = (err: unknown) => this.finish(classify(err))
    const onClose = () => this.finish(tusError('ERR_UNEXPECTED_EOF'))
    src.on('data', onData)
    src.on('end', onEnd)
    src.on('error', onError)
    src.on('close', onClose)
    this.detach = () => {
      src.off('data', onData)
      src.off('end', onEnd)
      src.off('close', onClose)
      // The error listener stays: a late socket error must not crash the process.
    }
    // The timeout measures the client, not the store: while the store is busy
    // (nobody waiting for a chunk) it is re-armed instead of firing.
    this.timer = setTimeout(() => {
      if (this.waiter === undefined && !this.done) this.timer?.refresh()
      else this.finish(tusError('ERR_READ_TIMEOUT'))
    }, options.timeout)
    this.timer.unref()
  }

  /** Stops reading at once, e.g. because another request wants the lock. */
  interrupt(reason: TusError): void {
    this.finish(reason)
  }

  /** True once the body was read to its very end, so the connection can be reused. */
  get complete(): boolean {
    return this.done && this.error === undefined
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => {
        const chunk = this.queue.shift()
        if (chunk !== undefined) {
          if (this.queue.length === 0 && !this.done) this.src.resume()
          return Promise.resolve({ value: chunk, done: false })
        }
        if (this.done) return Promise.resolve({ value: undefined, done: true })
        this.timer?.refresh()
        return new Promise((resolve) => {
          this.waiter = resolve
        })
      },
      return: () => {
        // The consumer stopped early (a store failure): stop reading too.
        this.finish(this.error)
        return Promise.resolve({ value: undefined, done: true })
      },
    }
  }

  private push(chunk: Buffer): void {
    if (this.done) return
    this.timer?.refresh()
    let piece = chunk
    const room = this.limit - this.bytesRead
    if (piece.length > room) piece = piece.subarray(0, room)
    this.bytesRead += piece.length
    if (piece.length > 0) {
      const waiter = this.waiter
      if (waiter !== undefined) {
        this.waiter = undefined
        waiter({ value: piece, done: false })
      } else {
        this.queue.push(piece)
        this.src.pause()
      }
    }
    if (piece.length < chunk.length) this.finish(tusError(this.limitError))
  }

  private finish(error: TusError | undefined): void {
    if (this.done) return
    this.done = true
    this.error = error
    clearTimeout(this.timer)
    this.timer = undefined
    this.detach()
    if (error !== undefined) this.src.pause()
    const waiter = this.waiter
    if (waiter !== undefined) {
      this.waiter = undefined
      waiter({ value: undefined, done: true })
    }
  }
}
