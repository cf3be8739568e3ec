import type { CliLogger } from './log.js'
import type { ShutdownResult } from './serve.js'

/**
 * Signals, as tusd handles them (setupSignalHandler in cmd/tusd/cli/serve.go):
 * the first SIGINT or SIGTERM starts a graceful shutdown and exits 0 when it is
 * done or when -shutdown-timeout has cut it short; a second one exits 1 at once.
 */

export interface SignalOptions {
  /** The graceful shutdown (ServerHandle.close). */
  close: () => Promise<ShutdownResult>
  logger: CliLogger
  /** Ends the process; tests pass a spy. */
  exit: (code: number) => void
  /** The process to listen on (default: `process`). */
  target?: Pick<NodeJS.Process, 'on' | 'off'>
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/** Installs the handlers; returns a function that removes them. */
export function handleSignals(options: SignalOptions): () => void {
  const target = options.target ?? process
  const { logger } = options
  let received = false

  const onSignal = () => {
    if (received) {
      logger.print('Received second interrupt signal. Exiting immediately!')
      options.exit(1)
      return
    }
    received = true
    logger.print('Received interrupt signal. Shutting down tusd...')
    options.close().then(
      (result) => {
        if (result === 'graceful') logger.print('Shutdown completed. Goodbye!')
        else logger.printError('Shutdown timeout exceeded. Exiting immediately!')
        options.exit(0)
      },
      (error: unknown) => {
        logger.printError(`Failed to shutdown gracefully: ${String(error)}`)
        options.exit(0)
      },
    )
  }

  for (const signal of SIGNALS) target.on(signal, onSignal)
  return () => {
    for (const signal of SIGNALS) target.off(signal, onSignal)
  }
}
