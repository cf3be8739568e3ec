import { readFileSync } from 'node:fs'
import { defaultText, FLAG_SPECS, type FlagSpec, GROUPS } from './flags.js'

/**
 * The texts of `-help` and `-version`. -help has the layout of tusd's grouped
 * flags (Go's flag.PrintDefaults, one block per group, flags sorted by name),
 * so that tusd's documentation reads the same against this server.
 */

/** One flag as Go prints it: `  -name type` then the indented usage and default. */
function formatFlag(flag: FlagSpec): string {
  const name = flag.type === 'bool' ? `  -${flag.name}` : `  -${flag.name} ${flag.type}`
  const fallback = defaultText(flag)
  const usage = fallback === undefined ? flag.usage : `${flag.usage} (default ${fallback})`
  return `${name}\n    \t${usage.replaceAll('\n', '\n    \t')}\n`
}

/** The full -help text: every flag, grouped as tusd groups them. */
export function helpText(): string {
  let out = 'Usage of tusd:\n\n'
  for (const group of GROUPS) {
    const flags = FLAG_SPECS.filter((flag) => flag.group === group).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )
    if (flags.length === 0) continue
    out += `${group}:\n${flags.map(formatFlag).join('')}\n`
  }
  return out
}

/**
 * This server's version, read from its package.json: both `src/` (tests) and
 * `dist/` (the binary) sit one level below it, and npm always ships package.json.
 */
export function serverVersion(): string {
  try {
    const raw = readFileSync(new URL('../package.json', import.meta.url), 'utf8')
    const version = (JSON.parse(raw) as { version?: unknown }).version
    return typeof version === 'string' ? version : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** The -version text, in tusd's `Key: value` lines. */
export function versionText(): string {
  return `Version: ${serverVersion()}\nNode: ${process.version}\n`
}
