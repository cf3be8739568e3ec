import type { BigIntStats } from 'node:fs'
import type { FileInfo } from '@tus/core'

/** Most `.info` files kept parsed; about half a KiB each. */
const CAPACITY = 10_000

interface Entry {
  /** The data file the `.info` was read beside: inode and birth time, its identity. */
  dataIno: bigint
  dataBirthNs: bigint
  /** The `.info` file as it was when read. */
  infoIno: bigint
  infoSize: bigint
  infoMtimeNs: bigint
  infoCtimeNs: bigint
  /** Shared and never changed: FileUpload copies it before handing it out. */
  info: FileInfo
  /** The cache's use count when the entry was last moved to the recent end. */
  used: number
}

/**
 * Parsed `.info` files, so that a HEAD costs one stat instead of a read and a
 * parse. tusd and this store write an `.info` when an upload is created and
 * when a deferred length is declared, and nothing else. So:
 * - an upload of known length keeps its `.info` for as long as its data file
 *   is the same file (same inode and birth time; a deleted and re-created
 *   upload gets a new birth time even if the inode number comes back): the
 *   stat of the data file, needed for the offset anyway, proves the entry;
 * - an upload of deferred length, or a file system without birth times, also
 *   needs a stat of the `.info` that shows the very file that was read.
 * Either way a change by another process (tusd, another instance on a shared
 * folder) is seen. Least recently used entries go first.
 */
export class InfoCache {
  readonly #capacity: number
  readonly #entries = new Map<string, Entry>()
  /** Entries handed out or stored so far: the clock of `used`. */
  #uses = 0

  constructor(capacity = CAPACITY) {
    this.#capacity = capacity
  }

  /** The cached FileInfo if the data file's stat alone proves it current. */
  byData(path: string, data: BigIntStats): FileInfo | undefined {
    const entry = this.#entries.get(path)
    if (entry === undefined || entry.info.SizeIsDeferred || data.birthtimeNs === 0n)
      return undefined
    if (!sameData(entry, data)) return undefined
    return this.#touch(path, entry)
  }

  /** The cached FileInfo if both stats show the files that were read. */
  byStats(path: string, data: BigIntStats, info: BigIntStats): FileInfo | undefined {
    const entry = this.#entries.get(path)
    if (entry === undefined) return undefined
    if (
      !sameData(entry, data) ||
      entry.infoIno !== info.ino ||
      entry.infoSize !== info.size ||
      entry.infoMtimeNs !== info.mtimeNs ||
      entry.infoCtimeNs !== info.ctimeNs
    ) {
      this.#entries.delete(path)
      return undefined
    }
    return this.#touch(path, entry)
  }

  /** Keeps `info`, read after the stats were taken. */
  set(path: string, data: BigIntStats, infoStats: BigIntStats, info: FileInfo): void {
    this.#entries.delete(path)
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(path, {
      dataIno: data.ino,
      dataBirthNs: data.birthtimeNs,
      infoIno: infoStats.ino,
      infoSize: infoStats.size,
      infoMtimeNs: infoStats.mtimeNs,
      infoCtimeNs: infoStats.ctimeNs,
      info,
      used: ++this.#uses,
    })
  }

  /**
   * Marks the entry recently used. It moves to the recent end of the map only
   * once it has fallen behind by half the capacity: uploads polled in turn
   * keep their places and cost no map churn (a delete and an insert per HEAD
   * made the map rebuild its table every few dozen HEADs), and eviction stays
   * least-recently-used to within half the capacity.
   */
  #touch(path: string, entry: Entry): FileInfo {
    const uses = ++this.#uses
    if (uses - entry.used > this.#capacity / 2) {
      entry.used = uses
      this.#entries.delete(path)
      this.#entries.set(path, entry)
    }
    return entry.info
  }
}

function sameData(entry: Entry, data: BigIntStats): boolean {
  return entry.dataIno === data.ino && entry.dataBirthNs === data.birthtimeNs
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
