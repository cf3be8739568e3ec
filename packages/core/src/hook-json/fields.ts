/**
 * The Go structs a hook answer is decoded into, tusd's hooks.HookResponse
 * (plus RejectAccess, this project's pre-access answer), and how Go matches a
 * JSON key to a field name.
 */

/**
 * A field of one of Go's structs, by its kind; `goType` is its Go type as
 * Go's errors name it (`int`, `handler.HTTPHeader`). A map is a
 * map[string]string.
 */
export type Field =
  | { name: string; type: 'bool' | 'string' | 'int' | 'map'; goType: string }
  | { name: string; type: 'struct'; goType: string; fields: Fields }

/** A struct's fields by their folded names. */
export type Fields = ReadonlyMap<string, Field>

/** tusd's hooks.HookResponse, in Go's field names and types. */
export const HOOK_RESPONSE: Fields = fields([
  {
    name: 'HTTPResponse',
    type: 'struct',
    goType: 'handler.HTTPResponse',
    fields: fields([
      { name: 'StatusCode', type: 'int', goType: 'int' },
      { name: 'Body', type: 'string', goType: 'string' },
      { name: 'Header', type: 'map', goType: 'handler.HTTPHeader' },
    ]),
  },
  { name: 'RejectUpload', type: 'bool', goType: 'bool' },
  { name: 'RejectTermination', type: 'bool', goType: 'bool' },
  { name: 'RejectAccess', type: 'bool', goType: 'bool' },
  {
    name: 'ChangeFileInfo',
    type: 'struct',
    goType: 'handler.FileInfoChanges',
    fields: fields([
      { name: 'ID', type: 'string', goType: 'string' },
      { name: 'MetaData', type: 'map', goType: 'handler.MetaData' },
      { name: 'Storage', type: 'map', goType: 'map[string]string' },
    ]),
  },
  { name: 'StopUpload', type: 'bool', goType: 'bool' },
])

/** The Go type of the whole answer. */
export const HOOK_RESPONSE_TYPE = 'hooks.HookResponse'

function fields(list: Field[]): Fields {
  return new Map(list.map((field) => [fold(field.name), field]))
}

/**
 * A key folded as Go folds JSON keys onto field names (encoding/json's
 * foldName, the same as strings.EqualFold): ASCII letters to upper case, and
 * the two non-ASCII letters whose case orbit holds an ASCII one, U+017F (ſ, an
 * s) and U+212A (the Kelvin sign, a K). Other characters never match an ASCII
 * field name and are left alone; the dotless ı is not an i for Go.
 */
export function fold(key: string): string {
  return key.replace(/[a-z\u017f\u212a]/g, (c) => {
    if (c === '\u017f') return 'S'
    if (c === '\u212a') return 'K'
    return c.toUpperCase()
  })
}
