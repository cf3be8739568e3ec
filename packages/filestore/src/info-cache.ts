import type { BigIntStats } from 'node:fs'
import type { FileInfo } from '@tus/core'

/** Most `.info` files kept parsed; about half a KiB each. */
const CAPACITY = 10_000

interface Entry {
  ino: bigint
  size: bigint
  mtimeNs: bigint
  ctimeNs: bigint
  info: FileInfo
}

/**
 * Parsed `.info` files, each valid only while a stat of the file shows the
 * same inode, size, mtime and ctime. A HEAD then costs two stats (the `.info`
 * and the data file, in parallel) instead of reading and parsing the file.
 * Validation by stat keeps it right when another process (tusd, or another
 * instance on a shared folder) rewrites an `.info`: this store and tusd
 * replace `.info` files by rename, which gives them a new inode. Least
 * recently used entries go first.
 */
export class InfoCache {
  readonly #entries = new Map<string, Entry>()

  /** A copy of the cached FileInfo if `stats` show the same file, else undefined. */
  get(path: string, stats: BigIntStats): FileInfo | undefined {
    const entry = this.#entries.get(path)
    if (entry === undefined) return undefined
    if (
      entry.ino !== stats.ino ||
      entry.size !== stats.size ||
      entry.mtimeNs !== stats.mtimeNs ||
      entry.ctimeNs !== stats.ctimeNs
    ) {
      this.#entries.delete(path)
      return undefined
    }
    this.#entries.delete(path)
    this.#entries.set(path, entry)
    return cloneInfo(entry.info)
  }

  /** Keeps `info` as the content of the file `stats` describe (stat taken before the read). */
  set(path: string, stats: BigIntStats, info: FileInfo): void {
    this.#entries.delete(path)
    if (this.#entries.size >= CAPACITY) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(path, {
      ino: stats.ino,
      size: stats.size,
      mtimeNs: stats.mtimeNs,
      ctimeNs: stats.ctimeNs,
      info: cloneInfo(info),
    })
  }

  delete(path: string): void {
    this.#entries.delete(path)
  }
}

/** A deep copy: callers change the FileInfo they get. */
export function cloneInfo(info: FileInfo): FileInfo {
  const meta: Record<string, string> = Object.create(null)
  for (const key of Object.keys(info.MetaData)) meta[key] = info.MetaData[key]!
  return {
    ...info,
    MetaData: meta,
    PartialUploads: info.PartialUploads === null ? null : [...info.PartialUploads],
    Storage: info.Storage === null ? null : { ...info.Storage },
  }
}
