/**
 * A hook answer that tusd would refuse, or that the handler could not send.
 * `message` completes the sentence "the response ...": `is not JSON: ...` or
 * `is invalid: ...`, so a provider can write `${where} response ${message}`.
 * The message quotes at most one byte of the answer, never the answer itself;
 * `cause` holds the syntax error with its byte offset, when there is one.
 */
export class HookResponseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'HookResponseError'
  }
}
