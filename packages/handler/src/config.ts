import {
  type ConcaterDataStore,
  type DataStore,
  type ExpirerDataStore,
  isConcaterDataStore,
  isExpirerDataStore,
  isLengthDeferrerDataStore,
  isStagerDataStore,
  isTerminaterDataStore,
  type Locker,
  type Logger,
  type StagerDataStore,
  silentLogger,
  type TerminaterDataStore,
} from '@tus/core'
import { type Cors, resolveCors } from './cors.js'
import { type Hooks, resolveHooks } from './hooks/invoke.js'
import { LockWaits } from './lock-waits.js'
import type { HeadRead } from './methods/head.js'
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
  logger: Logger
  /** CORS settings; undefined when CORS is disabled. */
  cors: Cors | undefined
  canTerminate: boolean
  canDeferLength: boolean
  /**
   * How Upload-Concat is treated: `ignored` when the store cannot concatenate
   * (tusd does not even read the header then), `refused` when concatenation is
   * switched off (400 ERR_CONCATENATION_UNSUPPORTED), else the store to use.
   */
  concat: ConcaterDataStore | 'ignored' | 'refused'
  /** The store, when it can stage chunks: then Upload-Checksum is honoured (checksum). */
  stager: StagerDataStore | undefined
  /** ms after the last write at which unfinished uploads expire; 0 when off. */
  expiration: number
  /** ms between sweeps; 0 for none. */
  expirationInterval: number
  /** Hooks, if any. */
  hooks: Hooks | undefined
  /** The store, when expiration is on. */
  expirer: (ExpirerDataStore & TerminaterDataStore) | undefined
  extensions: readonly string[]
  /**
   * HEAD reads in progress, by upload id: a HEAD for an upload that is being
   * read already shares that read (see methods/head.ts). Per handler.
   */
  headReads: Map<string, Promise<HeadRead>>
  /** The timeout signals of lock waits, shared by the waits that begin close together. */
  lockWaits: LockWaits
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
  const concat = !isConcaterDataStore(store)
    ? 'ignored'
    : options.disableConcatenation
      ? 'refused'
      : store
  // tusd's order: creation, creation-with-upload, termination, concatenation, creation-defer-length.
  const extensions = ['creation', 'creation-with-upload']
  if (canTerminate) extensions.push('termination')
  if (typeof concat === 'object') extensions.push('concatenation')
  if (canDeferLength) extensions.push('creation-defer-length')
  // Beyond tusd, after its list.
  const stager = isStagerDataStore(store) ? store : undefined
  if (stager !== undefined) extensions.push('checksum')
  const expiration = nonNegative(options.expiration, 0, 'expiration')
  let expirer: (ExpirerDataStore & TerminaterDataStore) | undefined
  if (expiration > 0) {
    if (!isExpirerDataStore(store) || !isTerminaterDataStore(store)) {
      throw new TypeError(
        'createTusHandler: `expiration` needs a store that can list and terminate uploads',
      )
    }
    expirer = store
    extensions.push('expiration')
  }
  const acquireLockTimeout = positive(options.acquireLockTimeout, 20_000, 'acquireLockTimeout')
  return {
    store,
    locker: options.locker,
    basePath,
    baseOrigin,
    maxSize,
    respectForwardedHeaders: options.respectForwardedHeaders ?? false,
    disableDownload: options.disableDownload ?? false,
    networkTimeout: positive(options.networkTimeout, 60_000, 'networkTimeout'),
    logger: options.logger ?? silentLogger,
    cors: resolveCors(options.cors),
    canTerminate,
    canDeferLength,
    concat,
    stager,
    expiration,
    expirationInterval: nonNegative(options.expirationInterval, 60_000, 'expirationInterval'),
    expirer,
    hooks: resolveHooks(options.hooks, options.logger ?? silentLogger),
    extensions,
    headReads: new Map(),
    lockWaits: new LockWaits(acquireLockTimeout),
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`createTusHandler: \`${name}\` must be a positive number of milliseconds`)
  }
  return value
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `createTusHandler: \`${name}\` must be a non-negative number of milliseconds`,
    )
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
