import type { CliLogger } from '../../src/log.js'

/** A CLI logger for tests: events are dropped, plain messages land in `lines`. */
export function testLogger(lines: string[] = []): CliLogger {
  const logger: CliLogger = {
    debug() {},
    info() {},
    warn() {},
    error() {},
    child: () => logger,
    print: (line) => lines.push(line),
    printError: (line) => lines.push(`error: ${line}`),
    flush: async () => {},
  }
  return logger
}
