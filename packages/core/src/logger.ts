/**
 * Structured logging, as tusd does it: an event name (UploadCreated,
 * ChunkWriteComplete, BodyReadError, …) and flat fields. `child` binds fields
 * (requestId, then id) to every later line.
 */
export interface Logger {
  debug(event: string, fields?: LogFields): void
  info(event: string, fields?: LogFields): void
  warn(event: string, fields?: LogFields): void
  error(event: string, fields?: LogFields): void
  child(fields: LogFields): Logger
}

export type LogFields = Record<string, unknown>

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger
  },
}
