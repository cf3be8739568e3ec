/**
 * Go durations, as tusd's timeout flags take them: `500ms`, `5s`, `1m30s`,
 * `1.5h`, `0`. Values are kept in milliseconds, which is what Node's timers and
 * the handler's options use.
 */

const NS_PER_MS = 1e6

/** Nanoseconds per unit, as Go's time.ParseDuration knows them. */
const UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign
  μs: 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
}

const SEGMENT = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/

/**
 * Parses a Go duration into milliseconds (possibly fractional, for ns/µs).
 * Follows time.ParseDuration: an optional sign, then one or more
 * `<number><unit>` segments; a bare `0` is the only number without a unit.
 * Returns undefined for anything else.
 */
export function parseDuration(text: string): number | undefined {
  let rest = text
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') return undefined
  let ns = 0
  while (rest !== '') {
    const match = SEGMENT.exec(rest)
    if (!match) return undefined
    const [segment, whole = '', fraction, unit = ''] = match
    // Go needs at least one digit on either side of the dot.
    if (whole === '' && (fraction ?? '') === '') return undefined
    const perUnit = UNITS[unit]
    if (perUnit === undefined) return undefined
    ns += Number(`${whole || '0'}.${fraction || '0'}`) * perUnit
    rest = rest.slice(segment.length)
  }
  if (!Number.isFinite(ns)) return undefined
  return (sign * ns) / NS_PER_MS
}

/** `value / unit` with up to `digits` decimals, trailing zeros dropped, as Go prints them. */
function fixed(value: number, unit: number, digits: number): string {
  const whole = Math.floor(value / unit)
  const fraction = value - whole * unit
  if (fraction === 0) return String(whole)
  const decimals = String(fraction).padStart(digits, '0').replace(/0+$/, '')
  return `${whole}.${decimals}`
}

/**
 * Formats milliseconds as Go's Duration.String does (`1m0s`, `10s`, `500ms`,
 * `1h30m0s`), so that `-help` shows defaults exactly as tusd does.
 */
export function formatDuration(ms: number): string {
  let ns = Math.round(ms * NS_PER_MS)
  if (ns === 0) return '0s'
  const sign = ns < 0 ? '-' : ''
  ns = Math.abs(ns)
  if (ns < 1e3) return `${sign}${ns}ns`
  if (ns < 1e6) return `${sign}${fixed(ns, 1e3, 3)}µs`
  if (ns < 1e9) return `${sign}${fixed(ns, 1e6, 6)}ms`
  const hours = Math.floor(ns / 3600e9)
  ns -= hours * 3600e9
  const minutes = Math.floor(ns / 60e9)
  ns -= minutes * 60e9
  const seconds = `${fixed(ns, 1e9, 9)}s`
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`
  if (minutes > 0) return `${sign}${minutes}m${seconds}`
  return `${sign}${seconds}`
}
