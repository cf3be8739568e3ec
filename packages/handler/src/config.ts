import {
  type DataStore,
  type FileInfo,
  isLengthDeferrerDataStore,
  isTerminaterDataStore,
  type Locker,
  type Logger,
  silentLogger,
} from '@tus/core'
import type { TusHandlerOptions } from './options.js'

/** Options with defaults applied and capabilities checked once, at construction. */
export interface Config {
  store: DataStore
  locker: Locker | undefined
  /** Path of the upload collection, starting and ending with `/`. */
  basePath: string
  /** Scheme and host to put in front of URLs, when basePath was given as an absolute URL. */
  baseOrigin: string | undefined
  maxSize: number
  respectForwardedHeaders: boolean
  disableDownload: boolean
  networkTimeout: number
  acquireLockTimeout: number
  logger: Logger
  canTerminate: boolean
  canDeferLength: boolean
  extensions: readonly string[]
  /**
   * HEAD reads in progress, by upload id: a HEAD for an upload that is being
   * read already shares that read (see methods/head.ts). Per handler.
   */
  headReads: Map<string, Promise<FileInfo>>
}

export function resolveConfig(options: TusHandlerOptions): Config {
  if (!options || typeof options.store !== 'object' || options.store === null) {
    throw new TypeError('createTusHandler: `store` is required')
  }
  const { basePath, baseOrigin } = normaliseBasePath(options.basePath ?? '/files/')
  const maxSize = options.maxSize ?? 0
  if (!Number.isSafeInteger(maxSize) || maxSize < 0) {
    throw new TypeError('createTusHandler: `maxSize` must be a non-negative integer')
  }
  const store = options.store
  const canTerminate = isTerminaterDataStore(store) && !options.disableTermination
  const canDeferLength = isLengthDeferrerDataStore(store)
  // tusd's order: creation, creation-with-upload, termination, concatenation, creation-defer-length.
  const extensions = ['creation', 'creation-with-upload']
  if (canTerminate) extensions.push('termination')
  if (canDeferLength) extensions.push('creation-defer-length')
  return {
    store,
    locker: options.locker,
    basePath,
    baseOrigin,
    maxSize,
    respectForwardedHeaders: options.respectForwardedHeaders ?? false,
    disableDownload: options.disableDownload ?? false,
    networkTimeout: positive(options.networkTimeout, 60_000, 'networkTimeout'),
    acquireLockTimeout: positive(options.acquireLockTimeout, 20_000, 'acquireLockTimeout'),
    logger: options.logger ?? silentLogger,
    canTerminate,
    canDeferLength,
    extensions,
    headReads: new Map(),
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`createTusHandler: \`${name}\` must be a positive number of milliseconds`)
  }
  return value
}

/** `/files` → `/files/`; `https://h/files` → origin `https://h`, path `/files/`. */
export function normaliseBasePath(value: string): { basePath: string; baseOrigin?: string } {
  let path = value
  let baseOrigin: string | undefined
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const url = new URL(value)
    baseOrigin = url.origin
    path = url.pathname
  }
  if (!path.startsWith('/')) path = `/${path}`
  if (!path.endsWith('/')) path = `${path}/`
  return baseOrigin === undefined ? { basePath: path } : { basePath: path, baseOrigin }
}
