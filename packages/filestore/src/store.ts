import { randomBytes } from 'node:crypto'
import { dirname, resolve } from 'node:path'
import {
  type ConcatableUpload,
  type ConcaterDataStore,
  type ContentServerDataStore,
  type DataStore,
  type ExpirableUpload,
  type ExpirerDataStore,
  type FileInfo,
  isComplete,
  type LengthDeclarableUpload,
  type LengthDeferrerDataStore,
  memoById,
  type ServableUpload,
  type StagerDataStore,
  type StagingUpload,
  serializeFileInfo,
  type TerminatableUpload,
  type TerminaterDataStore,
  tusError,
  type Upload,
} from '@tus/core'
import { walkUploadIds } from './expiry.js'
import { type CreatedFiles, StoreFiles } from './files.js'
import { mkdir } from './fs.js'
import { cloneInfo, InfoCache } from './info-cache.js'
import { parseInfo } from './info-file.js'
import { isMissing, type UploadPaths, uploadPaths } from './paths.js'
import { FileUpload } from './upload.js'

export interface FileStoreOptions {
  /** Folder of the uploads; created on the first upload if missing. */
  directory: string
  /** Mode of the folders created for the directory and for ids with `/` (default 0o775, less the umask). */
  dirMode?: number
  /** Mode of the data and `.info` files (default 0o664, less the umask). */
  fileMode?: number
  /** Picks an id when the upload has none (default: 16 random bytes as 32 lowercase hex, as tusd). */
  generateId?: () => string
  /**
   * Run the small file system calls of a request (stats, reading an `.info`,
   * creating an upload's two files, writing a body announced at 64 KiB or
   * less) synchronously while they are fast (default true): a HEAD then costs
   * a few microseconds of file system work instead of round trips through
   * libuv's thread pool. When half of 16 calls in a row took a millisecond or
   * more, they go through the thread pool for a minute (InlineIo in
   * @tus/core; creations and writes are judged apart from the rest). Set false
   * for a file system that may hang (a hard NFS mount): only the thread pool
   * keeps the event loop free then. Larger bodies always go through the
   * thread pool.
   */
  inlineFs?: boolean
}

/**
 * Uploads on the local file system, in tusd's layout: `<id>` holds the bytes,
 * `<id>.info` the FileInfo as JSON. The offset is the data file's size, never
 * the `.info`'s, so that a folder written by tusd resumes here and back.
 * Nothing is cleaned up: terminated uploads are deleted, abandoned ones stay.
 */
export class FileStore
  implements
    DataStore,
    TerminaterDataStore,
    LengthDeferrerDataStore,
    ConcaterDataStore,
    ContentServerDataStore,
    StagerDataStore,
    ExpirerDataStore
{
  /** The absolute upload folder. */
  readonly directory: string
  readonly #dirMode: number
  readonly #files: StoreFiles
  readonly #generateId: () => string
  readonly #infos = new InfoCache()
  /** Each id's paths, worked out once (uploadPaths; undefined for an id that is not valid). */
  readonly #paths: (id: string) => UploadPaths | undefined

  constructor(options: FileStoreOptions) {
    this.directory = resolve(options.directory)
    this.#dirMode = options.dirMode ?? 0o775
    this.#files = new StoreFiles(options.fileMode ?? 0o664, options.inlineFs ?? true)
    this.#generateId = options.generateId ?? (() => randomBytes(16).toString('hex'))
    const directory = this.directory
    this.#paths = memoById((id) => uploadPaths(directory, id))
  }

  /**
   * Creates the empty data file and the `.info`, side by side, creating the
   * folders only when they are missing (the common case costs no mkdir). A
   * given ID is used as-is, overwriting an upload of that id, as tusd does; one
   * that is invalid or escapes the folder rejects with ERR_INVALID_UPLOAD_ID.
   * `info.Storage` is replaced by the real paths. The `.info` is written in
   * place, not by rename: until this resolves nobody has the upload's URL, so
   * nobody reads it half-written.
   */
  async newUpload(info: FileInfo): Promise<Upload> {
    const id = info.ID || this.#generateId()
    const paths = this.#paths(id)
    if (paths === undefined) throw tusError('ERR_INVALID_UPLOAD_ID')
    const stored: FileInfo = {
      ...info,
      ID: id,
      Offset: 0,
      Storage: storage(paths),
    }
    // The data file is opened (created empty) rather than written, and its
    // descriptor kept for the body of a creation-with-upload.
    const text = serializeFileInfo(stored)
    const create = () => this.#files.create(paths.data, paths.info, text)
    let created: CreatedFiles
    try {
      created = await create().catch(async (err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
        await mkdir(dirname(paths.data), { recursive: true, mode: this.#dirMode })
        return create()
      })
    } catch (err) {
      // A part of the id is taken by a file or folder of another upload.
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ENAMETOOLONG') {
        throw tusError('ERR_INVALID_UPLOAD_ID', { cause: err })
      }
      throw err
    }
    // The next HEAD finds the `.info` parsed, proven current by the data file's stat.
    if (created.stats !== undefined) {
      this.#infos.set(paths.info, created.stats.data, created.stats.info, cloneInfo(stored))
    }
    return new FileUpload(paths, stored, this.#files, { size: 0n, mtime: new Date() }, created.fd)
  }

  /**
   * Reads the `.info` (or takes it from the cache, see InfoCache) and checks
   * that the data file exists. An id that is
   * invalid or escapes the folder, or a missing file, rejects with
   * ERR_UPLOAD_NOT_FOUND. The data file is always `<dir>/<id>`, and `Storage`
   * says so: paths in an `.info` are ignored (tusd wrote them for the folder
   * where it ran, which may have moved since).
   */
  async getUpload(id: string): Promise<Upload> {
    const paths = this.#paths(id)
    if (paths === undefined) throw tusError('ERR_UPLOAD_NOT_FOUND')
    try {
      const data = await this.#files.stat(paths.data)
      let info = this.#infos.byData(paths.info, data)
      if (info === undefined) {
        const infoStats = await this.#files.stat(paths.info)
        info = this.#infos.byStats(paths.info, data, infoStats)
        if (info === undefined) {
          info = parseInfo(await this.#files.readText(paths.info), paths.info)
          info.ID = id
          info.Storage = storage(paths)
          this.#infos.set(paths.info, data, infoStats, info)
        }
      }
      return new FileUpload(paths, info, this.#files, { size: data.size, mtime: data.mtime })
    } catch (err) {
      throw isMissing(err) ? tusError('ERR_UPLOAD_NOT_FOUND', { cause: err }) : err
    }
  }

  asTerminatableUpload(upload: Upload): TerminatableUpload {
    return own(upload)
  }

  asLengthDeclarableUpload(upload: Upload): LengthDeclarableUpload {
    return own(upload)
  }

  asConcatableUpload(upload: Upload): ConcatableUpload {
    return own(upload)
  }

  asServableUpload(upload: Upload): ServableUpload {
    return own(upload)
  }

  asStagingUpload(upload: Upload): StagingUpload {
    return own(upload)
  }

  asExpirableUpload(upload: Upload): ExpirableUpload {
    return own(upload)
  }

  /**
   * Walks the folder for `.info` files (streaming, see walkUploadIds) and yields
   * the uploads whose data file was last written before `before` and that are
   * unfinished. Unreadable or vanished uploads are skipped: this is a list of
   * candidates, which the caller checks again under the upload's lock.
   */
  async *listExpired(before: Date): AsyncGenerator<string> {
    const limit = before.getTime()
    for await (const id of walkUploadIds(this.directory)) {
      let info: FileInfo
      let modified: Date
      try {
        const upload = await this.getUpload(id)
        modified = await own(upload).lastModified()
        if (modified.getTime() >= limit) continue
        info = await upload.getInfo()
      } catch {
        continue
      }
      if (!isComplete(info)) yield id
    }
  }
}

/** tusd's Storage map: the store type and both absolute paths. */
function storage(paths: UploadPaths): Record<string, string> {
  return { Type: 'filestore', Path: paths.data, InfoPath: paths.info }
}

/** The upload as this store's own; another store's upload is a programming error. */
function own(upload: Upload): FileUpload {
  if (upload instanceof FileUpload) return upload
  throw new TypeError('[filestore] not an upload of a FileStore')
}
