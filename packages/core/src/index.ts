export { ERRORS, type ErrorCode, toTusError, tusError } from './catalogue.js'
export {
  hasErrorCode,
  isTusError,
  TusError,
  type TusErrorOptions,
  type TusErrorResponse,
} from './errors.js'
export { type FileInfo, isComplete, newFileInfo } from './file-info.js'
export { marshalHookRequest } from './hook-json/encode.js'
export { HookResponseError } from './hook-json/errors.js'
export { canonicalHeaderKey, isHeaderName, isHeaderValue } from './hook-json/headers.js'
export { parseHookResponse, toHookResponse } from './hook-json/response.js'
export {
  BLOCKING_HOOKS,
  DEFAULT_ENABLED_HOOKS,
  type FileInfoChanges,
  HOOK_TYPES,
  type HookEvent,
  type HookHandler,
  type HookHTTPRequest,
  type HookHTTPResponse,
  type HookInvokeOptions,
  type HookRequest,
  type HookResponse,
  type HookType,
  isHookType,
} from './hooks.js'
export { cloneFileInfo, parseFileInfo, serializeFileInfo } from './info-json.js'
export { InlineIo } from './inline-io.js'
export type { Lock, Locker } from './locker.js'
export { type LogFields, type Logger, silentLogger } from './logger.js'
export { memoById } from './memo.js'
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
