import type { FileInfo } from '@tus/core'

/**
 * The `.info` object: the FileInfo as tusd writes it (Go's encoding/json of
 * handler.FileInfo), so that tusd and this store read each other's objects.
 * Its Offset is written but never trusted: the parts are the offset.
 */

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
