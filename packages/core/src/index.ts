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
  type ExpirableUpload,
  type ExpirerDataStore,
  isConcaterDataStore,
  isContentServerDataStore,
  isExpirerDataStore,
  isLengthDeferrerDataStore,
  isStagerDataStore,
  isTerminaterDataStore,
  type LengthDeclarableUpload,
  type LengthDeferrerDataStore,
  type ServableUpload,
  type StagedChunk,
  type StagerDataStore,
  type StagingUpload,
  type TerminatableUpload,
  type TerminaterDataStore,
  type Upload,
  type WriteOptions,
} from './store.js'
export { isValidUploadId, MAX_UPLOAD_ID_LENGTH } from './upload-id.js'
