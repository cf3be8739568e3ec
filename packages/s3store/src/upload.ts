import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import {
  type ByteRange,
  type ByteSource,
  type ConcatableUpload,
  type ContentInfo,
  cloneFileInfo,
  type FileInfo,
  type LengthDeclarableUpload,
  parseFileInfo,
  type ServableUpload,
  serializeFileInfo,
  type TerminatableUpload,
  tusError,
  type Upload,
  type WriteOptions,
} from '@tus/core'
import { hasCode, isMissing, notFoundOrS3Error, s3Error, withRetries } from './errors.js'
import { copySource, type Keys, type UploadIds } from './keys.js'
import { LIMITS, optimalPartSize, type ResolvedOptions } from './options.js'
import { cutAndUpload, fileBody, type Part, type PartFile, type PartTarget } from './parts.js'
import type { Semaphore } from './semaphore.js'
import type { TempFiles } from './temp.js'

/** What an upload needs of its store. */
export interface StoreContext {
  options: ResolvedOptions
  keys: Keys
  /** The limit on part uploads in flight, shared by every upload of the store. */
  semaphore: Semaphore
  /** A fresh set of temporary files. */
  temp(): TempFiles
}

/** What S3 holds of an upload, as last read or written by this handle. */
export interface UploadState {
  /** The FileInfo from the `.info`, with Offset worked out from the parts. */
  info: FileInfo
  /** The parts of the multipart upload, by number. */
  parts: Part[]
  /** Size of the `.part` object, 0 if there is none. */
  partObjectSize: number
  /** The multipart upload is completed: the object holds every byte. */
  completed: boolean
}

/** tusd's Storage map. */
export function storageOf(bucket: string, key: string): Record<string, string> {
  return { Type: 's3store', Bucket: bucket, Key: key }
}

const sum = (parts: Part[]) => parts.reduce((total, part) => total + part.size, 0)

/**
 * The number of the next part: one after the last part with bytes. For the
 * parts tusd writes (1..n, none empty) that is tusd's len(parts)+1. Empty
 * parts after it are slots left by a failed write (see cutAndUpload), which
 * the next parts overwrite.
 */
const nextPartNumber = (parts: Part[]) =>
  parts.reduce((max, part) => (part.size > 0 ? Math.max(max, part.number) : max), 0) + 1

/** `parts` with `added` in, a new part replacing an old one of its number; by number. */
const mergeParts = (parts: Part[], added: Part[]) => {
  const numbers = new Set(added.map((part) => part.number))
  return [...parts.filter((part) => !numbers.has(part.number)), ...added].sort(
    (a, b) => a.number - b.number,
  )
}

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
  #state: UploadState | undefined
  /** True while #state is news that getInfo may hand out once. */
  #fresh = false

  constructor(ctx: StoreContext, id: string, ids: UploadIds, state?: UploadState) {
    this.#ctx = ctx
    this.id = id
    this.objectId = ids.objectId
    this.multipartId = ids.multipartId
    if (state !== undefined) this.#remember(state)
  }

  get #bucket(): string {
    return this.#ctx.options.bucket
  }

  get #key(): string {
    return this.#ctx.keys.object(this.objectId)
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
        const file = await this.#downloadPartObject(temp)
        if (file === undefined || file.size !== state.partObjectSize) {
          this.#forget()
          throw tusError('ERR_MISMATCHED_OFFSET')
        }
        const number = nextPartNumber(parts)
        const etag = await this.#ctx.semaphore.with(() =>
          this.#target().uploadPart(number, fileBody(file)),
        )
        parts = mergeParts(parts, [{ number, size: file.size, etag }])
        state.parts = parts
      }
    } finally {
      await temp.removeAll()
    }
    if (parts.some((part) => part.etag === '')) parts = await this.#listParts()
    // Every part, as tusd: some S3 servers (radosgw) refuse a list that leaves one out.
    if (parts.length === 0) {
      parts = [{ number: 1, size: 0, etag: await this.#target().emptyPart(1) }]
    }
    try {
      await this.#ctx.options.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.#bucket,
          Key: this.#key,
          UploadId: this.multipartId,
          MultipartUpload: {
            Parts: parts.map((part) => ({ ETag: part.etag, PartNumber: part.number })),
          },
        }),
      )
    } catch (err) {
      this.#forget()
      // Completed meanwhile (a retry of a finish whose answer got lost)?
      if (!isMissing(err) || !(await this.#objectExists())) {
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
    if (leftover) await this.#deletePartObject().catch(() => {})
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
    try {
      const head = await this.#ctx.options.client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key }),
      )
      const info: ContentInfo = { size: head.ContentLength ?? 0 }
      if (head.ETag !== undefined && head.ETag !== '') {
        info.etag = head.ETag.startsWith('"') ? head.ETag : `"${head.ETag}"`
      }
      if (head.LastModified !== undefined) info.lastModified = head.LastModified
      return info
    } catch (err) {
      throw notFoundOrS3Error(err, 'HeadObject')
    }
  }

  /** The bytes of `range` (inclusive ends), or all, straight from GetObject. */
  async createReadStream(range?: ByteRange): Promise<Readable> {
    await this.#requireCompleted()
    try {
      const res = await this.#ctx.options.client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: this.#key,
          Range: range === undefined ? undefined : `bytes=${range.start}-${range.end}`,
        }),
      )
      return res.Body as Readable
    } catch (err) {
      throw notFoundOrS3Error(err, 'GetObject')
    }
  }

  /**
   * Aborts the multipart upload (gone already is fine) and deletes the
   * object, `.part` and `.info` in one DeleteObjects, both at once (tusd).
   */
  async terminate(): Promise<void> {
    this.#forget()
    const { client } = this.#ctx.options
    const keys = this.#ctx.keys
    const [abort, remove] = await Promise.allSettled([
      client
        .send(
          new AbortMultipartUploadCommand({
            Bucket: this.#bucket,
            Key: this.#key,
            UploadId: this.multipartId,
          }),
        )
        .catch((err: unknown) => {
          if (!isMissing(err)) throw s3Error(err, 'AbortMultipartUpload')
        }),
      client
        .send(
          new DeleteObjectsCommand({
            Bucket: this.#bucket,
            Delete: {
              Objects: [
                { Key: this.#key },
                { Key: keys.part(this.objectId) },
                { Key: keys.info(this.objectId) },
              ],
              Quiet: true,
            },
          }),
        )
        .then(
          (res) => {
            const error = res.Errors?.find((e) => e.Code !== 'NoSuchKey')
            if (error !== undefined) throw s3Error(error, 'DeleteObjects')
          },
          (err: unknown) => {
            throw s3Error(err, 'DeleteObjects')
          },
        ),
    ])
    if (abort.status === 'rejected') throw abort.reason
    if (remove.status === 'rejected') throw remove.reason
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
      await this.#ctx.options.client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#ctx.keys.info(this.objectId),
          Body: serializeFileInfo(info),
        }),
      )
    } catch (err) {
      this.#forget()
      throw s3Error(err, 'PutObject')
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
      this.#readInfo(),
      this.#listParts(),
      this.#headPartObject(),
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
    const inParts = sum(state.parts)
    // A `.part` beside parts that already make the whole upload is the
    // leftover of a finish that did not get to delete it: its bytes are in.
    const complete = !state.info.SizeIsDeferred && inParts >= state.info.Size
    state.partObjectSize = complete ? 0 : partObject.value
    state.info.Offset = inParts + state.partObjectSize
    return state
  }

  /**
   * The `.info`, with this handle's id and Storage. A `.info` whose ID names
   * another multipart upload (the object id was used again since) is not
   * this upload's: not found.
   */
  async #readInfo(): Promise<FileInfo> {
    const key = this.#ctx.keys.info(this.objectId)
    let text: string
    try {
      const res = await this.#ctx.options.client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: key }),
      )
      text = (await res.Body?.transformToString('utf8')) ?? ''
    } catch (err) {
      throw notFoundOrS3Error(err, 'GetObject')
    }
    const info = parseFileInfo(text, `[s3store] invalid info object ${key}`)
    if (info.ID !== '' && info.ID !== this.id) throw tusError('ERR_UPLOAD_NOT_FOUND')
    info.ID = this.id
    info.Storage = storageOf(this.#bucket, this.#key)
    return info
  }

  /** Every part, page after page (raw SDK errors: the caller tells missing apart). */
  async #listParts(): Promise<Part[]> {
    const parts: Part[] = []
    let marker: string | undefined
    for (;;) {
      const res = await this.#ctx.options.client.send(
        new ListPartsCommand({
          Bucket: this.#bucket,
          Key: this.#key,
          UploadId: this.multipartId,
          PartNumberMarker: marker,
        }),
      )
      for (const part of res.Parts ?? []) {
        parts.push({ number: part.PartNumber ?? 0, size: part.Size ?? 0, etag: part.ETag ?? '' })
      }
      const next = res.NextPartNumberMarker
      if (!res.IsTruncated || next === undefined || next === marker) break
      marker = next
    }
    return parts.sort((a, b) => a.number - b.number)
  }

  /** Size of the `.part`, 0 if there is none (or it may not be seen: tusd tolerates 403). */
  async #headPartObject(): Promise<number> {
    try {
      const head = await this.#ctx.options.client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#ctx.keys.part(this.objectId) }),
      )
      return head.ContentLength ?? 0
    } catch (err) {
      if (hasCode(err, 'NoSuchKey', 'NotFound', 'AccessDenied', 'Forbidden')) return 0
      throw s3Error(err, 'HeadObject')
    }
  }

  async #objectExists(): Promise<boolean> {
    try {
      await this.#ctx.options.client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key }),
      )
      return true
    } catch (err) {
      if (isMissing(err)) return false
      throw s3Error(err, 'HeadObject')
    }
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
        prefix = await this.#downloadPartObject(temp)
        if (prefix === undefined || prefix.size !== state.partObjectSize) {
          throw tusError('ERR_MISMATCHED_OFFSET')
        }
        await this.#deletePartObject()
      }
      const base = sum(state.parts)
      const firstPartNumber = nextPartNumber(state.parts)
      handed = true
      const result = await cutAndUpload(body, this.#target(), {
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
          await this.#ctx.semaphore.with(() => this.#putPartObject(tail))
        } catch (err) {
          if (prefix !== undefined && !result.prefixStored)
            await this.#restore(prefix, firstPartNumber)
          throw err
        }
        partObjectSize = tail.size
      }
      state.parts = mergeParts(state.parts, result.parts)
      state.partObjectSize = partObjectSize
      info.Offset = sum(state.parts) + partObjectSize
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
      const parts = await this.#listParts()
      if (parts.some((part) => part.number === firstPartNumber && part.size > 0)) return
      await this.#putPartObject(prefix)
    } catch {
      // Nothing more to do: the write fails with its own error.
    }
  }

  /** UploadPartCopy of every partial, in parallel within the shared limit. */
  async #copyParts(state: UploadState, sources: S3Upload[], infos: FileInfo[]): Promise<void> {
    const { client } = this.#ctx.options
    const pieces: { number: number; source: string; range?: string; size: number }[] = []
    let number = nextPartNumber(state.parts)
    sources.forEach((source, i) => {
      const size = infos[i]!.Size
      const key = this.#ctx.keys.object(source.objectId)
      const count = Math.ceil(size / LIMITS.maxPartSize)
      if (count <= 1) {
        pieces.push({ number: number++, source: key, size })
        return
      }
      // Over 5 GiB: in even ranges, so that none is too small to be a part.
      const step = Math.ceil(size / count)
      for (let start = 0; start < size; start += step) {
        const end = Math.min(start + step, size) - 1
        pieces.push({
          number: number++,
          source: key,
          range: `bytes=${start}-${end}`,
          size: end - start + 1,
        })
      }
    })
    const copied = await Promise.all(
      pieces.map((piece) =>
        this.#ctx.semaphore.with(async () => {
          try {
            const res = await client.send(
              new UploadPartCopyCommand({
                Bucket: this.#bucket,
                Key: this.#key,
                UploadId: this.multipartId,
                PartNumber: piece.number,
                CopySource: copySource(this.#bucket, piece.source),
                CopySourceRange: piece.range,
              }),
            )
            return { number: piece.number, size: piece.size, etag: res.CopyPartResult?.ETag ?? '' }
          } catch (err) {
            this.#forget()
            throw notFoundOrS3Error(err, 'UploadPartCopy')
          }
        }),
      ),
    )
    state.parts = mergeParts(state.parts, copied)
    state.info.Offset = sum(state.parts) + state.partObjectSize
    this.#state = state
  }

  /**
   * UploadPart and its undo, for cutAndUpload: retried on throttling, 5xx and
   * network errors, each attempt with a fresh stream of the part file.
   */
  #target(): PartTarget {
    const { client } = this.#ctx.options
    const input = { Bucket: this.#bucket, Key: this.#key, UploadId: this.multipartId }
    const send = async (
      number: number,
      body: () => Uint8Array | Readable,
      size: number,
      signal?: AbortSignal,
    ) => {
      try {
        const res = await withRetries(async () => {
          const stream = body()
          try {
            return await client.send(
              new UploadPartCommand({
                ...input,
                PartNumber: number,
                Body: stream,
                ContentLength: size,
              }),
              signal === undefined ? {} : { abortSignal: signal },
            )
          } finally {
            if ('destroy' in stream) stream.destroy()
          }
        }, signal)
        return res.ETag ?? ''
      } catch (err) {
        throw notFoundOrS3Error(err, 'UploadPart')
      }
    }
    return {
      uploadPart: (number, part, signal) => send(number, () => part.open(), part.size, signal),
      emptyPart: (number) => send(number, () => new Uint8Array(0), 0),
    }
  }

  /** The `.part` in a temporary file, or undefined if there is none. */
  async #downloadPartObject(temp: TempFiles): Promise<PartFile | undefined> {
    let body: Readable
    try {
      const res = await this.#ctx.options.client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#ctx.keys.part(this.objectId) }),
      )
      body = res.Body as Readable
    } catch (err) {
      if (isMissing(err)) return undefined
      throw s3Error(err, 'GetObject')
    }
    const path = await temp.path()
    try {
      await pipeline(body, createWriteStream(path, { flags: 'wx', mode: 0o600 }))
    } catch (err) {
      throw s3Error(err, 'GetObject')
    }
    return { path, size: (await stat(path)).size }
  }

  async #putPartObject(file: PartFile): Promise<void> {
    try {
      await withRetries(async () => {
        const body = createReadStream(file.path)
        try {
          await this.#ctx.options.client.send(
            new PutObjectCommand({
              Bucket: this.#bucket,
              Key: this.#ctx.keys.part(this.objectId),
              Body: body,
              ContentLength: file.size,
            }),
          )
        } finally {
          body.destroy()
        }
      })
    } catch (err) {
      throw s3Error(err, 'PutObject')
    }
  }

  async #deletePartObject(): Promise<void> {
    try {
      await this.#ctx.options.client.send(
        new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#ctx.keys.part(this.objectId) }),
      )
    } catch (err) {
      throw s3Error(err, 'DeleteObject')
    }
  }
}

/** The upload as this store's own; another store's upload is a programming error. */
export function own(upload: Upload): S3Upload {
  if (upload instanceof S3Upload) return upload
  throw new TypeError('[s3store] not an upload of an S3Store')
}

/** The failure of a write; the rare part that could not be undone is named, for the logs. */
function failureError(failure: unknown, orphaned: boolean) {
  const err = s3Error(failure, 'UploadPart')
  if (!orphaned) return err
  return tusError('ERR_INTERNAL_SERVER_ERROR', {
    message: `${err.message}; a later part could not be undone, so the offset may be too high`,
    cause: failure,
  })
}

/**
 * `src` without its leading empty chunks, or undefined if it has no byte (or,
 * with `sourceErrors: 'end'`, fails before its first byte): such a write
 * touches nothing.
 */
async function peek(
  src: ByteSource,
  sourceErrors: 'end' | 'throw',
): Promise<AsyncIterable<Uint8Array> | undefined> {
  const it = src[Symbol.asyncIterator]()
  for (;;) {
    let next: IteratorResult<Uint8Array>
    try {
      next = await it.next()
    } catch (err) {
      if (sourceErrors === 'throw') throw err
      return undefined
    }
    if (next.done) return undefined
    if (next.value.byteLength === 0) continue
    const first = next.value
    let sent = false
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (sent) return it.next()
          sent = true
          return Promise.resolve({ value: first, done: false })
        },
        return: async () => {
          await it.return?.()
          return { value: undefined, done: true }
        },
      }),
    }
  }
}
