import type { Readable } from 'node:stream'
import type { FileInfo } from './file-info.js'

/**
 * The storage contract, after tusd's handler.DataStore. A store creates and
 * finds uploads; an upload takes bytes at its offset, reports its FileInfo,
 * gives its bytes back and is finished. Optional capabilities (termination,
 * concatenation, length declaration, serving content) are separate interfaces
 * with type guards; the handler checks them once, at construction, and derives
 * `Tus-Extension` from them.
 *
 * Locking is the caller's job: the handler holds the upload's lock around every
 * call that changes an upload or reads an unfinished one, so a store never sees
 * two writers of the same upload from one server. A finished upload no longer
 * changes, so it is read without the lock: getUpload, getInfo and the readers
 * of a finished upload must allow any number of callers at once. Every "not found" is a TusError with the code
 * ERR_UPLOAD_NOT_FOUND.
 */
export interface DataStore {
  /**
   * Creates an upload from `info`. When `info.ID` is empty the store picks a
   * unique id; when it is set (a pre-create hook chose it) the store must use it,
   * as is or as the documented part of an id it derives (tusd's S3 store appends
   * `+<multipartId>`; see the conformance suite's `keepsGivenId` trait).
   * The returned upload's FileInfo has the final ID and, where the store knows
   * it, `Storage`.
   */
  newUpload(info: FileInfo): Promise<Upload>
  /** Finds an upload; rejects with ERR_UPLOAD_NOT_FOUND if there is none. */
  getUpload(id: string): Promise<Upload>
}

/** Bytes as a stream: a Node Readable, an async generator, anything iterable with `for await`. */
export type ByteSource = AsyncIterable<Uint8Array>

export interface WriteOptions {
  /**
   * Aborted when the bytes are no longer wanted at all (not on an ordinary
   * interruption, which simply ends `src`). A store may stop early, but must
   * still keep what it wrote.
   */
  signal?: AbortSignal
  /**
   * How many bytes `src` carries if it runs to its end (a request's
   * Content-Length), when that is known in advance. A hint for the store's
   * layout, never a promise: `src` may end sooner, and the store must keep
   * and count what did arrive as it always does. It never carries more.
   */
  length?: number
}

export interface Upload {
  /**
   * Appends the bytes of `src` at `offset` (the upload's current offset) and
   * resolves with how many it kept. Backpressure: read `src` no faster than the
   * backend takes it; never hold it whole in memory.
   *
   * When `src` fails while being read, that is the end of the chunk, not a
   * store failure: the store keeps every byte it had received and resolves with
   * their count. Only the store's own failures reject; the caller then reads the
   * offset again with getInfo, so bytes already kept are never lost.
   */
  writeChunk(offset: number, src: ByteSource, options?: WriteOptions): Promise<number>
  /** The current FileInfo, with `Offset` as stored now. */
  getInfo(): Promise<FileInfo>
  /**
   * The bytes stored so far, from the start. A store that cannot read an
   * unfinished upload (an S3 multipart upload, say) rejects with
   * ERR_INCOMPLETE_UPLOAD until it is finished.
   */
  getReader(): Promise<Readable>
  /** Called once the last byte has arrived (Offset === Size), before anyone is told. */
  finishUpload(): Promise<void>
}

/** termination: uploads can be deleted. */
export interface TerminaterDataStore extends DataStore {
  asTerminatableUpload(upload: Upload): TerminatableUpload
}
export interface TerminatableUpload {
  /** Deletes every trace of the upload; getUpload rejects with ERR_UPLOAD_NOT_FOUND afterwards. */
  terminate(): Promise<void>
}

/** concatenation: a final upload is made from partial uploads. */
export interface ConcaterDataStore extends DataStore {
  asConcatableUpload(upload: Upload): ConcatableUpload
}
export interface ConcatableUpload {
  /**
   * Fills this (final) upload, created with the summed size, with the bytes of
   * `partials` in order. Streams: memory stays flat whatever the sizes.
   */
  concatUploads(partials: Upload[]): Promise<void>
}

/** creation-defer-length: the length can be declared after creation. */
export interface LengthDeferrerDataStore extends DataStore {
  asLengthDeclarableUpload(upload: Upload): LengthDeclarableUpload
}
export interface LengthDeclarableUpload {
  /** Sets Size to `length` and SizeIsDeferred to false, durably. */
  declareLength(length: number): Promise<void>
}

/** Serving content: GET with ranges and validators, straight from the store. */
export interface ContentServerDataStore extends DataStore {
  asServableUpload(upload: Upload): ServableUpload
}
export interface ContentInfo {
  /** Bytes available to read (the offset). */
  size: number
  /** A strong validator of the stored bytes, quoted as in an HTTP ETag, if the store has one. */
  etag?: string
  /** Time of the last change, if the store knows it. */
  lastModified?: Date
}
/** Bytes `start` to `end`, both inclusive, as in an HTTP Range. */
export interface ByteRange {
  start: number
  end: number
}
/** Like getReader, both may reject with ERR_INCOMPLETE_UPLOAD while the upload is unfinished. */
export interface ServableUpload {
  contentInfo(): Promise<ContentInfo>
  /** The bytes of `range`, or all of them. */
  createReadStream(range?: ByteRange): Promise<Readable>
}

/**
 * checksum: a chunk can be written tentatively, then kept or dropped, so that
 * a chunk whose checksum does not match never becomes part of the upload.
 */
export interface StagerDataStore extends DataStore {
  asStagingUpload(upload: Upload): StagingUpload
}
export interface StagingUpload {
  /**
   * Takes the bytes of `src` as writeChunk does (backpressure, never whole in
   * memory; a failing `src` ends the chunk and what came before is staged),
   * but keeps them apart: until `commit`, the upload's offset and readers are
   * unchanged. The caller holds the upload's lock until it has called exactly
   * one of `commit` or `discard` on the result.
   */
  stageChunk(offset: number, src: ByteSource, options?: WriteOptions): Promise<StagedChunk>
}
export interface StagedChunk {
  /** Bytes staged. */
  readonly size: number
  /**
   * Appends the staged bytes to the upload; its offset grows by `size`. If the
   * process dies midway, the upload holds its old bytes and a prefix of the
   * staged ones, never anything else.
   */
  commit(): Promise<void>
  /** Drops the staged bytes; the upload is as it was. */
  discard(): Promise<void>
}

/**
 * expiration: an upload knows when it last changed, and the store can name the
 * unfinished uploads that have not changed since a given time, so that
 * abandoned uploads can be found and removed.
 */
export interface ExpirerDataStore extends DataStore {
  asExpirableUpload(upload: Upload): ExpirableUpload
  /**
   * Ids of unfinished uploads (length deferred, or Offset < Size) whose last
   * change is before `before`. Candidates only: the caller checks each again
   * under its lock before removing it. Streams; never lists everything at once.
   */
  listExpired(before: Date): AsyncIterable<string>
}
export interface ExpirableUpload {
  /** When the upload was created or last took bytes. */
  lastModified(): Promise<Date>
}

function hasMethod(value: unknown, name: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[name] === 'function'
  )
}

/** True if the store can terminate uploads. */
export function isTerminaterDataStore(store: DataStore): store is TerminaterDataStore {
  return hasMethod(store, 'asTerminatableUpload')
}
/** True if the store can concatenate uploads. */
export function isConcaterDataStore(store: DataStore): store is ConcaterDataStore {
  return hasMethod(store, 'asConcatableUpload')
}
/** True if the store accepts a length declared after creation. */
export function isLengthDeferrerDataStore(store: DataStore): store is LengthDeferrerDataStore {
  return hasMethod(store, 'asLengthDeclarableUpload')
}
/** True if the store serves content with ranges. */
export function isContentServerDataStore(store: DataStore): store is ContentServerDataStore {
  return hasMethod(store, 'asServableUpload')
}
/** True if the store can stage chunks (checksum). */
export function isStagerDataStore(store: DataStore): store is StagerDataStore {
  return hasMethod(store, 'asStagingUpload')
}
/** True if the store can tell and list the age of uploads (expiration). */
export function isExpirerDataStore(store: DataStore): store is ExpirerDataStore {
  return hasMethod(store, 'asExpirableUpload') && hasMethod(store, 'listExpired')
}
