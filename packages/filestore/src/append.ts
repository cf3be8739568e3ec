import { writevSync } from 'node:fs'
import type { ByteSource } from '@tus/core'
import { close, open, writev } from './fs.js'

/**
 * Bytes taken from the source while a write is in flight before the source
 * is paused. The next write sends them all in one writev: big bodies go to
 * disk in large writes, and memory per upload stays flat.
 */
const HIGH_WATER_MARK = 256 * 1024

export interface AppendOptions {
  /** File mode when the file is created. */
  mode: number
  /** `a` appends (a PATCH); `w` starts the file over (a concatenation, so a retry is exact). */
  flags?: 'a' | 'w'
  /** Stops taking bytes once aborted; what was taken is still written. */
  signal?: AbortSignal | undefined
  /** A descriptor of the file, open for writing at its end, to use (and close) instead of opening it. */
  fd?: number | undefined
  /** Closes the descriptor at the end (default: through the thread pool). */
  close?: (fd: number) => Promise<void>
  /** Writes every byte of a batch (default: writev through the thread pool). */
  write?: (fd: number, chunks: Uint8Array[]) => Promise<number>
}

/**
 * Streams `src` into the file at `path` and resolves with the bytes written.
 * Two loops share a queue: one takes chunks from `src` (and waits while the
 * queue is full: backpressure), the other writes whatever is queued in one
 * writev. Chunks are written as they came, without copies.
 *
 * A failing `src` ends the chunk: everything taken before it is written and
 * counted. Only a failure of the file (open, write, close) rejects.
 */
export async function appendFrom(path: string, src: ByteSource, options: AppendOptions) {
  const fd = options.fd ?? (await open(path, options.flags ?? 'a', options.mode))
  const queue = new WriteQueue()
  const writing = writeLoop(fd, queue, options.write ?? writeAll)
  try {
    for await (const chunk of src) {
      if (!(await queue.push(chunk))) break
      if (options.signal?.aborted) break
    }
  } catch {
    // The source failed (e.g. the request body broke off): the end of this chunk.
  }
  queue.end()
  let written = 0
  let fileError: unknown
  try {
    written = await writing
  } catch (err) {
    fileError = err
  }
  try {
    await (options.close ?? close)(fd)
  } catch (err) {
    fileError ??= err
  }
  if (fileError !== undefined) throw fileError
  return written
}

async function writeLoop(
  fd: number,
  queue: WriteQueue,
  write: (fd: number, chunks: Uint8Array[]) => Promise<number>,
): Promise<number> {
  let written = 0
  try {
    for (let batch = await queue.take(); batch !== undefined; batch = await queue.take()) {
      written += await write(fd, batch)
    }
    return written
  } catch (err) {
    queue.fail()
    throw err
  }
}

/**
 * Writes every byte of `chunks` through the thread pool; writev may write
 * less than asked (a full disk, a signal).
 */
export async function writeAll(fd: number, chunks: Uint8Array[]): Promise<number> {
  let total = 0
  let rest = chunks
  for (;;) {
    const { bytesWritten: n } = await writev(fd, rest)
    total += n
    rest = unwritten(rest, n)
    if (rest.length === 0) return total
  }
}

/** What `writeAll` does, synchronously (writevSync). */
export function writeAllSync(fd: number, chunks: Uint8Array[]): number {
  let total = 0
  let rest = chunks
  for (;;) {
    const n = writevSync(fd, rest)
    total += n
    rest = unwritten(rest, n)
    if (rest.length === 0) return total
  }
}

/** The chunks left after the first `n` bytes of `chunks` were written. */
function unwritten(chunks: Uint8Array[], n: number): Uint8Array[] {
  let skip = n
  let i = 0
  while (i < chunks.length && skip >= chunks[i]!.byteLength) skip -= chunks[i++]!.byteLength
  if (i === chunks.length) return []
  const rest = chunks.slice(i)
  rest[0] = rest[0]!.subarray(skip)
  return rest
}

/** Chunks waiting to be written, with a reader (the source loop) and a writer (the write loop). */
class WriteQueue {
  #chunks: Uint8Array[] = []
  #bytes = 0
  #ended = false
  #failed = false
  #wakeWriter: (() => void) | undefined
  #wakeReader: ((ok: boolean) => void) | undefined

  /** Queues a chunk; resolves when there is room again, false if writing failed. */
  push(chunk: Uint8Array): Promise<boolean> {
    if (this.#failed) return Promise.resolve(false)
    this.#chunks.push(chunk)
    this.#bytes += chunk.byteLength
    this.#wake()
    if (this.#bytes < HIGH_WATER_MARK) return Promise.resolve(true)
    return new Promise((resolve) => {
      this.#wakeReader = resolve
    })
  }

  /** No more chunks will come. */
  end(): void {
    this.#ended = true
    this.#wake()
  }

  /** Writing failed: the source loop stops taking chunks. */
  fail(): void {
    this.#failed = true
    this.#chunks = []
    const reader = this.#wakeReader
    this.#wakeReader = undefined
    reader?.(false)
  }

  /** Everything queued, or undefined once the queue has ended and is empty. */
  async take(): Promise<Uint8Array[] | undefined> {
    while (this.#chunks.length === 0) {
      if (this.#ended) return undefined
      await new Promise<void>((resolve) => {
        this.#wakeWriter = resolve
      })
    }
    const batch = this.#chunks
    this.#chunks = []
    this.#bytes = 0
    const reader = this.#wakeReader
    this.#wakeReader = undefined
    reader?.(true)
    return batch
  }

  #wake(): void {
    const writer = this.#wakeWriter
    this.#wakeWriter = undefined
    writer?.()
  }
}
