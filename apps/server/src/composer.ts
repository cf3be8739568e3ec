import type { Logger } from '@tus/core'
import {
  type CorsOptions,
  createTusHandler,
  DEFAULT_CORS_ALLOW_HEADERS,
  DEFAULT_CORS_ALLOW_METHODS,
  DEFAULT_CORS_EXPOSE_HEADERS,
  type TusHandler,
} from '@tus/handler'
import { formatDuration } from './duration.js'
import type { Flags } from './flags.js'
import { composeHooks, type HookFlags } from './hooks.js'
import type { CliLogger } from './log.js'
import { composeStorage, type StorageFlags } from './storage.js'

/**
 * Builds store, locker and handler from the flags (tusd's cmd/tusd/cli/composer.go).
 * The store is the file store in `-upload-dir`, paired as in tusd with the
 * file locker, so that several processes can serve one directory. The folder
 * is checked at start-up: one that cannot hold lock files stops the server.
 */

export type ComposeFlags = Pick<
  Flags,
  | 'basePath'
  | 'maxSize'
  | 'behindProxy'
  | 'disableDownload'
  | 'disableTermination'
  | 'disableConcatenation'
  | 'expiration'
  | 'expirationInterval'
  | 'networkTimeout'
  | 'acquireLockTimeout'
> &
  CorsFlags &
  HookFlags &
  StorageFlags

export type CorsFlags = Pick<
  Flags,
  | 'disableCors'
  | 'corsAllowOrigin'
  | 'corsAllowCredentials'
  | 'corsAllowMethods'
  | 'corsAllowHeaders'
  | 'corsExposeHeaders'
  | 'corsMaxAge'
>

/**
 * The handler's CORS options from the -cors-* flags (tusd's getCorsConfig):
 * a non-empty -cors-allow-methods, -cors-allow-headers or -cors-expose-headers
 * is appended to the default list as `<defaults>, <value>`, never replaces it.
 */
export function corsOptions(flags: CorsFlags): CorsOptions {
  return {
    disable: flags.disableCors,
    allowOrigin: flags.corsAllowOrigin,
    allowCredentials: flags.corsAllowCredentials,
    allowMethods: append(DEFAULT_CORS_ALLOW_METHODS, flags.corsAllowMethods),
    allowHeaders: append(DEFAULT_CORS_ALLOW_HEADERS, flags.corsAllowHeaders),
    exposeHeaders: append(DEFAULT_CORS_EXPOSE_HEADERS, flags.corsExposeHeaders),
    maxAge: flags.corsMaxAge,
  }
}

function append(defaults: string, extra: string): string {
  return extra === '' ? defaults : `${defaults}, ${extra}`
}

/** Creates `-upload-dir` if needed (mkdir -p, mode 0775 as tusd) and the handler serving it. */
export async function composeHandler(
  flags: ComposeFlags,
  logger: CliLogger,
  handlerLogger: Logger = logger,
): Promise<TusHandler> {
  const { store, locker } = await composeStorage(flags, logger, handlerLogger)
  logger.print(`Using ${(flags.maxSize / 1024 / 1024).toFixed(2)}MB as maximum size.`)
  if (flags.expiration > 0) {
    logger.print(
      `Unfinished uploads expire ${formatDuration(flags.expiration)} after their last write; looking for them every ${formatDuration(flags.expirationInterval)}.`,
    )
  }
  const hooks = await composeHooks(flags, logger)
  return createTusHandler({
    store,
    locker,
    basePath: flags.basePath,
    maxSize: flags.maxSize,
    respectForwardedHeaders: flags.behindProxy,
    disableDownload: flags.disableDownload,
    disableTermination: flags.disableTermination,
    disableConcatenation: flags.disableConcatenation,
    expiration: flags.expiration,
    expirationInterval: flags.expirationInterval,
    networkTimeout: flags.networkTimeout,
    acquireLockTimeout: flags.acquireLockTimeout,
    cors: corsOptions(flags),
    ...(hooks === undefined ? {} : { hooks }),
    logger: handlerLogger,
  })
}
