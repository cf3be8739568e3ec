import type { Bucket } from '@google-cloud/storage'
import type { FileInfo } from '@tus/core'
import { gcsCall, retryRateLimited } from './errors.js'

/**
 * The `.info` object: the FileInfo as tusd writes it (Go's encoding/json of
 * handler.FileInfo), so that tusd and this store read each other's objects.
 * Its Offset is written (at creation, on a length declaration and when the
 * upload is finished, so a finished upload's `.info` says Offset = Size, as
 * tusd's does) but never trusted: the chunks are the offset.
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
 * Parses `.info` JSON as Go does: absent fields and `null` maps are zero
 * values, wrong types are errors. Maps come out without a prototype, so a
 * metadata key such as `__proto__` stays a plain key.
 */
export function parseInfo(text: string, name: string): FileInfo {
  const invalid = (why: string, cause?: unknown) =>
    new Error(`[gcsstore] invalid info object ${name}: ${why}`, { cause })
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw invalid('not JSON', err)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('not an object')
  const fields = raw as Record<string, unknown>
  const string = (key: string): string => {
    const value = fields[key] ?? ''
    if (typeof value !== 'string') throw invalid(`${key} is not a string`)
    return value
  }
  const size = (key: string): number => {
    const value = fields[key] ?? 0
    if (!Number.isSafeInteger(value) || (value as number) < 0) throw invalid(`${key} is not a size`)
    return value as number
  }
  const flag = (key: string): boolean => {
    const value = fields[key] ?? false
    if (typeof value !== 'boolean') throw invalid(`${key} is not a boolean`)
    return value
  }
  const map = (key: string): Record<string, string> | null => {
    const value = fields[key] ?? null
    if (value === null) return null
    if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${key} is not an object`)
    const out: Record<string, string> = Object.create(null)
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw invalid(`${key}.${k} is not a string`)
      out[k] = v
    }
    return out
  }
  const partials = fields.PartialUploads ?? null
  if (
    partials !== null &&
    !(Array.isArray(partials) && partials.every((p) => typeof p === 'string'))
  ) {
    throw invalid('PartialUploads is not a list of ids')
  }
  return {
    ID: string('ID'),
    Size: size('Size'),
    SizeIsDeferred: flag('SizeIsDeferred'),
    Offset: size('Offset'),
    MetaData: map('MetaData') ?? Object.create(null),
    IsPartial: flag('IsPartial'),
    IsFinal: flag('IsFinal'),
    PartialUploads: partials as string[] | null,
    Storage: map('Storage'),
  }
}

/** A deep copy the caller may change; prototype-less maps stay so. */
export function cloneInfo(info: FileInfo): FileInfo {
  const copy = (m: Record<string, string>): Record<string, string> =>
    Object.assign(Object.create(null), m)
  return {
    ...info,
    MetaData: copy(info.MetaData),
    PartialUploads: info.PartialUploads === null ? null : [...info.PartialUploads],
    Storage: info.Storage === null ? null : copy(info.Storage),
  }
}

/** Reads and parses the `.info` object; a missing one rejects with ERR_UPLOAD_NOT_FOUND. */
export async function readInfo(bucket: Bucket, name: string): Promise<FileInfo> {
  const [bytes] = await gcsCall('read info', () => bucket.file(name).download())
  return parseInfo(bytes.toString('utf8'), name)
}

/** Writes the `.info` object, replacing it (one small simple upload; again while GCS throttles). */
export async function writeInfo(bucket: Bucket, name: string, info: FileInfo): Promise<void> {
  await gcsCall('write info', () =>
    retryRateLimited(() =>
      bucket.file(name).save(serializeInfo(info), {
        resumable: false,
        contentType: 'application/json',
      }),
    ),
  )
}
