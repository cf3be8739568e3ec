import { mkdir } from 'node:fs/promises'
import type { Logger } from '@tus/core'
import { FileStore } from '@tus/filestore'
import { createTusHandler, type TusHandler } from '@tus/handler'
import { MemoryLocker } from '@tus/memorylocker'
import type { Flags } from './flags.js'
import type { CliLogger } from './log.js'

/**
 * Builds store, locker and handler from the flags (tusd's cmd/tusd/cli/composer.go).
 * The store is the file store in `-upload-dir`. tusd pairs it with its file
 * locker; this server uses the in-process memory locker, which gives the same
 * guarantees as long as one process serves the directory.
 */

export type ComposeFlags = Pick<
  Flags,
  | 'uploadDir'
  | 'basePath'
  | 'maxSize'
  | 'behindProxy'
  | 'disableDownload'
  | 'disableTermination'
  | 'networkTimeout'
  | 'acquireLockTimeout'
>

/** Creates `-upload-dir` if needed (mkdir -p, mode 0775 as tusd) and the handler serving it. */
export async function composeHandler(
  flags: ComposeFlags,
  logger: CliLogger,
  handlerLogger: Logger = logger,
): Promise<TusHandler> {
  await mkdir(flags.uploadDir, { recursive: true, mode: 0o775 })
  logger.print(`Using '${flags.uploadDir}' as directory storage.`)
  logger.print(`Using ${(flags.maxSize / 1024 / 1024).toFixed(2)}MB as maximum size.`)
  return createTusHandler({
    store: new FileStore({ directory: flags.uploadDir }),
    locker: new MemoryLocker(),
    basePath: flags.basePath,
    maxSize: flags.maxSize,
    respectForwardedHeaders: flags.behindProxy,
    disableDownload: flags.disableDownload,
    disableTermination: flags.disableTermination,
    networkTimeout: flags.networkTimeout,
    acquireLockTimeout: flags.acquireLockTimeout,
    logger: handlerLogger,
  })
}
