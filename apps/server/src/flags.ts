import { FLAG_SPECS, type Flags, isTusdOnly } from './flag-specs.js'

/**
 * The command line of tusd, with tusd's flag names, defaults and syntax (Go's
 * `flag` package): `-flag value`, `-flag=value`, `--flag value`,
 * `--flag=value`; booleans as `-flag` or `-flag=false`. Only the flags this
 * server implements are accepted; every other one is an error, so that a
 * typo or an unsupported tusd option never goes unnoticed.
 */

export {
  defaultText,
  FLAG_SPECS,
  type FlagSpec,
  type Flags,
  type FlagType,
  GROUPS,
  type LogFormat,
} from './flag-specs.js'

/** A bad command line: the CLI prints the message and exits with status 2, as Go's flag package does. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FlagError'
  }
}

/** What parsing asked for: run with `flags`, or print the help text. */
export interface ParsedArgs {
  help: boolean
  flags: Flags
}

const BY_NAME = new Map(FLAG_SPECS.map((flag) => [flag.name, flag]))

/** The flags with their defaults; `uploadDir` resolved against `cwd`. */
export function defaultFlags(cwd = process.cwd()): Flags {
  const flags: Partial<Record<keyof Flags, unknown>> = {}
  for (const flag of FLAG_SPECS) flags[flag.key] = flag.parse(flag.defaultValue, cwd)
  return flags as Flags
}

/**
 * Parses `argv` (without the node and script paths) as Go's flag package does,
 * except that arguments which are not flags are an error rather than silently
 * ignored. `-h`/`-help` stops parsing and asks for the help text. Throws
 * FlagError on anything else it cannot use.
 */
export function parseFlags(argv: readonly string[], cwd = process.cwd()): ParsedArgs {
  const flags = defaultFlags(cwd)
  // `npm start -- -port 1080` and `pnpm start -- …` pass their own `--` on: a
  // leading one is skipped, so flags given that way still count.
  for (let i = argv[0] === '--' ? 1 : 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') {
      if (i + 1 < argv.length) throw new FlagError(`unexpected argument: ${argv[i + 1]}`)
      break
    }
    if (!arg.startsWith('-') || arg === '-') throw new FlagError(`unexpected argument: ${arg}`)
    const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1)
    if (body === '' || body.startsWith('-') || body.startsWith('=')) {
      throw new FlagError(`bad flag syntax: ${arg}`)
    }
    const eq = body.indexOf('=')
    const name = eq === -1 ? body : body.slice(0, eq)
    let value = eq === -1 ? undefined : body.slice(eq + 1)
    if (name === 'h' || name === 'help') return { help: true, flags }
    const flag = BY_NAME.get(name)
    if (!flag) {
      if (isTusdOnly(name)) {
        throw new FlagError(`flag -${name} exists in tusd but is not supported by this server`)
      }
      throw new FlagError(`flag provided but not defined: -${name}`)
    }
    if (value === undefined) {
      if (flag.type === 'bool') value = 'true'
      else if (i + 1 < argv.length) value = argv[++i] as string
      else throw new FlagError(`flag needs an argument: -${name}`)
    }
    try {
      Object.assign(flags, { [flag.key]: flag.parse(value, cwd) })
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new FlagError(`invalid value ${JSON.stringify(value)} for flag -${name}: ${reason}`)
    }
  }
  checkCombination(flags)
  return { help: false, flags }
}

/**
 * Flags that are fine alone but not together. tusd would silently take S3
 * over GCS; one storage backend is chosen here, and a second one is an error.
 */
function checkCombination(flags: Flags): void {
  if (flags.s3Bucket !== '' && flags.gcsBucket !== '') {
    throw new FlagError(
      'flags -s3-bucket and -gcs-bucket cannot be used together: choose one storage backend',
    )
  }
}
