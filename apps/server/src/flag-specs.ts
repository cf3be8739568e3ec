import { resolve } from 'node:path'
import { formatDuration, parseDuration } from './duration.js'

/**
 * The table of flags: tusd's names, groups, defaults and usage texts, and how
 * each value is parsed. Values are checked here, so that a bad one stops the
 * binary with a clear message instead of failing later.
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
  /** Bytes; 0 for no limit. */
  maxSize: number
  uploadDir: string
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

function spec<K extends keyof Flags>(
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

/** Go's strconv.ParseBool. */
function parseBool(value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  throw new Error('not a boolean (use true or false)')
}

function parseInteger(value: string, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(value)) throw new Error('not an integer')
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new Error(`out of range (${min} to ${max})`)
  }
  return number
}

/** A Go duration in ms; `positive` rejects 0 where 0 would mean "time out at once". */
function durationParser(positive: boolean) {
  return (value: string): number => {
    const ms = parseDuration(value)
    if (ms === undefined) throw new Error('not a duration (use e.g. 500ms, 5s, 1m30s)')
    if (ms < 0) throw new Error('must not be negative')
    if (positive && ms === 0) throw new Error('must be greater than 0')
    return ms
  }
}

/** Starts and ends with `/`, as tusd's handler normalises its base path. */
function parseBasePath(value: string): string {
  if (/[?#\s\\]/.test(value) || value.includes('://')) {
    throw new Error('must be a URL path such as /files/')
  }
  const trimmed = value.replace(/^\/+|\/+$/g, '')
  return trimmed === '' ? '/' : `/${trimmed}/`
}

function parseLogFormat(value: string): LogFormat {
  if (value === 'text' || value === 'json') return value
  throw new Error('must be text or json')
}

const LISTENING = 'Listening options'
const PROTOCOL = 'Upload protocol options'
const STORAGE = 'File storage option'
const MONITORING = 'Monitoring, profiling, logging options'
const TIMEOUTS = 'Timeout options'

/** Group names in the order tusd's -help lists them. */
export const GROUPS: readonly string[] = [LISTENING, PROTOCOL, STORAGE, MONITORING, TIMEOUTS]

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
    'max-size',
    'maxSize',
    'int',
    PROTOCOL,
    '0',
    'Maximum size of a single upload in bytes',
    (v) => parseInteger(v, 0, Number.MAX_SAFE_INTEGER),
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
  'disable-concatenation',
  'disable-cors',
  'filelock-holder-poll-interval',
  'filelock-acquirer-poll-interval',
  'dir-perms',
  'file-perms',
  'progress-hooks-interval',
  'expose-metrics',
  'metrics-path',
  'expose-pprof',
  'show-startup-logs',
  'request-completion-timeout',
])
const TUSD_ONLY_PREFIXES = ['tls-', 'cors-', 's3-', 'gcs-', 'azure-', 'hooks-', 'pprof-']

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
