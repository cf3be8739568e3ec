import { createWriteStream } from 'node:fs'
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
  type ContentInfo,
  type FileInfo,
  parseFileInfo,
  serializeFileInfo,
  tusError,
} from '@tus/core'
import { type StoreContext, storageOf } from './context.js'
import { hasCode, isMissing, notFoundOrS3Error, s3Error, withRetries } from './errors.js'
import { copySource } from './keys.js'
import { readPartFile } from './part-file.js'
import type { PartCopy } from './part-list.js'
import type { Part, PartFile, PartTarget } from './parts.js'
import type { TempFiles } from './temp.js'

/**
 * The S3 requests on one upload's objects: the multipart upload at
 * `<prefix><objectId>`, `<objectId>.info` and `<objectId>.part`. Each one
 * request (or one paginated listing), with S3 errors turned into TusErrors
 * as noted; what the answers mean for the upload is S3Upload's business.
 */
export class UploadObjects {
  readonly bucket: string
  /** The object's key. */
  readonly key: string
  readonly #infoKey: string
  readonly #partKey: string

  constructor(
    readonly ctx: StoreContext,
    readonly objectId: string,
    readonly multipartId: string,
  ) {
    this.bucket = ctx.options.bucket
    this.key = ctx.keys.object(objectId)
    this.#infoKey = ctx.keys.info(objectId)
    this.#partKey = ctx.keys.part(objectId)
  }

  get #client() {
    return this.ctx.options.client
  }

  /** Writes the `.info` object (tusd's writeInfo). */
  async putInfo(info: FileInfo): Promise<void> {
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.#infoKey,
          Body: serializeFileInfo(info),
        }),
      )
    } catch (err) {
      throw s3Error(err, 'PutObject')
    }
  }

  /**
   * The `.info` of upload `id`, with that id and Storage. A `.info` whose ID
   * names another multipart upload (the object id was used again since) is
   * not this upload's: not found.
   */
  async getInfo(id: string): Promise<FileInfo> {
    let text: string
    try {
      const res = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.#infoKey }),
      )
      text = (await res.Body?.transformToString('utf8')) ?? ''
    } catch (err) {
      throw notFoundOrS3Error(err, 'GetObject')
    }
    const info = parseFileInfo(text, `[s3store] invalid info object ${this.#infoKey}`)
    if (info.ID !== '' && info.ID !== id) throw tusError('ERR_UPLOAD_NOT_FOUND')
    info.ID = id
    info.Storage = storageOf(this.bucket, this.key)
    return info
  }

  /** Every part, page after page (raw SDK errors: the caller tells missing apart). */
  async listParts(): Promise<Part[]> {
    const parts: Part[] = []
    let marker: string | undefined
    for (;;) {
      const res = await this.#client.send(
        new ListPartsCommand({
          Bucket: this.bucket,
          Key: this.key,
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
  async partObjectSize(): Promise<number> {
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.#partKey }),
      )
      return head.ContentLength ?? 0
    } catch (err) {
      if (hasCode(err, 'NoSuchKey', 'NotFound', 'AccessDenied', 'Forbidden')) return 0
      throw s3Error(err, 'HeadObject')
    }
  }

  /** True if the completed object exists. */
  async exists(): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key }))
      return true
    } catch (err) {
      if (isMissing(err)) return false
      throw s3Error(err, 'HeadObject')
    }
  }

  /** Size, ETag and Last-Modified of the completed object (HeadObject). */
  async head(): Promise<ContentInfo> {
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.key }),
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

  /** The bytes of `range` (inclusive ends), or all, of the completed object. */
  async read(range?: ByteRange): Promise<Readable> {
    try {
      const res = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Range: range === undefined ? undefined : `bytes=${range.start}-${range.end}`,
        }),
      )
      return res.Body as Readable
    } catch (err) {
      throw notFoundOrS3Error(err, 'GetObject')
    }
  }

  /** CompleteMultipartUpload with `parts` (raw SDK errors: the caller tells missing apart). */
  async complete(parts: Part[]): Promise<void> {
    await this.#client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: this.key,
        UploadId: this.multipartId,
        MultipartUpload: {
          Parts: parts.map((part) => ({ ETag: part.etag, PartNumber: part.number })),
        },
      }),
    )
  }

  /**
   * Aborts the multipart upload (gone already is fine) and deletes the
   * object, `.part` and `.info` in one DeleteObjects, both at once (tusd).
   */
  async removeAll(): Promise<void> {
    const [abort, remove] = await Promise.allSettled([
      this.#client
        .send(
          new AbortMultipartUploadCommand({
            Bucket: this.bucket,
            Key: this.key,
            UploadId: this.multipartId,
          }),
        )
        .catch((err: unknown) => {
          if (!isMissing(err)) throw s3Error(err, 'AbortMultipartUpload')
        }),
      this.#client
        .send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: {
              Objects: [{ Key: this.key }, { Key: this.#partKey }, { Key: this.#infoKey }],
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

  /** One UploadPartCopy into this multipart upload. */
  async copyPart(copy: PartCopy): Promise<Part> {
    try {
      const res = await this.#client.send(
        new UploadPartCopyCommand({
          Bucket: this.bucket,
          Key: this.key,
          UploadId: this.multipartId,
          PartNumber: copy.number,
          CopySource: copySource(this.bucket, copy.source),
          CopySourceRange: copy.range,
        }),
      )
      return { number: copy.number, size: copy.size, etag: res.CopyPartResult?.ETag ?? '' }
    } catch (err) {
      throw notFoundOrS3Error(err, 'UploadPartCopy')
    }
  }

  /**
   * UploadPart and its undo, for cutAndUpload: retried on throttling, 5xx and
   * network errors, each attempt with a fresh stream of the part.
   */
  partTarget(): PartTarget {
    const input = { Bucket: this.bucket, Key: this.key, UploadId: this.multipartId }
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
            return await this.#client.send(
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
  async downloadPartObject(temp: TempFiles): Promise<PartFile | undefined> {
    let body: Readable
    try {
      const res = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.#partKey }),
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

  /** `file` as the `.part` object, retried as part uploads are. */
  async putPartObject(file: PartFile): Promise<void> {
    try {
      await withRetries(async () => {
        const body = readPartFile(file)
        try {
          await this.#client.send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key: this.#partKey,
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

  async deletePartObject(): Promise<void> {
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.#partKey }))
    } catch (err) {
      throw s3Error(err, 'DeleteObject')
    }
  }
}
