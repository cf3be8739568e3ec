/**
 * What the hook response decoder reads from, so that JSON text (a provider's
 * bytes) and JavaScript values (what an in-process function returned) are
 * decoded by the same field rules.
 */

/** The kinds of JSON value. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'bool' | 'null'

/** A JSON kind, or what else a JavaScript value can be; the latter never fit a field. */
export type SourceKind = JsonKind | 'function' | 'symbol' | 'bigint' | 'undefined'

/**
 * A cursor on one value at a time. `kind` looks at the current value without
 * consuming it; each `read*` and `skip` consumes it.
 */
export interface Source {
  kind(): SourceKind
  readNull(): null
  readBool(): boolean
  readString(): string
  /** The number's literal text (`400`, `4e2`, `-0`), for the caller to judge. */
  readNumber(): string
  /**
   * Reads an object, calling `member` with each key once the cursor stands on
   * its value; `member` must consume that value. Keys come in order, duplicate
   * keys of JSON text included.
   */
  readObject(member: (key: string) => void): void
  /** Consumes the current value, whatever it is (JSON text: checking its syntax). */
  skip(): void
}

/**
 * A Source over a JavaScript value, read as JSON.stringify would write it:
 * own enumerable string keys in their order, and a member whose value is
 * `undefined` left out (absent, not null). Skipping does not walk a value, so
 * cycles or functions in unknown fields are harmless.
 */
export class ValueSource implements Source {
  constructor(private current: unknown) {}

  kind(): SourceKind {
    const value = this.current
    if (value === null) return 'null'
    if (Array.isArray(value)) return 'array'
    const type = typeof value
    if (type === 'boolean') return 'bool'
    return type as Exclude<typeof type, 'boolean'>
  }

  readNull(): null {
    return null
  }

  readBool(): boolean {
    return this.current as boolean
  }

  readString(): string {
    return this.current as string
  }

  /** `String(n)`: integers in the safe range as digits, others as `400.5`, `1e+21`, `NaN`. */
  readNumber(): string {
    return String(this.current)
  }

  readObject(member: (key: string) => void): void {
    const object = this.current as Record<string, unknown>
    for (const key of Object.keys(object)) {
      const value = object[key]
      if (value === undefined) continue
      this.current = value
      member(key)
    }
  }

  skip(): void {}
}
