import type { Readable } from 'node:stream'
import {
  type ByteRange,
  type ByteSource,
  type ConcatableUpload,
  type ContentInfo,
  cloneFileInfo,
  type FileInfo,
  type LengthDeclarableUpload,
  type ServableUpload,
  type TerminatableUpload,
  tusError,
  type Upload,
  type WriteOptions,
} from '@tus/core'
import type { StoreContext, UploadState } from './context.js'
import { failureError, isMissing, notFoundOrS3Error, s3Error } from './errors.js'
import type { UploadIds } from './keys.js'
import { UploadObjects } from './objects.js'
import { LIMITS, optimalPartSize } from './options.js'
import { mergeParts, nextPartNumber, partBytes, planCopies } from './part-list.js'
import { cutAndUpload, fileBody, type PartFile } from './parts.js'
import { peek } from './peek.js'

/**
 * One upload: a multipart upload at `<prefix><objectId>`, its FileInfo in
 * `<objectId>.info`, and bytes too few for a part in `<objectId>.part`.
 *
 * The handle keeps what it last read or wrote (UploadState). The handler
 * holds the upload's lock around every change, so writes, finishing and
 * length declarations work from it without asking S3 again. getInfo uses it
 * once after a lookup or a change of this handle's own, and asks S3 again
 * after that, so that it always tells the offset as stored now.
 */
export class S3Upload
  implements Upload, TerminatableUpload, LengthDeclarableUpload, ConcatableUpload, ServableUpload
{
  readonly id: string
  readonly objectId: string
  readonly multipartId: string
  readonly #ctx: StoreContext
  readonly #objects: UploadObjects
  #state: UploadState | undefined
  /** True while #state is news that getInfo may hand out once. */
  #fresh = false

  constructor(ctx: StoreContext, id: string, ids: UploadIds, state?: UploadState) {
    this.#ctx = ctx
    this.id = id
    this.objectId = ids.objectId
    this.multipartId = ids.multipartId
    this.#objects = new UploadObjects(ctx, ids.objectId, ids.multipartId)
    if (state !== undefined) this.#remember(state)
  }

  /** Reads the upload from S3 (see #fetch): the lookup of getUpload. */
  async load(): Promise<void> {
    this.#remember(await this.#fetch())
  }

  async getInfo(): Promise<FileInfo> {
    if (this.#fresh && this.#state !== undefined) {
      this.#fresh = false
      return cloneFileInfo(this.#state.info)
    }
    const state = await this.#fetch()
    this.#state = state
    return cloneFileInfo(state.info)
  }

  writeChunk(offset: number, src: ByteSource, options: WriteOptions = {}): Promise<number> {
    return this.#write(offset, src, options.signal, 'end')
  }

  /**
   * Completes the multipart upload with its parts (tusd's FinishUpload). An
   * upload without bytes gets one empty part, as S3 wants at least one. Bytes
   * still in the `.part` object (a deferred length declared after its last
   * bytes arrived) become the last part first. Finishing a completed upload
   * does nothing.
   */
  async finishUpload(): Promise<void> {
    const state = await this.#known()
    if (state.completed) return
    let parts = state.parts
    const temp = this.#ctx.temp()
    try {
      if (state.partObjectSize > 0) {
        const file = await this.#objects.downloadPartObject(temp)
        if (file === undefined || file.size !== state.partObjectSize) {
          this.#forget()
          throw tusError('ERR_MISMATCHED_OFFSET')
        }
        const number = nextPartNumber(parts)
        const etag = await this.#ctx.semaphore.with(() =>
          this.#objects.partTarget().uploadPart(number, fileBody(file)),
        )
        parts = mergeParts(parts, [{ number, size: file.size, etag }])
        state.parts = parts
      }
    } finally {
      await temp.removeAll()
    }
    if (parts.some((part) => part.etag === '')) parts = await this.#objects.listParts()
    // Every part, as tusd: some S3 servers (radosgw) refuse a list that leaves one out.
    if (parts.length === 0) {
      parts = [{ number: 1, size: 0, etag: await this.#objects.partTarget().emptyPart(1) }]
    }
    try {
      await this.#objects.complete(parts)
    } catch (err) {
      this.#forget()
      // Completed meanwhile (a retry of a finish whose answer got lost)?
      if (!isMissing(err) || !(await this.#objects.exists())) {
        throw notFoundOrS3Error(err, 'CompleteMultipartUpload')
      }
    }
    const leftover = state.partObjectSize > 0
    state.completed = true
    state.parts = []
    state.partObjectSize = 0
    state.info.Offset = state.info.Size
    this.#remember(state)
    // Its bytes are in the last part now; a stale `.part` is ignored anyway (see #fetch).
    if (leftover) await this.#objects.deletePartObject().catch(() => {})
  }

  /**
   * The object's bytes. S3 cannot read a multipart upload before it is
   * completed: until then this rejects with ERR_INCOMPLETE_UPLOAD, as tusd.
   */
  async getReader(): Promise<Readable> {
    return this.createReadStream()
  }

  /** Size, ETag and Last-Modified of the completed object (HeadObject). */
  async contentInfo(): Promise<ContentInfo> {
    await this.#requireCompleted()
    return this.#objects.head()
  }

  /** The bytes of `range` (inclusive ends), or all, straight from GetObject. */
  async createReadStream(range?: ByteRange): Promise<Readable> {
    await this.#requireCompleted()
    return this.#objects.read(range)
  }

  /**
   * Aborts the multipart upload (gone already is fine) and deletes the
   * object, `.part` and `.info` in one DeleteObjects, both at once (tusd).
   */
  async terminate(): Promise<void> {
    this.#forget()
    await this.#objects.removeAll()
  }

  /** Rewrites the `.info` with the length (tusd). */
  async declareLength(length: number): Promise<void> {
    if (length > LIMITS.maxObjectSize) throw tusError('ERR_MAX_SIZE_EXCEEDED')
    const state = await this.#known()
    const info = cloneFileInfo(state.info)
    info.Size = length
    info.SizeIsDeferred = false
    await this.writeInfo(info)
    state.info = info
    this.#remember(state)
  }

  /**
   * Fills this final upload with the partials' bytes, in order, then
   * completes it (tusd). If every partial is at least the minimum part size,
   * S3 copies them itself (UploadPartCopy, in parallel; a partial over 5 GiB
   * in ranges). Otherwise they cannot be parts of their own: their bytes are
   * streamed through as with writeChunk (temporary part files, the shared
   * limit), which also keeps parts equal when `equalParts` is on.
   */
  async concatUploads(partials: Upload[]): Promise<void> {
    const sources = partials.map(own)
    const infos = await Promise.all(sources.map((source) => source.getInfo()))
    const state = await this.#known()
    const { equalParts, minPartSize } = this.#ctx.options
    if (!equalParts && infos.every((info) => info.Size >= minPartSize)) {
      await this.#copyParts(state, sources, infos)
    } else {
      async function* bytes(): AsyncGenerator<Uint8Array> {
        for (const source of sources) yield* await source.createReadStream()
      }
      await this.#write(state.info.Offset, bytes(), undefined, 'throw')
    }
    await this.finishUpload()
  }

  /** Writes the `.info` object (tusd's writeInfo). */
  async writeInfo(info: FileInfo): Promise<void> {
    try {
      await this.#objects.putInfo(info)
    } catch (err) {
      this.#forget()
      throw err
    }
  }

  #remember(state: UploadState): void {
    this.#state = state
    this.#fresh = true
  }

  #forget(): void {
    this.#state = undefined
    this.#fresh = false
  }

  /** The state this handle knows, read from S3 if it knows none. */
  async #known(): Promise<UploadState> {
    if (this.#state !== undefined) return this.#state
    const state = await this.#fetch()
    this.#state = state
    return state
  }

  /**
   * Reads the upload from S3, three requests at once (tusd's fetchInfo): the
   * `.info` (missing: not found), every page of ListParts, and a HEAD of the
   * `.part`. The offset is the sum of the part sizes plus the `.part`'s. A
   * multipart upload that S3 no longer knows (NoSuchUpload; radosgw says
   * NoSuchKey) was completed: the offset is the size.
   */
  async #fetch(): Promise<UploadState> {
    const [info, parts, partObject] = await Promise.allSettled([
      this.#objects.getInfo(this.id),
      this.#objects.listParts(),
      this.#objects.partObjectSize(),
    ])
    if (info.status === 'rejected') throw info.reason
    const state: UploadState = {
      info: info.value,
      parts: [],
      partObjectSize: 0,
      completed: false,
    }
    if (parts.status === 'rejected') {
      if (!isMissing(parts.reason)) throw s3Error(parts.reason, 'ListParts')
      state.completed = true
      state.info.Offset = state.info.Size
      return state
    }
    if (partObject.status === 'rejected') throw partObject.reason
    state.parts = parts.value
    const inParts = partBytes(state.parts)
    // A `.part` beside parts that already make the whole upload is the
    // leftover of a finish that did not get to delete it: its bytes are in.
    const complete = !state.info.SizeIsDeferred && inParts >= state.info.Size
    state.partObjectSize = complete ? 0 : partObject.value
    state.info.Offset = inParts + state.partObjectSize
    return state
  }

  async #requireCompleted(): Promise<void> {
    if (!(await this.#known()).completed) throw tusError('ERR_INCOMPLETE_UPLOAD')
  }

  /**
   * Streams `src` into parts (see cutAndUpload). Bytes of an earlier PATCH
   * waiting in the `.part` go first: the `.part` is downloaded to a file and
   * deleted, as tusd does, so that its bytes are never counted twice. If the
   * write then fails before they are stored again, it is put back.
   *
   * Resolves with the bytes taken from `src`. A failure of S3 rejects; the
   * parts uploaded before it stay, without a gap, and are the offset that
   * getInfo tells afterwards.
   */
  async #write(
    offset: number,
    src: ByteSource,
    signal: AbortSignal | undefined,
    sourceErrors: 'end' | 'throw',
  ): Promise<number> {
    let state = await this.#known()
    if (offset !== state.info.Offset) {
      state = await this.#fetch()
      this.#state = state
      if (offset !== state.info.Offset) throw tusError('ERR_MISMATCHED_OFFSET')
    }
    const body = await peek(src, sourceErrors)
    if (body === undefined) return 0
    // Until cutAndUpload takes the body, a failure here must close it.
    let handed = false
    const temp = this.#ctx.temp()
    try {
      // Bytes for an upload that is complete: none can be kept.
      if (state.completed) throw tusError('ERR_UPLOAD_SIZE_EXCEEDED')
      const options = this.#ctx.options
      const info = state.info
      const partSize = optimalPartSize(info.SizeIsDeferred ? 0 : info.Size, options.partSize)
      if (partSize === undefined) throw tusError('ERR_MAX_SIZE_EXCEEDED')
      // Unknown until this write has settled.
      this.#forget()
      let prefix: PartFile | undefined
      if (state.partObjectSize > 0) {
        prefix = await this.#objects.downloadPartObject(temp)
        if (prefix === undefined || prefix.size !== state.partObjectSize) {
          throw tusError('ERR_MISMATCHED_OFFSET')
        }
        await this.#objects.deletePartObject()
      }
      const base = partBytes(state.parts)
      const firstPartNumber = nextPartNumber(state.parts)
      handed = true
      const result = await cutAndUpload(body, this.#objects.partTarget(), {
        temp,
        semaphore: this.#ctx.semaphore,
        partSize,
        minPartSize: options.equalParts ? partSize : options.minPartSize,
        firstPartNumber,
        remaining: info.SizeIsDeferred ? undefined : info.Size - base,
        maxBufferedParts: options.maxBufferedParts,
        prefix,
        signal,
        sourceErrors,
      })
      if (result.failure !== undefined) {
        if (prefix !== undefined && !result.prefixStored)
          await this.#restore(prefix, firstPartNumber)
        throw failureError(result.failure, result.orphaned)
      }
      let partObjectSize = 0
      if (result.tail !== undefined) {
        const tail = result.tail
        try {
          await this.#ctx.semaphore.with(() => this.#objects.putPartObject(tail))
        } catch (err) {
          if (prefix !== undefined && !result.prefixStored)
            await this.#restore(prefix, firstPartNumber)
          throw err
        }
        partObjectSize = tail.size
      }
      state.parts = mergeParts(state.parts, result.parts)
      state.partObjectSize = partObjectSize
      info.Offset = partBytes(state.parts) + partObjectSize
      this.#remember(state)
      return result.received
    } finally {
      if (!handed) await Promise.resolve(body[Symbol.asyncIterator]().return?.()).catch(() => {})
      await temp.removeAll()
    }
  }

  /**
   * Puts the old `.part` back after a failed write whose first part, which
   * held its bytes, did not go through, unless S3 has that part after all (an
   * answer lost on the way). If even this fails, those bytes are lost, and the
   * offset read next tells the client to send them again.
   */
  async #restore(prefix: PartFile, firstPartNumber: number): Promise<void> {
    try {
      const parts = await this.#objects.listParts()
      if (parts.some((part) => part.number === firstPartNumber && part.size > 0)) return
      await this.#objects.putPartObject(prefix)
    } catch {
      // Nothing more to do: the write fails with its own error.
    }
  }

  /** UploadPartCopy of every partial, in parallel within the shared limit. */
  async #copyParts(state: UploadState, sources: S3Upload[], infos: FileInfo[]): Promise<void> {
    const copies = planCopies(
      sources.map((source, i) => ({
        key: this.#ctx.keys.object(source.objectId),
        size: infos[i]!.Size,
      })),
      nextPartNumber(state.parts),
    )
    const copied = await Promise.all(
      copies.map((copy) =>
        this.#ctx.semaphore.with(() =>
          this.#objects.copyPart(copy).catch((err: unknown) => {
            this.#forget()
            throw err
          }),
        ),
      ),
    )
    state.parts = mergeParts(state.parts, copied)
    state.info.Offset = partBytes(state.parts) + state.partObjectSize
    this.#state = state
  }
}

/** The upload as this store's own; another store's upload is a programming error. */
export function own(upload: Upload): S3Upload {
  if (upload instanceof S3Upload) return upload
  throw new TypeError('[s3store] not an upload of an S3Store')
}
