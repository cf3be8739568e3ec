/**
 * What is known about an upload. The field names are tusd's (Go's) on purpose:
 * this object is written as-is to `<id>.info` files and into hook requests, so an
 * upload directory or hook server made for tusd reads it unchanged.
 */
export interface FileInfo {
  /** Unique id of the upload; may contain `/` (stores map it to folders or keys). */
  ID: string
  /** Total length in bytes; 0 while the length is deferred. */
  Size: number
  /** True until the client declares the length (creation-defer-length). */
  SizeIsDeferred: boolean
  /** Bytes stored so far. */
  Offset: number
  /** Upload-Metadata, decoded. */
  MetaData: Record<string, string>
  /** A partial upload, to be concatenated into a final one. */
  IsPartial: boolean
  /** A final upload, made by concatenating `PartialUploads`. */
  IsFinal: boolean
  /** Ids of the partial uploads of a final upload, in order; null otherwise. */
  PartialUploads: string[] | null
  /** Where the store keeps the upload (e.g. `{ Type: 'filestore', Path }`); null if unknown. */
  Storage: Record<string, string> | null
}

/** A FileInfo with tusd's zero values, overridden by `fields`. */
export function newFileInfo(fields: Partial<FileInfo> = {}): FileInfo {
  return {
    ID: '',
    Size: 0,
    SizeIsDeferred: false,
    Offset: 0,
    MetaData: {},
    IsPartial: false,
    IsFinal: false,
    PartialUploads: null,
    Storage: null,
    ...fields,
  }
}

/** True when every byte of an upload of known length has arrived. */
export function isComplete(info: FileInfo): boolean {
  return !info.SizeIsDeferred && info.Offset === info.Size
}
