import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import {
  type ByteRange,
  type ByteSource,
  type ConcaterDataStore,
  type ContentInfo,
  type ContentServerDataStore,
  type ExpirerDataStore,
  type FileInfo,
  isComplete,
  type LengthDeferrerDataStore,
  type StagedChunk,
  type StagerDataStore,
  type TerminaterDataStore,
  tusError,
  type Upload,
  type WriteOptions,
} from '@tus/core'

export interface MemoryStoreOptions {
  /** Reads only finished uploads, ERR_INCOMPLETE_UPLOAD before, as tusd's s3store. */
  finishedReadsOnly?: boolean
  /** Makes `<given>+<n>` of a given ID, as tusd's s3store appends its multipart id. */
  suffixIds?: boolean
  /** A broken store: changes the bytes of each writeChunk before keeping them (counted whole). */
  tamper?: (bytes: Buffer) => Buffer
}

interface Entry {
  info: FileInfo
  bytes: Buffer
  finished: boolean
  modified: Date
}

/** Every byte `src` gives before it ends or fails, as one Buffer. */
async function take(src: ByteSource, signal?: AbortSignal): Promise<Buffer> {
  const parts: Uint8Array[] = []
  try {
    for await (const part of src) {
      parts.push(part)
      if (signal?.aborted) break
    }
  } catch {
    // A failing source ends the chunk: what came before it is kept.
  }
  return Buffer.concat(parts)
}

/**
 * A store in memory with every capability, for testing the conformance suite
 * itself: as a file store (the suite's default traits), as a store built like
 * tusd's s3store (`finishedReadsOnly`, `suffixIds`), or broken (`tamper`).
 */
export class MemoryStore
  implements
    TerminaterDataStore,
    LengthDeferrerDataStore,
    ConcaterDataStore,
    ContentServerDataStore,
    StagerDataStore,
    ExpirerDataStore
{
  readonly #entries = new Map<string, Entry>()
  #created = 0

  constructor(readonly options: MemoryStoreOptions = {}) {}

  async newUpload(info: FileInfo): Promise<Upload> {
    this.#created++
    let id = info.ID || randomBytes(8).toString('hex')
    if (info.ID !== '' && this.options.suffixIds) id = `${info.ID}+${this.#created}`
    const stored = structuredClone({ ...info, ID: id, Offset: 0 })
    this.#entries.set(id, {
      info: stored,
      bytes: Buffer.alloc(0),
      finished: false,
      modified: now(),
    })
    return new MemoryUpload(this, id)
  }

  async getUpload(id: string): Promise<Upload> {
    this.entry(id)
    return new MemoryUpload(this, id)
  }

  entry(id: string): Entry {
    const entry = this.#entries.get(id)
    if (entry === undefined) throw tusError('ERR_UPLOAD_NOT_FOUND')
    return entry
  }

  /** The entry of `id`, or ERR_INCOMPLETE_UPLOAD if unfinished and read only when finished. */
  readable(id: string): Entry {
    const entry = this.entry(id)
    if (this.options.finishedReadsOnly && !entry.finished) throw tusError('ERR_INCOMPLETE_UPLOAD')
    return entry
  }

  remove(id: string): void {
    this.#entries.delete(id)
  }

  asTerminatableUpload(upload: Upload) {
    return own(upload)
  }
  asLengthDeclarableUpload(upload: Upload) {
    return own(upload)
  }
  asConcatableUpload(upload: Upload) {
    return own(upload)
  }
  asServableUpload(upload: Upload) {
    return own(upload)
  }
  asStagingUpload(upload: Upload) {
    return own(upload)
  }
  asExpirableUpload(upload: Upload) {
    return own(upload)
  }

  async *listExpired(before: Date): AsyncIterable<string> {
    for (const [id, entry] of this.#entries) {
      const info = { ...entry.info, Offset: entry.bytes.length }
      if (!isComplete(info) && entry.modified < before) yield id
    }
  }
}

function own(upload: Upload): MemoryUpload {
  if (!(upload instanceof MemoryUpload)) throw new TypeError('not an upload of this store')
  return upload
}

const now = () => new Date()

class MemoryUpload implements Upload {
  constructor(
    readonly store: MemoryStore,
    readonly id: string,
  ) {}

  async writeChunk(offset: number, src: ByteSource, options: WriteOptions = {}): Promise<number> {
    const entry = this.#at(offset)
    const bytes = await take(src, options.signal)
    this.#append(entry, this.store.options.tamper?.(bytes) ?? bytes)
    return bytes.length
  }

  async getInfo(): Promise<FileInfo> {
    const entry = this.store.entry(this.id)
    return structuredClone({ ...entry.info, Offset: entry.bytes.length })
  }

  async getReader(): Promise<Readable> {
    return Readable.from([this.store.readable(this.id).bytes])
  }

  async finishUpload(): Promise<void> {
    this.store.entry(this.id).finished = true
  }

  async terminate(): Promise<void> {
    this.store.entry(this.id)
    this.store.remove(this.id)
  }

  async declareLength(length: number): Promise<void> {
    const { info } = this.store.entry(this.id)
    info.Size = length
    info.SizeIsDeferred = false
  }

  async concatUploads(partials: Upload[]): Promise<void> {
    const entry = this.store.entry(this.id)
    const parts = partials.map((partial) => this.store.entry(own(partial).id).bytes)
    this.#append(entry, Buffer.concat(parts))
  }

  async contentInfo(): Promise<ContentInfo> {
    const { bytes, modified } = this.store.readable(this.id)
    const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`
    return { size: bytes.length, etag, lastModified: modified }
  }

  async createReadStream(range?: ByteRange): Promise<Readable> {
    const { bytes } = this.store.readable(this.id)
    return Readable.from([range === undefined ? bytes : bytes.subarray(range.start, range.end + 1)])
  }

  async stageChunk(offset: number, src: ByteSource): Promise<StagedChunk> {
    const entry = this.#at(offset)
    const bytes = await take(src)
    return {
      size: bytes.length,
      commit: async () => this.#append(entry, bytes),
      discard: async () => {},
    }
  }

  async lastModified(): Promise<Date> {
    return this.store.entry(this.id).modified
  }

  #at(offset: number): Entry {
    const entry = this.store.entry(this.id)
    if (offset !== entry.bytes.length) throw tusError('ERR_MISMATCHED_OFFSET')
    return entry
  }

  #append(entry: Entry, bytes: Buffer): void {
    if (bytes.length === 0) return
    entry.bytes = Buffer.concat([entry.bytes, bytes])
    entry.modified = now()
  }
}
