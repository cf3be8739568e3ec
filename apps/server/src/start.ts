import { silentLogger } from '@tus/core'
import { composeHandler } from './composer.js'
import { defaultFlags, type Flags } from './flags.js'
import { type CliLogger, createLogger } from './log.js'
import { type ServerHandle, serve } from './serve.js'

export interface StartOptions {
  /** Where logs go; by default the CLI's logger per `-log-format`/`-verbose`, or nothing with `silent`. */
  logger?: CliLogger
  /** No log output at all (tests). */
  silent?: boolean
}

const silentCliLogger: CliLogger = {
  ...silentLogger,
  child: () => silentCliLogger,
  print() {},
  printError() {},
  flush: async () => {},
}

/**
 * The server as a library call, for tests and embedding: `flags` are merged
 * over the defaults (`uploadDir` resolved against the working directory).
 * Resolves once listening; `close()` shuts down gracefully.
 *
 * ```ts
 * const { url, close } = await startServer({ port: 0, uploadDir: '/tmp/uploads' }, { silent: true })
 * ```
 */
export async function startServer(
  flags: Partial<Flags> = {},
  options: StartOptions = {},
): Promise<ServerHandle> {
  const merged: Flags = { ...defaultFlags(), ...flags }
  const logger =
    options.logger ??
    (options.silent
      ? silentCliLogger
      : createLogger({ format: merged.logFormat, verbose: merged.verbose }))
  const handler = await composeHandler(merged, logger)
  return serve(handler, merged, logger)
}
