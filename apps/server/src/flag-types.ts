import type { HookType } from '@tus/core'

/**
 * The shape of the flag table: the parsed flags, how one flag is described,
 * and tusd's -help groups. The table itself is in flag-specs.ts.
 */

export type LogFormat = 'text' | 'json'

/** Parsed flags. Durations are in milliseconds; `uploadDir` is absolute. */
export interface Flags {
  host: string
  /** 0 lets the system pick a free port. */
  port: number
  /** Starts and ends with `/`. */
  basePath: string
  behindProxy: boolean
  disableDownload: boolean
  disableTermination: boolean
  disableConcatenation: boolean
  /** Bytes; 0 for no limit. */
  maxSize: number
  /** ms after the last write at which unfinished uploads expire; 0 for never. */
  expiration: number
  /** ms between sweeps of expired uploads. */
  expirationInterval: number
  disableCors: boolean
  /** A JavaScript regular expression the whole Origin must match (checked to compile). */
  corsAllowOrigin: string
  corsAllowCredentials: boolean
  /** Appended to the handler's default list when not empty, as tusd does. */
  corsAllowMethods: string
  /** Appended to the handler's default list when not empty, as tusd does. */
  corsAllowHeaders: string
  /** Appended to the handler's default list when not empty, as tusd does. */
  corsExposeHeaders: string
  /** Seconds. */
  corsMaxAge: number
  uploadDir: string
  /** S3 storage: the bucket ('' = the file store), as tusd's -s3-* flags. */
  s3Bucket: string
  s3ObjectPrefix: string
  s3Endpoint: string
  /** Bytes. */
  s3PartSize: number
  /** Bytes. */
  s3MinPartSize: number
  s3MaxBufferedParts: number
  s3ConcurrentPartUploads: number
  s3DisableSsl: boolean
  s3DisableContentHashes: boolean
  s3TransferAcceleration: boolean
  s3LogApiCalls: boolean
  /** Google Cloud Storage: the bucket ('' = not GCS), as tusd's -gcs-* flags. */
  gcsBucket: string
  /** Never holds `_` (tusd's rule). */
  gcsObjectPrefix: string
  /** '' for Google's; else an http(s) URL without a trailing slash. */
  gcsEndpoint: string
  /** Small file system calls of the file store and file locker run inline while fast. */
  filestoreInlineFs: boolean
  /** ms between a lock holder's looks for release requests of other processes. */
  filelockHolderPollInterval: number
  /** ms between a waiting process's attempts at a lock another process holds. */
  filelockAcquirerPollInterval: number
  /** Hooks: at most one provider is used, in tusd's order of precedence (dir, http, plugin). */
  hooksDir: string
  hooksHttp: string
  hooksHttpForwardHeaders: string[]
  hooksHttpRetry: number
  hooksHttpBackoff: number
  hooksHttpTimeout: number
  hooksHttpSizeLimit: number
  hooksPlugin: string
  hooksEnabledEvents: HookType[]
  progressHooksInterval: number
  showGreeting: boolean
  version: boolean
  verbose: boolean
  logFormat: LogFormat
  networkTimeout: number
  shutdownTimeout: number
  acquireLockTimeout: number
}

/** How -help names a flag's value (Go's flag.UnquoteUsage); booleans take none. */
export type FlagType = 'bool' | 'string' | 'int' | 'duration'

export interface FlagSpec {
  readonly name: string
  readonly key: keyof Flags
  readonly type: FlagType
  readonly group: string
  readonly usage: string
  /** The default as it would be typed on the command line. */
  readonly defaultValue: string
  /** Parses a value; throws an Error whose message says what is wrong. */
  readonly parse: (value: string, cwd: string) => Flags[keyof Flags]
}

export function spec<K extends keyof Flags>(
  name: string,
  key: K,
  type: FlagType,
  group: string,
  defaultValue: string,
  usage: string,
  parse: (value: string, cwd: string) => Flags[K],
): FlagSpec {
  return { name, key, type, group, usage, defaultValue, parse }
}

export const LISTENING = 'Listening options'
export const PROTOCOL = 'Upload protocol options'
export const CORS = 'CORS options'
export const STORAGE = 'File storage option'
export const S3 = 'AWS S3 storage options'
export const GCS = 'Google Cloud Storage options'
export const HOOKS = 'Hook options'
export const MONITORING = 'Monitoring, profiling, logging options'
export const TIMEOUTS = 'Timeout options'

/** Group names in the order tusd's -help lists them. */
export const GROUPS: readonly string[] = [
  LISTENING,
  PROTOCOL,
  CORS,
  STORAGE,
  S3,
  GCS,
  HOOKS,
  MONITORING,
  TIMEOUTS,
]
