import { randomBytes } from 'node:crypto'
import type { FileInfo } from '@tus/core'
import { readFile, rename, rm, writeFile } from './fs.js'

/**
 * The `.info` file: the FileInfo as tusd writes it (Go's encoding/json of
 * handler.FileInfo), so that tusd and this store read each other's files.
 * Offset is written but never trusted: the data file's size is the offset.
 */

/** Reads and checks an `.info` file; the fields are tusd's. Rejects with the fs error as-is. */
export async function readInfo(path: string): Promise<FileInfo> {
  return parseInfo(await readFile(path, 'utf8'), path)
}

/**
 * Writes `info` atomically: a temp file beside it, then a rename, so that a
 * crash leaves the old or the new file, never a torn one. No fsync, as tusd.
 */
export async function writeInfo(path: string, info: FileInfo, mode: number): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temp, serializeInfo(info), { mode, flag: 'wx' })
    await rename(temp, path)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
}

/** JSON with the keys in the order of tusd's struct. */
export function serializeInfo(info: FileInfo): string {
  return JSON.stringify({
    ID: info.ID,
    Size: info.Size,
    SizeIsDeferred: info.SizeIsDeferred,
    Offset: info.Offset,
    MetaData: info.MetaData,
    IsPartial: info.IsPartial,
    IsFinal: info.IsFinal,
    PartialUploads: info.PartialUploads,
    Storage: info.Storage,
  })
}

/**
 * Parses `.info` JSON leniently where Go is (absent fields and `null` maps are
 * zero values) and strictly on types, which Go also enforces.
 */
export function parseInfo(text: string, path: string): FileInfo {
  const fail = (why: string, cause?: unknown) =>
    new Error(`[filestore] invalid info file ${path}: ${why}`, { cause })
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw fail('not JSON', err)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail('not an object')
  const o = raw as Record<string, unknown>
  const str = (key: string): string => {
    const v = o[key] ?? ''
    if (typeof v !== 'string') throw fail(`${key} is not a string`)
    return v
  }
  const int = (key: string): number => {
    const v = o[key] ?? 0
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw fail(`${key} is not a size`)
    return v as number
  }
  const bool = (key: string): boolean => {
    const v = o[key] ?? false
    if (typeof v !== 'boolean') throw fail(`${key} is not a boolean`)
    return v
  }
  const map = (key: string): Record<string, string> | null => {
    const v = o[key] ?? null
    if (v === null) return null
    if (typeof v !== 'object' || Array.isArray(v)) throw fail(`${key} is not an object`)
    // Prototype-less, so that a key such as `__proto__` stays a plain key.
    const out: Record<string, string> = Object.create(null)
    for (const [k, value] of Object.entries(v)) {
      if (typeof value !== 'string') throw fail(`${key}.${k} is not a string`)
      out[k] = value
    }
    return out
  }
  const partials = o.PartialUploads ?? null
  if (
    partials !== null &&
    !(Array.isArray(partials) && partials.every((p) => typeof p === 'string'))
  )
    throw fail('PartialUploads is not a list of ids')
  return {
    ID: str('ID'),
    Size: int('Size'),
    SizeIsDeferred: bool('SizeIsDeferred'),
    Offset: int('Offset'),
    MetaData: map('MetaData') ?? Object.create(null),
    IsPartial: bool('IsPartial'),
    IsFinal: bool('IsFinal'),
    PartialUploads: partials as string[] | null,
    Storage: map('Storage'),
  }
}
