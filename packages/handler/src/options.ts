import type { DataStore, Locker, Logger } from '@tus/core'
import type { CorsOptions } from './cors.js'
import type { HookOptions } from './hooks/invoke.js'

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
   * Refuse Upload-Concat (400 ERR_CONCATENATION_UNSUPPORTED) even if the store
   * can concatenate uploads, and stop advertising `concatenation`.
   */
  disableConcatenation?: boolean
  /**
   * A request body that sends nothing for this long fails with 500
   * ERR_READ_TIMEOUT, its bytes kept. Restarts with every read (default 60 000).
   */
  networkTimeout?: number
  /**
   * How long a request waits for an upload's lock before 500 ERR_LOCK_TIMEOUT
   * (default 20 000); up to 1/16 longer, since waits that begin together share
   * one timer.
   */
  acquireLockTimeout?: number
  /**
   * The expiration extension: an unfinished upload expires this many ms after
   * it was created or last took bytes. Its responses carry Upload-Expires; once
   * expired it answers 410 ERR_UPLOAD_EXPIRED until the sweep removes it.
   * Finished uploads never expire. 0 (the default) turns it off. Needs a store
   * that can list and terminate uploads.
   */
  expiration?: number
  /**
   * How often expired uploads are removed, in ms (default 60 000). 0 starts no
   * timer: call `sweepExpired()` yourself (from a cron job, say).
   */
  expirationInterval?: number
  /**
   * Hooks, as tusd's: a provider (HTTP, files, functions) and the hooks to
   * call. See HookOptions.
   */
  hooks?: HookOptions
  /** Structured logs; silent by default. */
  logger?: Logger
  /**
   * CORS for browsers on other origins (default: every origin allowed, tusd's
   * header lists). A field given replaces its default; see CorsOptions.
   */
  cors?: CorsOptions
}
