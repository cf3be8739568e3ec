import type { JsonKind, Source } from './source.js'
import { decodeUtf8 } from './utf8.js'

/**
 * A reader of JSON text with the grammar, string decoding and error messages
 * of Go's encoding/json, so that a hook's answer is accepted or refused
 * exactly where tusd accepts or refuses it:
 *
 * - RFC 8259 syntax only: no comments, trailing commas, leading zeros, NaN or
 *   byte order mark; only space, tab, CR and LF between tokens; nothing but
 *   whitespace after the value.
 * - At most 10 000 arrays and objects nested (Go's maxNestingDepth). Skipping
 *   a value does not recurse, so deep nesting cannot overflow the stack.
 * - In strings, each byte that does not start valid UTF-8 reads as U+FFFD (Go's
 *   utf8.DecodeRune), and so does an escaped surrogate that is not a high one
 *   followed by an escaped low one (`\ud800`).
 *
 * Numbers come back as their literal text: Go's int fields take integer
 * literals only (`400`, not `400.0` or `4e2`), so the caller judges them.
 */

/** The text is not JSON; the message is Go's, `offset` the byte where reading stopped. */
export class JsonSyntaxError extends Error {
  readonly offset: number

  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`)
    this.name = 'JsonSyntaxError'
    this.offset = offset
  }
}

const MAX_DEPTH = 10_000

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const MINUS = 0x2d
const DOT = 0x2e
const LBRACE = 0x7b
const RBRACE = 0x7d
const LBRACKET = 0x5b
const RBRACKET = 0x5d

const ESCAPES: Record<number, string> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
}

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39
const isSpace = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d

export class JsonReader implements Source {
  private pos = 0
  private depth = 0

  constructor(private readonly bytes: Buffer) {}

  /** The kind of the next value; throws if no value starts there. */
  kind(): JsonKind {
    const b = this.peek()
    switch (b) {
      case LBRACE:
        return 'object'
      case LBRACKET:
        return 'array'
      case QUOTE:
        return 'string'
      case 0x74: // t
      case 0x66: // f
        return 'bool'
      case 0x6e: // n
        return 'null'
      default:
        if (b === MINUS || isDigit(b)) return 'number'
        throw this.invalid('looking for beginning of value')
    }
  }

  readNull(): null {
    this.literal('null')
    return null
  }

  readBool(): boolean {
    if (this.peek() === 0x74) {
      this.literal('true')
      return true
    }
    this.literal('false')
    return false
  }

  /** The literal text of the next number, checked against the JSON grammar. */
  readNumber(): string {
    this.peek()
    const start = this.pos
    const b = this.bytes
    if (b[this.pos] === MINUS) this.pos++
    if (b[this.pos] === 0x30) this.pos++
    else if (isDigit(b[this.pos])) while (isDigit(b[this.pos])) this.pos++
    else throw this.invalid('in numeric literal', true)
    if (b[this.pos] === DOT) {
      this.pos++
      if (!isDigit(b[this.pos])) throw this.invalid('after decimal point in numeric literal', true)
      while (isDigit(b[this.pos])) this.pos++
    }
    if (b[this.pos] === 0x65 || b[this.pos] === 0x45) {
      this.pos++
      if (b[this.pos] === 0x2b || b[this.pos] === MINUS) this.pos++
      if (!isDigit(b[this.pos])) throw this.invalid('in exponent of numeric literal', true)
      while (isDigit(b[this.pos])) this.pos++
    }
    return b.toString('latin1', start, this.pos)
  }

  readString(): string {
    if (this.peek() !== QUOTE) throw this.invalid('looking for beginning of string')
    this.pos++
    const b = this.bytes
    let out = ''
    let run = this.pos
    for (;;) {
      const c = b[this.pos]
      if (c === undefined) throw this.eof()
      if (c === QUOTE) {
        out += decodeUtf8(b.subarray(run, this.pos))
        this.pos++
        return out
      }
      if (c === BACKSLASH) {
        out += decodeUtf8(b.subarray(run, this.pos))
        this.pos++
        out += this.escape()
        run = this.pos
      } else if (c < 0x20) {
        throw this.invalid('in string literal')
      } else {
        this.pos++
      }
    }
  }

  readObject(member: (key: string) => void): void {
    if (this.peek() !== LBRACE) throw this.invalid('looking for beginning of object')
    this.enter()
    if (this.peek() === RBRACE) {
      this.leave()
      return
    }
    for (;;) {
      member(this.memberKey())
      const b = this.peek()
      if (b === COMMA) this.pos++
      else if (b === RBRACE) break
      else throw this.invalid('after object key:value pair')
    }
    this.leave()
  }

  skip(): void {
    const open: number[] = []
    for (;;) {
      const kind = this.kind()
      if (kind === 'object' || kind === 'array') {
        const close = kind === 'object' ? RBRACE : RBRACKET
        this.enter()
        if (this.peek() === close) {
          this.leave()
        } else {
          open.push(close)
          if (close === RBRACE) this.memberKey()
          continue
        }
      } else {
        this.scalar(kind)
      }
      // A value ended: close what it ended, then go on to the next element.
      for (;;) {
        const close = open.at(-1)
        if (close === undefined) return
        const b = this.peek()
        if (b === COMMA) {
          this.pos++
          if (close === RBRACE) this.memberKey()
          break
        }
        if (b !== close) {
          throw this.invalid(
            close === RBRACE ? 'after object key:value pair' : 'after array element',
          )
        }
        this.leave()
        open.pop()
      }
    }
  }

  /** Checks that only whitespace is left. */
  end(): void {
    if (this.peek() !== -1) throw this.invalid('after top-level value')
  }

  private scalar(kind: JsonKind): void {
    if (kind === 'string') this.readString()
    else if (kind === 'number') this.readNumber()
    else if (kind === 'bool') this.readBool()
    else this.readNull()
  }

  private memberKey(): string {
    if (this.peek() !== QUOTE) throw this.invalid('looking for beginning of object key string')
    const key = this.readString()
    if (this.peek() !== COLON) throw this.invalid('after object key')
    this.pos++
    return key
  }

  /** Steps into an object or array (the reader stands on its bracket). */
  private enter(): void {
    if (this.depth === MAX_DEPTH) throw this.invalid('exceeded max depth')
    this.depth++
    this.pos++
  }

  private leave(): void {
    this.pos++
    this.depth--
  }

  private literal(word: string): void {
    for (let i = 0; i < word.length; i++) {
      if (this.bytes[this.pos] !== word.charCodeAt(i)) {
        throw this.invalid(`in literal ${word} (expecting '${word[i]}')`, true)
      }
      this.pos++
    }
  }

  private escape(): string {
    const c = this.bytes[this.pos]
    if (c === undefined) throw this.invalid('in string escape code', true)
    this.pos++
    const simple = ESCAPES[c]
    if (simple !== undefined) return simple
    if (c !== 0x75) {
      this.pos--
      throw this.invalid('in string escape code')
    }
    const r = this.hex4()
    if (r < 0xd800 || r >= 0xe000) return String.fromCharCode(r)
    // A surrogate: Go pairs a high one with an escaped low one right after it,
    // and reads anything else as U+FFFD (what follows is then read on its own).
    const b = this.bytes
    if (r < 0xdc00 && b[this.pos] === BACKSLASH && b[this.pos + 1] === 0x75) {
      const low = hexAt(b, this.pos + 2)
      if (low >= 0xdc00 && low < 0xe000) {
        this.pos += 6
        return String.fromCharCode(r, low)
      }
    }
    return '\uFFFD'
  }

  private hex4(): number {
    const value = hexAt(this.bytes, this.pos)
    if (value < 0) {
      while (hexDigit(this.bytes[this.pos]) >= 0) this.pos++
      throw this.invalid('in \\u hexadecimal character escape', true)
    }
    this.pos += 4
    return value
  }

  /** The next byte after whitespace, or -1 at the end; the reader stands on it. */
  private peek(): number {
    while (isSpace(this.bytes[this.pos])) this.pos++
    return this.bytes[this.pos] ?? -1
  }

  /**
   * Go's error for the byte the reader stands on. At the end of the text Go
   * reads one space more: where a space is wrong too (`inToken`: inside a
   * literal, a number or an escape) it reports that space, else
   * `unexpected end of JSON input`.
   */
  private invalid(context: string, inToken = false): JsonSyntaxError {
    const b = this.bytes[this.pos] ?? (inToken ? 0x20 : undefined)
    if (b === undefined) return this.eof()
    return new JsonSyntaxError(`invalid character ${quoteChar(b)} ${context}`, this.pos)
  }

  private eof(): JsonSyntaxError {
    return new JsonSyntaxError('unexpected end of JSON input', this.pos)
  }
}

/** The four hex digits at `at` as a number, or -1. */
function hexAt(b: Buffer, at: number): number {
  let value = 0
  for (let i = at; i < at + 4; i++) {
    const d = hexDigit(b[i])
    if (d < 0) return -1
    value = value * 16 + d
  }
  return value
}

function hexDigit(b: number | undefined): number {
  if (b === undefined) return -1
  if (b >= 0x30 && b <= 0x39) return b - 0x30
  if (b >= 0x61 && b <= 0x66) return b - 0x57
  if (b >= 0x41 && b <= 0x46) return b - 0x37
  return -1
}

const SHORT_ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  92: '\\\\',
}

/**
 * Go's quoteChar: a byte as `strconv.Quote(string(rune(b)))` in single
 * quotes, so a byte of 0x80 or more shows as the Latin-1 character of that
 * number (`'ï'` for the first byte of a byte order mark).
 */
function quoteChar(b: number): string {
  if (b === 0x27) return "'\\''"
  if (b === QUOTE) return `'"'`
  const short = SHORT_ESCAPES[b]
  if (short !== undefined) return `'${short}'`
  const hex = b.toString(16).padStart(2, '0')
  if (b < 0x20 || b === 0x7f) return `'\\x${hex}'`
  // C1 controls, the no-break space and the soft hyphen are not printable for Go.
  if ((b >= 0x80 && b <= 0xa0) || b === 0xad) return `'\\u00${hex}'`
  return `'${String.fromCharCode(b)}'`
}
