/** Header parsing shared by the methods. Every value is validated, never trusted. */

/** The tus content type of PATCH bodies and creation-with-upload. */
export const OFFSET_OCTET_STREAM = 'application/offset+octet-stream'

const DIGITS = /^\d{1,16}$/

/**
 * A non-negative integer header (Upload-Length, Upload-Offset, Content-Length):
 * decimal digits only, no sign, no spaces, at most 2^53 - 1. Anything else is
 * `undefined`, for the caller to answer with its own error code.
 */
export function parseLength(value: string | undefined): number | undefined {
  if (value === undefined || !DIGITS.test(value)) return undefined
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : undefined
}

/** Base headers of every tus response; spread first into a response's own headers. */
export const TUS_HEADERS: Readonly<Record<string, string>> = {
  'Tus-Resumable': '1.0.0',
  'X-Content-Type-Options': 'nosniff',
}
