import { createReadStream } from 'node:fs'
import { copyFile, type FileHandle, open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import type { TempFiles } from './temp.js'

/** A file of the temporary directory and its size. */
export interface PartFile {
  path: string
  size: number
}

/** Bytes gathered before they are written to the part file in one writev. */
const FLUSH_BYTES = 256 * 1024

/**
 * Bytes per read of a part file while it is sent: Node's default of 64 KiB
 * costs a thread-pool round trip and a socket write per 64 KiB.
 */
const READ_BYTES = 1024 * 1024

/**
 * Bytes a live part keeps in memory for its reader. A reader that falls
 * further behind (S3 slower than the client) reads from the file instead, so
 * memory stays bounded whatever the speeds.
 */
const WINDOW_BYTES = 4 * 1024 * 1024

/** A stream of a part file, read in large pieces. */
export function readPartFile(file: PartFile): Readable {
  return createReadStream(file.path, { highWaterMark: READ_BYTES })
}

interface Piece {
  /** Offset of `bytes` in the part. */
  start: number
  bytes: Uint8Array
}

/**
 * A part file being written: chunks are gathered and written with writev.
 *
 * A live writer also keeps its most recent chunks in memory for `open()`, a
 * stream of the part that is sent while the part is still being received:
 * bytes come from memory while the reader keeps up and from the file when it
 * falls behind, so a part that S3 takes as fast as the client sends is never
 * read back from disk. The file is written all the same: it is what is kept
 * when the client breaks off or S3 fails.
 */
export class PartWriter {
  /** Bytes of the part so far (written or pending). */
  size: number
  /** Bytes on the file. */
  #flushed: number
  #pending: Uint8Array[] = []
  #pendingBytes = 0
  readonly #live: boolean
  /** Recent chunks for the reader, in order and without gaps, ending at `size`. */
  #window: Piece[] = []
  #windowBytes = 0
  #reader: LivePartReader | undefined

  private constructor(
    readonly path: string,
    readonly handle: FileHandle,
    size: number,
    live: boolean,
  ) {
    this.size = size
    this.#flushed = size
    this.#live = live
  }

  /** A new part file, starting with the bytes of `prefix` if given. */
  static async create(
    temp: TempFiles,
    o: { prefix?: PartFile | undefined; live?: boolean } = {},
  ): Promise<PartWriter> {
    const path = await temp.path()
    if (o.prefix !== undefined) await copyFile(o.prefix.path, path)
    const handle = await open(path, o.prefix !== undefined ? 'a' : 'wx', 0o600)
    return new PartWriter(path, handle, o.prefix?.size ?? 0, o.live === true)
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.#live) {
      this.#window.push({ start: this.size, bytes: chunk })
      this.#windowBytes += chunk.byteLength
    }
    this.#pending.push(chunk)
    this.#pendingBytes += chunk.byteLength
    this.size += chunk.byteLength
    this.#reader?.wake()
    if (this.#pendingBytes >= FLUSH_BYTES) await this.#flush()
    this.#trim()
  }

  /** Writes what is pending and closes the file; a live reader goes on. */
  async close(): Promise<PartFile> {
    try {
      await this.#flush()
    } finally {
      await this.handle.close()
    }
    this.#reader?.wake()
    return { path: this.path, size: this.size }
  }

  /**
   * A stream of the part's first `length` bytes, as they are written (see the
   * class). One at a time: opening another (a retry) ends the last one.
   *
   * The stream never emits 'error' (the SDK pipes it without a listener): a
   * failed read of the file ends it and goes to `onError`, whose caller is to
   * abort the request. A part cut short (the writer closed early) is not
   * ended here either: its caller aborts the request and calls `abandon`.
   */
  open(length: number, onError: (err: Error) => void): Readable {
    this.#reader?.destroy()
    this.#reader = new LivePartReader(this, length, onError)
    return this.#reader
  }

  /** Ends the live reader, if any: the part will not be sent this way. */
  abandon(): void {
    this.#reader?.destroy()
    this.#reader = undefined
    this.#window = []
    this.#windowBytes = 0
  }

  /** Bytes from `pos` held in memory, at most `max`; undefined if `pos` is not there. */
  memoryAt(pos: number, max: number): Uint8Array | undefined {
    for (const piece of this.#window) {
      const end = piece.start + piece.bytes.byteLength
      if (pos < piece.start) return undefined
      if (pos < end) {
        const from = pos - piece.start
        return piece.bytes.subarray(from, Math.min(piece.bytes.byteLength, from + max))
      }
    }
    return undefined
  }

  /** Bytes on the file: a reader may read below this. */
  get flushed(): number {
    return this.#flushed
  }

  /** Called by the reader: bytes before `pos` are no longer needed in memory. */
  consumed(pos: number): void {
    while (this.#window.length > 0) {
      const first = this.#window[0]!
      if (first.start + first.bytes.byteLength > pos) break
      this.#window.shift()
      this.#windowBytes -= first.bytes.byteLength
    }
  }

  /** Drops the oldest chunks beyond the window, once they are on the file. */
  #trim(): void {
    while (this.#windowBytes > WINDOW_BYTES) {
      const first = this.#window[0]!
      if (first.start + first.bytes.byteLength > this.#flushed) break
      this.#window.shift()
      this.#windowBytes -= first.bytes.byteLength
    }
  }

  /** Writes every pending byte; writev may write less than asked. */
  async #flush(): Promise<void> {
    let rest = this.#pending
    const total = this.#pendingBytes
    this.#pending = []
    this.#pendingBytes = 0
    while (rest.length > 0) {
      let { bytesWritten: skip } = await this.handle.writev(rest)
      let i = 0
      while (i < rest.length && skip >= rest[i]!.byteLength) skip -= rest[i++]!.byteLength
      rest = rest.slice(i)
      if (rest.length > 0) rest[0] = rest[0]!.subarray(skip)
    }
    this.#flushed += total
    if (total > 0) this.#reader?.wake()
  }
}

/**
 * The stream of a live part (PartWriter.open): from the writer's memory when
 * the bytes are there, from the file when they have left memory, and waits
 * when it has caught up with the writer.
 */
class LivePartReader extends Readable {
  readonly #writer: PartWriter
  readonly #length: number
  #pos = 0
  #wanted = false
  #reading = false
  #file: FileHandle | undefined
  readonly #onError: (err: Error) => void

  constructor(writer: PartWriter, length: number, onError: (err: Error) => void) {
    super({ highWaterMark: READ_BYTES })
    this.#writer = writer
    this.#length = length
    this.#onError = onError
  }

  override _read(): void {
    this.#wanted = true
    this.#pump()
  }

  /** Called by the writer when bytes were written or reached the file. */
  wake(): void {
    if (this.#wanted) this.#pump()
  }

  #pump(): void {
    while (this.#wanted && !this.#reading && !this.destroyed) {
      const left = this.#length - this.#pos
      if (left <= 0) {
        this.#wanted = false
        this.push(null)
        return
      }
      const bytes = this.#writer.memoryAt(this.#pos, left)
      if (bytes !== undefined) {
        this.#pos += bytes.byteLength
        this.#writer.consumed(this.#pos)
        this.#wanted = this.push(bytes)
        continue
      }
      if (this.#pos < this.#writer.flushed) {
        void this.#readFile(Math.min(left, this.#writer.flushed - this.#pos, READ_BYTES))
        return
      }
      // Caught up: wait for the writer (a closed one is cut short: see open).
      return
    }
  }

  async #readFile(length: number): Promise<void> {
    this.#reading = true
    try {
      if (this.#file === undefined) {
        const file = await open(this.#writer.path, 'r')
        if (this.destroyed) {
          await file.close()
          return
        }
        this.#file = file
      }
      const buffer = Buffer.allocUnsafe(length)
      const { bytesRead } = await this.#file.read(buffer, 0, length, this.#pos)
      if (this.destroyed) return
      if (bytesRead === 0) throw new Error('s3: the part file ended early')
      this.#pos += bytesRead
      this.#writer.consumed(this.#pos)
      this.#wanted = this.push(buffer.subarray(0, bytesRead))
    } catch (err) {
      if (!this.destroyed) {
        this.destroy()
        this.#onError(err as Error)
      }
      return
    } finally {
      this.#reading = false
    }
    this.#pump()
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const file = this.#file
    this.#file = undefined
    if (file === undefined) cb(err)
    else
      file.close().then(
        () => cb(err),
        () => cb(err),
      )
  }
}
