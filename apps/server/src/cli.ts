import { FlagError, parseFlags } from './flags.js'
import { helpText, versionText } from './help.js'
import { type CliLogger, createLogger } from './log.js'
import { handleSignals } from './shutdown.js'

/**
 * The `tusd` binary. Exit status: 0 after -help, -version or a shutdown by
 * signal; 2 for a bad command line (as Go's flag package); 1 when the server
 * cannot start or on a second signal.
 */

/** Exits once the logs are out (bounded: a stuck pipe must not keep the process alive). */
async function exitAfterFlush(logger: CliLogger, code: number): Promise<never> {
  await Promise.race([logger.flush(), new Promise((resolve) => setTimeout(resolve, 500))])
  process.exit(code)
}

async function main(argv: readonly string[]): Promise<void> {
  // A closed stdout (`tusd | head`) must not crash the server.
  process.stdout.on('error', () => {})

  let parsed: ReturnType<typeof parseFlags>
  try {
    parsed = parseFlags(argv)
  } catch (error) {
    if (!(error instanceof FlagError)) throw error
    process.stderr.write(`tusd: ${error.message}\nRun 'tusd -help' to see all flags.\n`)
    process.exitCode = 2
    return
  }
  if (parsed.help) {
    process.stdout.write(helpText())
    return
  }
  const { flags } = parsed
  if (flags.version) {
    process.stdout.write(versionText())
    return
  }

  const logger = createLogger({ format: flags.logFormat, verbose: flags.verbose })
  process.on('uncaughtException', (error) => {
    logger.printError(`Uncaught exception: ${error.stack ?? String(error)}`)
    void exitAfterFlush(logger, 1)
  })
  process.on('unhandledRejection', (reason) => {
    logger.printError(
      `Unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`,
    )
    void exitAfterFlush(logger, 1)
  })

  try {
    // Loaded only now, so that -help, -version and flag errors need none of the packages.
    const [{ composeHandler }, { serve }] = await Promise.all([
      import('./composer.js'),
      import('./serve.js'),
    ])
    const handler = await composeHandler(flags, logger)
    const server = await serve(handler, flags, logger)
    handleSignals({
      close: () => server.close(flags.shutdownTimeout),
      logger,
      exit: (code) => void exitAfterFlush(logger, code),
    })
  } catch (error) {
    logger.printError(
      `Unable to start tusd: ${error instanceof Error ? error.message : String(error)}`,
    )
    await exitAfterFlush(logger, 1)
  }
}

void main(process.argv.slice(2))
