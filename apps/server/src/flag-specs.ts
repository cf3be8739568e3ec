import { resolve } from 'node:path'
import { formatDuration, parseDuration } from './duration.js'
import {
  durationParser,
  parseBasePath,
  parseBool,
  parseHeaderList,
  parseInteger,
  parseLogFormat,
  parseOriginPattern,
} from './flag-parsers.js'
import { GCS_FLAG_SPECS } from './flag-specs-gcs.js'
import { HOOK_FLAG_SPECS } from './flag-specs-hooks.js'
import { S3_FLAG_SPECS } from './flag-specs-s3.js'
import {
  CORS,
  type FlagSpec,
  LISTENING,
  MONITORING,
  PROTOCOL,
  STORAGE,
  spec,
  TIMEOUTS,
} from './flag-types.js'

/**
 * The table of flags: tusd's names, groups, defaults and usage texts, and how
 * each value is parsed. Values are checked here, so that a bad one stops the
 * binary with a clear message instead of failing later.
 */

export {
  type FlagSpec,
  type Flags,
  type FlagType,
  GROUPS,
  type LogFormat,
} from './flag-types.js'

const text = (value: string) => value
const bool = (value: string) => parseBool(value)

/** Every flag this server takes. Usage texts are tusd's, amended where this server differs. */
export const FLAG_SPECS: readonly FlagSpec[] = [
  spec('host', 'host', 'string', LISTENING, '0.0.0.0', 'Host to bind HTTP server to', text),
  spec(
    'port',
    'port',
    'int',
    LISTENING,
    '8080',
    'Port to bind HTTP server to (0 picks a free port)',
    (v) => parseInteger(v, 0, 65535),
  ),
  spec(
    'base-path',
    'basePath',
    'string',
    LISTENING,
    '/files/',
    'Basepath of the HTTP server',
    parseBasePath,
  ),
  spec(
    'behind-proxy',
    'behindProxy',
    'bool',
    LISTENING,
    'false',
    'Respect X-Forwarded-* and similar headers which may be set by proxies',
    bool,
  ),
  spec(
    'disable-download',
    'disableDownload',
    'bool',
    PROTOCOL,
    'false',
    'Disable the download endpoint',
    bool,
  ),
  spec(
    'disable-termination',
    'disableTermination',
    'bool',
    PROTOCOL,
    'false',
    'Disable the termination endpoint',
    bool,
  ),
  spec(
    'disable-concatenation',
    'disableConcatenation',
    'bool',
    PROTOCOL,
    'false',
    'Disable support for the concatenation extension',
    bool,
  ),
  spec(
    'max-size',
    'maxSize',
    'int',
    PROTOCOL,
    '0',
    'Maximum size of a single upload in bytes',
    (v) => parseInteger(v, 0, Number.MAX_SAFE_INTEGER),
  ),
  spec(
    'expiration',
    'expiration',
    'duration',
    PROTOCOL,
    '0s',
    'Remove unfinished uploads this long after their last write (the expiration extension; 0 keeps them for ever)',
    durationParser(false),
  ),
  spec(
    'expiration-interval',
    'expirationInterval',
    'duration',
    PROTOCOL,
    '1m',
    'How often to look for expired uploads to remove',
    durationParser(true),
  ),
  spec('disable-cors', 'disableCors', 'bool', CORS, 'false', 'Disable CORS headers', bool),
  spec(
    'cors-allow-origin',
    'corsAllowOrigin',
    'string',
    CORS,
    '.*',
    'Regular expression (JavaScript syntax) the whole Origin header must match; tusd matches any part of it. Other origins are refused with 403 ERR_ORIGIN_NOT_ALLOWED. By default, all origins are allowed.',
    parseOriginPattern,
  ),
  spec(
    'cors-allow-credentials',
    'corsAllowCredentials',
    'bool',
    CORS,
    'false',
    'Allow credentials by setting Access-Control-Allow-Credentials: true',
    bool,
  ),
  spec(
    'cors-allow-methods',
    'corsAllowMethods',
    'string',
    CORS,
    '',
    'Comma-separated list of request methods that are included in Access-Control-Allow-Methods in addition to the ones required by tusd',
    parseHeaderList,
  ),
  spec(
    'cors-allow-headers',
    'corsAllowHeaders',
    'string',
    CORS,
    '',
    'Comma-separated list of headers that are included in Access-Control-Allow-Headers in addition to the ones required by tusd',
    parseHeaderList,
  ),
  spec(
    'cors-max-age',
    'corsMaxAge',
    'string',
    CORS,
    '86400',
    'Value of the Access-Control-Max-Age header to control the cache duration of CORS responses, in seconds.',
    (v) => parseInteger(v, 0, Number.MAX_SAFE_INTEGER),
  ),
  spec(
    'cors-expose-headers',
    'corsExposeHeaders',
    'string',
    CORS,
    '',
    'Comma-separated list of headers that are included in Access-Control-Expose-Headers in addition to the ones required by tusd',
    parseHeaderList,
  ),
  spec(
    'upload-dir',
    'uploadDir',
    'string',
    STORAGE,
    './data',
    'Directory to store uploads in (created if missing)',
    (v, cwd) => {
      if (v === '') throw new Error('must not be empty')
      return resolve(cwd, v)
    },
  ),
  spec(
    'filestore-inline-fs',
    'filestoreInlineFs',
    'bool',
    STORAGE,
    'true',
    "Run the small file system calls of a request (stats, reading .info files, creating an upload's files, writing bodies of at most 64 KiB, lock lookups) synchronously while they take under a millisecond; false always uses the thread pool (for a file system that may hang, such as a hard NFS mount)",
    bool,
  ),
  spec(
    'filelock-holder-poll-interval',
    'filelockHolderPollInterval',
    'duration',
    STORAGE,
    '500ms',
    'The interval at which the upload lock holder checks for requests to release the lock from other processes (tusd: 5s; shorter here, so that a lock moves between processes within a second)',
    durationParser(true),
  ),
  spec(
    'filelock-acquirer-poll-interval',
    'filelockAcquirerPollInterval',
    'duration',
    STORAGE,
    '250ms',
    'The interval at which a process waiting for an upload lock held by another process tries again (tusd: 2s)',
    durationParser(true),
  ),
  ...S3_FLAG_SPECS,
  ...GCS_FLAG_SPECS,
  ...HOOK_FLAG_SPECS,
  spec(
    'show-greeting',
    'showGreeting',
    'bool',
    MONITORING,
    'true',
    'Show the greeting message for GET requests to the root path',
    bool,
  ),
  spec('version', 'version', 'bool', MONITORING, 'false', 'Print tusd version information', bool),
  spec('verbose', 'verbose', 'bool', MONITORING, 'true', 'Enable verbose logging output', bool),
  spec(
    'log-format',
    'logFormat',
    'string',
    MONITORING,
    'text',
    'Logging format (text or json)',
    parseLogFormat,
  ),
  spec(
    'network-timeout',
    'networkTimeout',
    'duration',
    TIMEOUTS,
    '60s',
    'Timeout for reading the request and writing the response. If the tusd does not receive data for this duration, it will consider the connection dead.',
    durationParser(true),
  ),
  spec(
    'shutdown-timeout',
    'shutdownTimeout',
    'duration',
    TIMEOUTS,
    '10s',
    'Timeout for closing connections gracefully during shutdown. After the timeout, tusd will exit regardless of any open connection.',
    durationParser(false),
  ),
  spec(
    'acquire-lock-timeout',
    'acquireLockTimeout',
    'duration',
    TIMEOUTS,
    '20s',
    'Timeout for a request handler to wait for acquiring the upload lock.',
    durationParser(true),
  ),
]

/** Flags of tusd this server does not implement (yet): named in the error instead of "not defined". */
const TUSD_ONLY = new Set([
  'unix-sock',
  'enable-h2c',
  'enable-experimental-protocol',
  'dir-perms',
  'file-perms',
  'expose-metrics',
  'metrics-path',
  'expose-pprof',
  'show-startup-logs',
  'request-completion-timeout',
])
const TUSD_ONLY_PREFIXES = ['tls-', 'azure-', 'hooks-grpc', 'hooks-http-skip-verify', 'pprof-']

export function isTusdOnly(name: string): boolean {
  return TUSD_ONLY.has(name) || TUSD_ONLY_PREFIXES.some((prefix) => name.startsWith(prefix))
}

/** The default of a flag as -help shows it (Go's rules: zero values are not shown). */
export function defaultText(flag: FlagSpec): string | undefined {
  switch (flag.type) {
    case 'bool':
      return flag.defaultValue === 'true' ? 'true' : undefined
    case 'int':
      return flag.defaultValue === '0' ? undefined : flag.defaultValue
    case 'duration': {
      const ms = parseDuration(flag.defaultValue) ?? 0
      return ms === 0 ? undefined : formatDuration(ms)
    }
    case 'string':
      return flag.defaultValue === '' ? undefined : JSON.stringify(flag.defaultValue)
  }
}
