import type { FileInfo } from '@tus/core'

/**
 * The `.info` object: the FileInfo as tusd writes it (Go's encoding/json of
 * handler.FileInfo), so that tusd and this store read each other's objects.
 * Its Offset is written but never trusted: the parts are the offset.
 */

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
export function parseInfo(text: string, key: string): FileInfo {
  const fail = (why: string, cause?: unknown) =>
    new Error(`[s3store] invalid info object ${key}: ${why}`, { cause })
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw fail('not JSON', err)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail('not an object')
  const o = raw as Record<string, unknown>
  const str = (name: string): string => {
    const v = o[name] ?? ''
    if (typeof v !== 'string') throw fail(`${name} is not a string`)
    return v
  }
  const int = (name: string): number => {
    const v = o[name] ?? 0
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw fail(`${name} is not a size`)
    return v as number
  }
  const bool = (name: string): boolean => {
    const v = o[name] ?? false
    if (typeof v !== 'boolean') throw fail(`${name} is not a boolean`)
    return v
  }
  const map = (name: string): Record<string, string> | null => {
    const v = o[name] ?? null
    if (v === null) return null
    if (typeof v !== 'object' || Array.isArray(v)) throw fail(`${name} is not an object`)
    const out: Record<string, string> = Object.create(null)
    for (const [k, value] of Object.entries(v)) {
      if (typeof value !== 'string') throw fail(`${name}.${k} is not a string`)
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
export function cloneInfo(info: FileInfo): FileInfo {
  const copyMap = (m: Record<string, string>): Record<string, string> =>
    Object.assign(Object.create(null), m)
  return {
    ...info,
    MetaData: copyMap(info.MetaData),
    PartialUploads: info.PartialUploads === null ? null : [...info.PartialUploads],
    Storage: info.Storage === null ? null : copyMap(info.Storage),
  }
}
