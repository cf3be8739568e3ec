import { isTusError, TusError, type TusErrorOptions } from './errors.js'

/**
 * tusd's error catalogue: code, status and message, as in tusd's
 * pkg/handler/unrouted_handler.go. ERR_READ_TIMEOUT and ERR_CONNECTION_RESET
 * are 500 on purpose, so that clients retry. The codes after
 * ERR_INTERNAL_SERVER_ERROR are this project's, for what tusd lacks; 460 is
 * the status the tus checksum extension gives a mismatch. A failed blocking
 * hook is 502 or 504 (tusd: 500 with the error's text), so that clients retry
 * and operators see at once which side failed.
 */
export const ERRORS = {
  ERR_UNSUPPORTED_VERSION: [412, 'missing, invalid or unsupported Tus-Resumable header'],
  ERR_MAX_SIZE_EXCEEDED: [413, 'maximum size exceeded'],
  ERR_INVALID_CONTENT_TYPE: [400, 'missing or invalid Content-Type header'],
  ERR_INVALID_UPLOAD_LENGTH: [400, 'missing or invalid Upload-Length header'],
  ERR_INVALID_OFFSET: [400, 'missing or invalid Upload-Offset header'],
  ERR_UPLOAD_NOT_FOUND: [404, 'upload not found'],
  ERR_UPLOAD_LOCKED: [423, 'file currently locked'],
  ERR_LOCK_TIMEOUT: [500, 'failed to acquire lock before timeout'],
  ERR_MISMATCHED_OFFSET: [409, 'mismatched offset'],
  ERR_UPLOAD_SIZE_EXCEEDED: [413, "upload's size exceeded"],
  ERR_NOT_IMPLEMENTED: [501, 'feature not implemented'],
  ERR_UPLOAD_NOT_FINISHED: [400, 'one of the partial uploads is not finished'],
  ERR_INVALID_CONCAT: [400, 'invalid Upload-Concat header'],
  ERR_CONCATENATION_UNSUPPORTED: [400, 'Upload-Concat header is not supported by server'],
  ERR_MODIFY_FINAL: [403, 'modifying a final upload is not allowed'],
  ERR_AMBIGUOUS_UPLOAD_LENGTH: [400, 'provided both Upload-Length and Upload-Defer-Length'],
  ERR_INVALID_UPLOAD_LENGTH_DEFER: [400, 'invalid Upload-Defer-Length header'],
  ERR_UPLOAD_STOPPED: [400, 'upload has been stopped by server'],
  ERR_UPLOAD_REJECTED: [400, 'upload creation has been rejected by server'],
  ERR_UPLOAD_TERMINATION_REJECTED: [400, 'upload termination has been rejected by server'],
  ERR_UPLOAD_INTERRUPTED: [
    400,
    'upload has been interrupted by another request for this upload resource',
  ],
  ERR_SERVER_SHUTDOWN: [503, 'request has been interrupted because the server is shutting down'],
  ERR_ORIGIN_NOT_ALLOWED: [403, 'request origin is not allowed'],
  ERR_UNEXPECTED_EOF: [400, 'server expected to receive more bytes'],
  ERR_READ_TIMEOUT: [500, 'timeout while reading request body'],
  ERR_CONNECTION_RESET: [500, 'TCP connection reset by peer'],
  ERR_INCOMPLETE_UPLOAD: [400, 'cannot stream non-finished upload'],
  ERR_INVALID_UPLOAD_ID: [400, 'invalid upload id'],
  ERR_INTERNAL_SERVER_ERROR: [500, 'internal server error'],
  // Beyond tusd: the checksum and expiration extensions and HTTP's own download rules.
  ERR_INVALID_CHECKSUM: [400, 'missing or invalid Upload-Checksum header'],
  ERR_UNSUPPORTED_CHECKSUM_ALGORITHM: [400, 'unsupported checksum algorithm'],
  ERR_CHECKSUM_MISMATCH: [460, 'checksum mismatch'],
  ERR_UPLOAD_EXPIRED: [410, 'upload has expired'],
  ERR_RANGE_NOT_SATISFIABLE: [416, 'requested range not satisfiable'],
  ERR_PRECONDITION_FAILED: [412, 'precondition failed'],
  ERR_ACCESS_DENIED: [403, 'access to the upload has been denied by server'],
  ERR_HOOK_FAILED: [502, 'a hook failed'],
  ERR_HOOK_TIMEOUT: [504, 'a hook did not answer in time'],
} as const satisfies Record<string, readonly [number, string]>

export type ErrorCode = keyof typeof ERRORS

/**
 * A fresh error for a catalogue code (fresh, so its stack points at the caller).
 * `message` replaces the catalogue message, e.g. for ERR_INTERNAL_SERVER_ERROR.
 */
export function tusError(code: ErrorCode, options: TusErrorOptions & { message?: string } = {}) {
  const [status, message] = ERRORS[code]
  return new TusError(code, status, options.message ?? message, options)
}

/**
 * Any thrown value as a TusError: TusErrors pass through, anything else becomes
 * 500 ERR_INTERNAL_SERVER_ERROR with the original as its cause. Unlike tusd, the
 * raw error text is not sent to the client (it may hold paths or credentials);
 * it stays in `cause` for the logs.
 */
export function toTusError(value: unknown): TusError {
  if (value instanceof TusError) return value
  if (isTusError(value)) {
    return new TusError(value.code, value.status, value.message, {
      headers: value.headers,
      body: value.body,
      cause: value,
    })
  }
  return tusError('ERR_INTERNAL_SERVER_ERROR', { cause: value })
}
