import type { DataStore, Locker, Logger } from '@tus/core'

/** How the handler is set up. Durations are in milliseconds. */
export interface TusHandlerOptions {
  /** Where uploads are kept. Its capabilities decide the advertised extensions. */
  store: DataStore
  /**
   * Locks uploads so that one request at a time reads or changes each. Without
   * one, nothing is locked: use that only when a single client uses each upload.
   */
  locker?: Locker
  /**
   * The public path of the upload collection (default `/files/`), normalised to
   * start and end with `/`. An absolute URL (`https://cdn.example/files/`) is used
   * as-is for Location headers; its path is the one requests arrive on.
   */
  basePath?: string
  /** Largest upload in bytes; 0 (the default) for no limit. Advertised as Tus-Max-Size. */
  maxSize?: number
  /** Trust X-Forwarded-Host, X-Forwarded-Proto and Forwarded when building URLs (tusd `-behind-proxy`). */
  respectForwardedHeaders?: boolean
  /** Answer GET on uploads with 405 instead of their bytes. */
  disableDownload?: boolean
  /** Answer DELETE with 405 even if the store can terminate uploads. */
  disableTermination?: boolean
  /**
   * A request body that sends nothing for this long fails with 500
   * ERR_READ_TIMEOUT, its bytes kept. Restarts with every read (default 60 000).
   */
  networkTimeout?: number
  /** How long a request waits for an upload's lock before 500 ERR_LOCK_TIMEOUT (default 20 000). */
  acquireLockTimeout?: number
  /** Structured logs; silent by default. */
  logger?: Logger
}
