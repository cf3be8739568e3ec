import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import {
  type ByteRange,
  type ByteSource,
  type ConcatableUpload,
  type ContentInfo,
  type ExpirableUpload,
  type FileInfo,
  type LengthDeclarableUpload,
  type ServableUpload,
  type StagedChunk,
  type StagingUpload,
  type TerminatableUpload,
  tusError,
  type Upload,
  type WriteOptions,
} from '@tus/core'
import { appendFrom } from './append.js'
import type { StoreFiles } from './files.js'
import { open, rm } from './fs.js'
import { cloneInfo } from './info-cache.js'
import { writeInfo } from './info-file.js'
import { isMissing, type UploadPaths } from './paths.js'
import { stageChunk } from './staging.js'

/** Bodies of at most this many bytes (their Content-Length) are written inline. */
const INLINE_WRITE_BYTES = 64 * 1024

/** What the lookup's stat of the data file showed. */
export interface LookupStats {
  size: bigint
  mtime: Date
}

/**
 * One upload on disk. It holds the FileInfo read at creation or lookup; the
 * handler holds the upload's lock around every call, so nothing else changes
 * the `.info` meanwhile. The offset is always read from the data file.
 */
export class FileUpload
  implements
    Upload,
    TerminatableUpload,
    LengthDeclarableUpload,
    ConcatableUpload,
    ServableUpload,
    StagingUpload,
    ExpirableUpload
{
  readonly #paths: UploadPaths
  readonly #files: StoreFiles
  #info: FileInfo
  /**
   * The data file's size and mtime from the stat of the lookup, each used by
   * the first getInfo or lastModified only: a HEAD or PATCH asks right after
   * the lookup, under the same lock, so a second stat would read the same
   * numbers. Later calls, and any call after a write, stat again.
   */
  #lookupSize: bigint | undefined
  #lookupMtime: Date | undefined
  /**
   * The descriptor the data file was created with, kept for a first write
   * that follows at once (creation-with-upload: the body is written without
   * opening the file again). Closed at the next turn of the event loop if no
   * write has taken it by then.
   */
  #createdFd: number | undefined

  constructor(
    paths: UploadPaths,
    info: FileInfo,
    files: StoreFiles,
    lookup?: LookupStats,
    createdFd?: number,
  ) {
    this.#paths = paths
    this.#info = info
    this.#files = files
    this.#lookupSize = lookup?.size
    this.#lookupMtime = lookup?.mtime
    this.#createdFd = createdFd
    if (createdFd !== undefined) setImmediate(() => this.#closeCreatedFd())
  }

  /** Appends `src` to the data file (see appendFrom); `offset` is the file's size under the lock. */
  writeChunk(_offset: number, src: ByteSource, options: WriteOptions = {}): Promise<number> {
    this.#forgetLookup()
    const fd = this.#createdFd
    this.#createdFd = undefined
    const { mode, close } = this.#files
    // A body announced small is written inline (StoreFiles.write); a large one
    // through the pool, whose thread writes while the next bytes arrive.
    const small = options.length !== undefined && options.length <= INLINE_WRITE_BYTES
    const write = small ? this.#files.write : undefined
    return appendFrom(this.#paths.data, src, { mode, signal: options.signal, fd, close, write })
  }

  /** Stages in `<id>.stage` (see stageChunk): the data file is untouched until commit. */
  stageChunk(_offset: number, src: ByteSource, options: WriteOptions = {}): Promise<StagedChunk> {
    this.#forgetLookup()
    return stageChunk(this.#paths, src, this.#files.mode, options.signal)
  }

  /** The data file's mtime: creation, or the last write. */
  async lastModified(): Promise<Date> {
    const known = this.#lookupMtime
    this.#lookupMtime = undefined
    return known ?? (await this.#stat()).mtime
  }

  #forgetLookup(): void {
    this.#lookupSize = undefined
    this.#lookupMtime = undefined
  }

  #closeCreatedFd(): void {
    const fd = this.#createdFd
    this.#createdFd = undefined
    // Nothing was written through it: a failed close loses nothing.
    if (fd !== undefined) this.#files.close(fd).catch(() => {})
  }

  async getInfo(): Promise<FileInfo> {
    const known = this.#lookupSize
    this.#lookupSize = undefined
    const size = known ?? (await this.#stat()).size
    return copyInfo(this.#info, size)
  }

  async getReader(): Promise<Readable> {
    return this.#open()
  }

  /** Nothing to do: the bytes are in place (as tusd). */
  async finishUpload(): Promise<void> {}

  /** Deletes the data, `.info` and any staged chunk; each may be gone already. */
  async terminate(): Promise<void> {
    this.#forgetLookup()
    await Promise.all([
      rm(this.#paths.data, { force: true }),
      rm(this.#paths.info, { force: true }),
      rm(this.#paths.stage, { force: true }),
    ])
  }

  /** Rewrites the `.info` with the length; the only write of `.info` after creation. */
  async declareLength(length: number): Promise<void> {
    const { size } = await this.#stat()
    const info = copyInfo(this.#info, size)
    info.Size = length
    info.SizeIsDeferred = false
    await writeInfo(this.#paths.info, info, this.#files.mode)
    this.#info = info
  }

  /**
   * Writes the partials' bytes, in order, into the data file, from its start
   * (a retried concatenation gives the same file). Streams, one partial at a
   * time: memory stays flat. A partial that cannot be read rejects.
   */
  async concatUploads(partials: Upload[]): Promise<void> {
    this.#forgetLookup()
    let failure: { error: unknown } | undefined
    async function* all(): AsyncGenerator<Uint8Array> {
      try {
        for (const partial of partials) yield* await partial.getReader()
      } catch (error) {
        failure = { error }
        throw error
      }
    }
    await appendFrom(this.#paths.data, all(), { mode: this.#files.mode, flags: 'w' })
    if (failure !== undefined) throw failure.error
  }

  /** Size and validators from one stat; the ETag changes with the size and the mtime (ns). */
  async contentInfo(): Promise<ContentInfo> {
    const stats = await this.#stat()
    return {
      size: Number(stats.size),
      etag: `"${stats.size.toString(16)}-${stats.mtimeNs.toString(16)}"`,
      lastModified: stats.mtime,
    }
  }

  /** The bytes of `range` (inclusive ends), or all. */
  async createReadStream(range?: ByteRange): Promise<Readable> {
    return this.#open(range)
  }

  /** Opens the data file first, so that a missing file rejects here, as not found. */
  async #open(range?: ByteRange): Promise<Readable> {
    const fd = await open(this.#paths.data, 'r').catch((err: unknown) => {
      throw isMissing(err) ? tusError('ERR_UPLOAD_NOT_FOUND', { cause: err }) : err
    })
    return createReadStream('', { fd, start: range?.start, end: range?.end })
  }

  #stat() {
    return this.#files.stat(this.#paths.data).catch((err: unknown) => {
      throw isMissing(err) ? tusError('ERR_UPLOAD_NOT_FOUND', { cause: err }) : err
    })
  }
}

/** A copy the caller may change, with the offset as stored now. */
function copyInfo(info: FileInfo, size: bigint): FileInfo {
  const copy = cloneInfo(info)
  copy.Offset = Number(size)
  return copy
}
