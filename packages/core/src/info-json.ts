import type { FileInfo } from './file-info.js'

/**
 * tusd's `.info` JSON: a FileInfo as Go's encoding/json writes tusd's
 * handler.FileInfo. Every store that keeps tusd's layout (file, S3, GCS)
 * writes and reads it with these two functions, so that tusd and this project
 * read each other's uploads.
 */

/** JSON with the keys in the order of tusd's struct. */
export function serializeFileInfo(info: FileInfo): string {
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
 * zero values) and strictly on types, which Go also enforces. Maps come back
 * prototype-less, so that a key such as `__proto__` stays a plain key. A bad
 * document throws an Error whose message starts with `what` (for example
 * `[filestore] invalid info file /srv/x.info`) and names the field.
 */
export function parseFileInfo(text: string, what: string): FileInfo {
  const fail = (why: string, cause?: unknown) => new Error(`${what}: ${why}`, { cause })
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
  ) {
    throw fail('PartialUploads is not a list of ids')
  }
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

/** A deep copy the caller may change; prototype-less maps stay so. */
export function cloneFileInfo(info: FileInfo): FileInfo {
  const copy = (m: Record<string, string>): Record<string, string> =>
    Object.assign(Object.create(null), m)
  return {
    ...info,
    MetaData: copy(info.MetaData),
    PartialUploads: info.PartialUploads === null ? null : [...info.PartialUploads],
    Storage: info.Storage === null ? null : copy(info.Storage),
  }
}
