import * as fs from 'node:fs'
import { InlineIo } from '@tus/core'
import { close, open, readFile, statBig, writeFile } from './fs.js'

/** A new upload's files: the data file's descriptor, and both files' stats when taken. */
export interface CreatedFiles {
  fd: number
  /** Stats taken right after creation (inline calls only): what the info cache keys on. */
  stats?: { data: fs.BigIntStats; info: fs.BigIntStats }
}

/**
 * The small file system calls of one store's request path (stats, reading
 * an `.info`, writing a new one, closing a descriptor) run inline while the
 * folder's file system answers fast (see InlineIo). Creating files and
 * writing bodies go through the thread pool.
 */
export class StoreFiles {
  /** Mode of the data and `.info` files. */
  readonly mode: number
  readonly #io: InlineIo

  constructor(mode: number, inline: boolean) {
    this.mode = mode
    this.#io = new InlineIo(inline)
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
   * beside it. The files are created through the thread pool: creating a
   * file is real work in the file system (tens of µs, more in a folder of
   * many files), which pool threads do on other cores, for several uploads
   * at once. The `.info`'s few hundred bytes are then written and closed,
   * and both files' stats taken for the info cache, inline while that is
   * fast. If the `.info` cannot be written, the data file is closed and the
   * error thrown, the file system's as-is (ENOENT for a missing folder).
   */
  async create(dataPath: string, infoPath: string, infoText: string): Promise<CreatedFiles> {
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

  /** Closes a descriptor (of a file just written: no data is flushed on close). Bound. */
  readonly close = (fd: number): Promise<void> =>
    this.#io.run(
      () => fs.closeSync(fd),
      () => close(fd),
    )
}
