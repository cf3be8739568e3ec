export { ERRORS, type ErrorCode, toTusError, tusError } from './catalogue.js'
export {
  hasErrorCode,
  isTusError,
  TusError,
  type TusErrorOptions,
  type TusErrorResponse,
} from './errors.js'
export { type FileInfo, isComplete, newFileInfo } from './file-info.js'
export type { Lock, Locker } from './locker.js'
export { type LogFields, type Logger, silentLogger } from './logger.js'
export { parseMetadata, serializeMetadata } from './metadata.js'
export {
  type ByteRange,
  type ByteSource,
  type ConcatableUpload,
  type ConcaterDataStore,
  type ContentInfo,
  type ContentServerDataStore,
  type DataStore,
  isConcaterDataStore,
  isContentServerDataStore,
  isLengthDeferrerDataStore,
  isTerminaterDataStore,
  type LengthDeclarableUpload,
  type LengthDeferrerDataStore,
  type ServableUpload,
  type TerminatableUpload,
  type TerminaterDataStore,
  type Upload,
  type WriteOptions,
} from './store.js'
export { isValidUploadId, MAX_UPLOAD_ID_LENGTH } from './upload-id.js'
