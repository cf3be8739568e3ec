import * as fs from 'node:fs'
import { InlineIo } from '@tus/core'
import { writeAll, writeAllSync } from './append.js'
import { close, open, readFile, statBig, writeFile } from './fs.js'

/** A new upload's files: the data file's descriptor, and both files' stats when taken. */
export interface CreatedFiles {
  fd: number
  /** Stats taken right after creation (inline calls only): what the info cache keys on. */
  stats?: { data: fs.BigIntStats; info: fs.BigIntStats }
}

/**
 * The small file system calls of one store's request path (stats, reading
 * an `.info`, creating an upload's files, writing a small body, closing a
 * descriptor) run inline while the folder's file system answers fast (see
 * InlineIo). Other bodies are written through the thread pool.
 */
export class StoreFiles {
  /** Mode of the data and `.info` files. */
  readonly mode: number
  readonly #io: InlineIo
  /** Creating files: a verdict of its own (see create). */
  readonly #createIo: InlineIo
  /** Writing small bodies: a verdict of its own (see write). */
  readonly #writeIo: InlineIo

  constructor(mode: number, inline: boolean) {
    this.mode = mode
    this.#io = new InlineIo(inline)
    this.#createIo = new InlineIo(inline)
    this.#writeIo = new InlineIo(inline)
  }

  stat(path: string): Promise<fs.BigIntStats> {
    return this.#io.run(
      () => fs.statSync(path, { bigint: true }),
      () => statBig(path),
    )
  }

  readText(path: string): Promise<string> {
    return this.#io.run(
      () => fs.readFileSync(path, 'utf8'),
      () => readFile(path, 'utf8'),
    )
  }

  /**
   * Creates (or truncates) the data file, kept open, and writes the `.info`
   * beside it; both files' stats are taken for the info cache when the calls
   * run inline. Inline while creating files is fast (a separate verdict from
   * the other calls': a folder where creating is slow, for example right after
   * many files were deleted from it, keeps its stats inline), else through the
   * thread pool, both files at once. Creations in one folder are serialised by
   * the file system anyway, so the pool gains no parallelism for them, and each
   * hand-off costs the event loop about as much as the call itself. If the
   * `.info` cannot be written, the data file is closed and the error thrown,
   * the file system's as-is (ENOENT for a missing folder).
   */
  create(dataPath: string, infoPath: string, infoText: string): Promise<CreatedFiles> {
    return this.#createIo.run(
      () => this.#createSync(dataPath, infoPath, infoText),
      () => this.#createAsync(dataPath, infoPath, infoText),
    )
  }

  #createSync(dataPath: string, infoPath: string, infoText: string): CreatedFiles {
    const fd = fs.openSync(dataPath, 'w', this.mode)
    try {
      const infoFd = fs.openSync(infoPath, 'w', this.mode)
      let info: fs.BigIntStats
      try {
        fs.writeFileSync(infoFd, infoText)
        info = fs.fstatSync(infoFd, { bigint: true })
      } finally {
        fs.closeSync(infoFd)
      }
      return { fd, stats: { data: fs.fstatSync(fd, { bigint: true }), info } }
    } catch (err) {
      try {
        fs.closeSync(fd)
      } catch {
        // the error that matters is err
      }
      throw err
    }
  }

  async #createAsync(dataPath: string, infoPath: string, infoText: string): Promise<CreatedFiles> {
    const mode = this.mode
    const [data, info] = await Promise.allSettled([
      open(dataPath, 'w', mode),
      open(infoPath, 'w', mode).then((fd) => this.#finishInfo(fd, infoText)),
    ])
    if (data.status === 'fulfilled' && info.status === 'fulfilled') {
      const fd = data.value
      const infoStats = info.value
      if (infoStats === undefined) return { fd }
      const stats = await this.#io
        .run(
          () => ({ data: fs.fstatSync(fd, { bigint: true }), info: infoStats }),
          async () => undefined,
        )
        .catch(() => undefined)
      return { fd, stats }
    }
    if (data.status === 'fulfilled') await close(data.value).catch(() => {})
    throw data.status === 'rejected' ? data.reason : (info as PromiseRejectedResult).reason
  }

  /** Writes `text` to a new `.info` and closes it; its stats if taken inline. */
  #finishInfo(fd: number, text: string): Promise<fs.BigIntStats | undefined> {
    return this.#io.run(
      () => {
        try {
          fs.writeFileSync(fd, text)
          return fs.fstatSync(fd, { bigint: true })
        } finally {
          fs.closeSync(fd)
        }
      },
      async () => {
        try {
          await writeFile(fd, text)
        } finally {
          await close(fd)
        }
        return undefined
      },
    )
  }

  /**
   * Writes a batch of a small body (see FileUpload.writeChunk) inline while
   * such writes are fast, else through the thread pool. A write into the page
   * cache of a few KiB takes microseconds; handing it to a pool thread and
   * back costs the event loop more. Writes the kernel holds back (dirty pages
   * over their limit) make it slow, and writes go through the pool then. Bound.
   */
  readonly write = (fd: number, chunks: Uint8Array[]): Promise<number> =>
    this.#writeIo.run(
      () => writeAllSync(fd, chunks),
      () => writeAll(fd, chunks),
    )

  /** Closes a descriptor (of a file just written: no data is flushed on close). Bound. */
  readonly close = (fd: number): Promise<void> =>
    this.#io.run(
      () => fs.closeSync(fd),
      () => close(fd),
    )
}
