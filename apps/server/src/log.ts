import type { LogFields, Logger } from '@tus/core'
import type { LogFormat } from './flags.js'

/**
 * Logging as tusd's binary does it (cmd/tusd/cli/log.go, Go's log/slog):
 *
 * - `text`: `2006/01/02 15:04:05.000000 level=INFO event=UploadCreated id=…`
 *   (slog's text handler behind a log.Logger timestamp, `msg` renamed `event`),
 *   to stdout; plain error lines go to stderr.
 * - `json`: one JSON object per line, `{"time","level","msg",…fields}`, to
 *   stdout; plain messages are INFO/ERROR lines of the same shape, because
 *   tusd routes its plain logger through slog in this mode.
 *
 * `-verbose` (the default) enables DEBUG; without it the lowest level is INFO.
 */

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'
const RANK: Readonly<Record<Level, number>> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 }

/** Where lines go; process.stdout and process.stderr by default. */
export interface LogSink {
  write(chunk: string, callback?: (error?: Error | null) => void): unknown
}

export interface CliLoggerOptions {
  format: LogFormat
  verbose: boolean
  stdout?: LogSink
  stderr?: LogSink
  /** The clock, for tests. */
  now?: () => Date
}

/** The handler's structured Logger, plus the plain lines of the CLI. */
export interface CliLogger extends Logger {
  /** A plain message (startup, shutdown), as tusd prints to stdout. */
  print(message: string): void
  /** A plain error message: stderr in text format, an ERROR line in json format. */
  printError(message: string): void
  /** Resolves once everything written so far has been handed to the OS (call before exiting). */
  flush(): Promise<void>
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0')

/** Go's log.LstdFlags|log.Lmicroseconds prefix, in local time. JS clocks stop at ms. */
function textTimestamp(date: Date): string {
  return (
    `${date.getFullYear()}/${pad(date.getMonth() + 1)}/${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
    `${pad(date.getMilliseconds(), 3)}000`
  )
}

/** A field value as text: errors by message, objects as JSON. */
function stringify(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof Error) return value.message
  if (value instanceof Date) return value.toISOString()
  if (value === null || typeof value !== 'object') return String(value)
  try {
    return JSON.stringify(value, jsonReplacer)
  } catch {
    return String(value)
  }
}

/** Printable ASCII but space, `"` and `=`: what most values are, and never quoted. */
const PLAIN = /^[!#-<>-~]+$/

/** slog's text handler quotes empty values and any with spaces, `=`, `"` or control characters. */
function quote(value: string): string {
  if (PLAIN.test(value)) return value
  return value === '' || /[\s="\p{Cc}\p{Cf}]/u.test(value) ? JSON.stringify(value) : value
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return value.message
  if (typeof value === 'bigint') return value.toString()
  return value
}

function textLine(stamp: string, level: Level, event: string, fields: LogFields): string {
  let line = `${stamp} level=${level} event=${quote(event)}`
  for (const key in fields) {
    const value = fields[key]
    if (value === undefined) continue
    line += ` ${quote(key)}=${quote(stringify(value))}`
  }
  return `${line}\n`
}

function jsonLine(time: string, level: Level, msg: string, fields: LogFields): string {
  const record: Record<string, unknown> = { time, level, msg }
  // The record's own keys win over fields of the same name.
  for (const key in fields) if (!(key in record)) record[key] = fields[key]
  try {
    return `${JSON.stringify(record, jsonReplacer)}\n`
  } catch {
    return `${JSON.stringify({ time, level, msg, fields: stringify(fields) })}\n`
  }
}

/**
 * The clock as text, formatted once per millisecond: a busy server writes
 * several lines in each, and formatting local time is most of a line's cost.
 * `clock` gives ms since the epoch; a Date is made only to format a new one.
 */
function stamps(clock: () => number, format: (date: Date) => string): () => string {
  let last = Number.NaN
  let text = ''
  return () => {
    const ms = clock()
    if (ms !== last) {
      last = ms
      text = format(new Date(ms))
    }
    return text
  }
}

const isoTimestamp = (date: Date) => date.toISOString()

function flushSink(sink: LogSink): Promise<void> {
  return new Promise((resolve) => {
    try {
      sink.write('', () => resolve())
    } catch {
      resolve()
    }
  })
}

/**
 * Lines written in one turn of the event loop go out as one write. A busy
 * server logs several lines per upload; one system call per line would cost
 * more than the upload's own file operations. Order is kept; what is pending
 * goes out before the process exits.
 */
export function batchedSink(sink: LogSink): LogSink {
  let pending: string[] = []
  let scheduled = false
  const flush = () => {
    scheduled = false
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    sink.write(text)
  }
  process.once('exit', flush)
  return {
    write(chunk, callback) {
      if (chunk !== '') pending.push(chunk)
      if (callback !== undefined) {
        flush()
        return sink.write('', callback)
      }
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
      return true
    },
  }
}

/** Creates the CLI's logger; `child` loggers share its sinks and options. */
export function createLogger(options: CliLoggerOptions): CliLogger {
  const stdout = options.stdout ?? batchedSink(process.stdout)
  const stderr = options.stderr ?? process.stderr
  const now = options.now
  const clock = now === undefined ? Date.now : () => now().getTime()
  const minimum = options.verbose ? RANK.DEBUG : RANK.INFO
  const json = options.format === 'json'

  const stamp = stamps(clock, json ? isoTimestamp : textTimestamp)

  const emit = (level: Level, event: string, bound: LogFields | undefined, fields?: LogFields) => {
    if (RANK[level] < minimum) return
    // The root logger (bound undefined) logs the caller's fields as they are.
    const all = bound === undefined ? (fields ?? {}) : { ...bound, ...fields }
    const time = stamp()
    stdout.write(json ? jsonLine(time, level, event, all) : textLine(time, level, event, all))
  }

  const make = (bound: LogFields | undefined): CliLogger => ({
    debug: (event, fields) => emit('DEBUG', event, bound, fields),
    info: (event, fields) => emit('INFO', event, bound, fields),
    warn: (event, fields) => emit('WARN', event, bound, fields),
    error: (event, fields) => emit('ERROR', event, bound, fields),
    child: (fields) => make({ ...bound, ...fields }),
    print(message) {
      const time = stamp()
      stdout.write(json ? jsonLine(time, 'INFO', message, {}) : `${time} ${message}\n`)
    },
    printError(message) {
      const time = stamp()
      if (json) stdout.write(jsonLine(time, 'ERROR', message, {}))
      else stderr.write(`${time} ${message}\n`)
    },
    flush: async () => {
      await Promise.all([flushSink(stdout), flushSink(stderr)])
    },
  })

  return make(undefined)
}
