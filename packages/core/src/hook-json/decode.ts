import { HookResponseError } from './errors.js'
import { type Field, type Fields, fold, HOOK_RESPONSE, HOOK_RESPONSE_TYPE } from './fields.js'
import type { Source, SourceKind } from './source.js'

/**
 * A HookResponse as Go's `json.Unmarshal` into tusd's struct leaves it, read
 * from JSON text or from a JavaScript value by the same rules:
 *
 * - unknown fields are skipped (JSON text: their syntax is still checked);
 * - keys match field names without regard to case, as Go's (so `rejectupload`
 *   is RejectUpload; `ſ` counts as `s` and the Kelvin sign as `k`);
 * - `null` leaves a field as it was; for a map it means "no map" (nil), which
 *   ChangeFileInfo reads as "keep"; `null` inside a map is the empty string;
 * - a key given twice is decoded twice: the last scalar wins, while structs
 *   and maps are merged into what the first one set;
 * - types are strict: `"true"` for a boolean or a number for a string is an
 *   error, and an int takes an integer literal in int64's range only (`400.0`
 *   and `4e2` fail, `-0` is 0; past 2^53 it is kept as a bigint); a top level
 *   other than an object or `null` fails.
 *
 * As in Go, decoding goes on after a type error, and the first one is the
 * result's `error`: a syntax error later in the text, found by reading on,
 * comes first, as Go checks the whole text before decoding.
 *
 * `fields` holds what was set, by Go field name; maps are prototype-less
 * objects, so a `__proto__` key stays an ordinary key (as in parseMetadata).
 */
export function decodeHookResponse(source: Source): Decoded {
  const decoder = new Decoder(source)
  const fields: DecodedStruct = {}
  decoder.struct(HOOK_RESPONSE, fields, 'HookResponse', HOOK_RESPONSE_TYPE)
  return { fields, error: decoder.error }
}

export interface Decoded {
  fields: DecodedStruct
  /** The first type error, if any. */
  error: HookResponseError | undefined
}

/** A struct as decoded: fields by Go name; a missing one has its zero value. */
export type DecodedStruct = Record<string, unknown>

/** The kind of JSON value each Go type takes (null aside). */
const JSON_KIND: Record<Field['type'], SourceKind> = {
  bool: 'bool',
  string: 'string',
  int: 'number',
  map: 'object',
  struct: 'object',
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

class Decoder {
  error: HookResponseError | undefined

  constructor(private readonly source: Source) {}

  /** Decodes an object into `target` (the struct at `path`); null leaves it as it is. */
  struct(struct: Fields, target: DecodedStruct, path: string, goType: string): void {
    const kind = this.source.kind()
    if (kind === 'null') {
      this.source.readNull()
      return
    }
    if (kind !== 'object') {
      this.mismatch(kind, path, goType)
      this.source.skip()
      return
    }
    this.source.readObject((key) => {
      const field = struct.get(fold(key))
      if (field === undefined) this.source.skip()
      else this.field(field, target, `${path}.${field.name}`)
    })
  }

  private field(field: Field, target: DecodedStruct, path: string): void {
    const source = this.source
    const kind = source.kind()
    if (kind === 'null') {
      source.readNull()
      // Go sets a map to nil and leaves the other kinds as they are.
      if (field.type === 'map') delete target[field.name]
      return
    }
    if (kind !== JSON_KIND[field.type]) {
      this.mismatch(kind, path, field.goType)
      source.skip()
      return
    }
    switch (field.type) {
      case 'struct': {
        let struct = target[field.name] as DecodedStruct | undefined
        if (struct === undefined) {
          struct = {}
          target[field.name] = struct
        }
        this.struct(field.fields, struct, path, field.goType)
        return
      }
      case 'map': {
        let map = target[field.name] as Record<string, string> | undefined
        if (map === undefined) {
          map = Object.create(null) as Record<string, string>
          target[field.name] = map
        }
        const into = map
        source.readObject((key) => {
          const value = source.kind()
          if (value === 'string') {
            into[key] = source.readString()
          } else if (value === 'null') {
            source.readNull()
            into[key] = ''
          } else {
            this.mismatch(value, path, 'string')
            source.skip()
          }
        })
        return
      }
      case 'bool':
        target[field.name] = source.readBool()
        return
      case 'string':
        target[field.name] = source.readString()
        return
      case 'int': {
        const literal = source.readNumber()
        const value = /^-?\d+$/.test(literal) ? BigInt(literal) : undefined
        if (value === undefined || value < INT64_MIN || value > INT64_MAX) {
          this.mismatch(`number ${literal}`, path, field.goType)
        } else {
          // A bigint past 2^53, so that a message quoting it quotes it exactly.
          const number = Number(value)
          target[field.name] = Number.isSafeInteger(number) ? number : value
        }
        return
      }
    }
  }

  /** Go's UnmarshalTypeError, in words; only the first one counts. */
  private mismatch(value: SourceKind | string, path: string, goType: string): void {
    this.error ??= new HookResponseError(
      `is invalid: cannot unmarshal ${value} into ${path} of type ${goType}`,
    )
  }
}
