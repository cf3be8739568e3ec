import type { TusError } from '@tus/core'
import type { TusResponse } from './exchange.js'
import { TUS_HEADERS } from './headers.js'

/** A response with tus's base headers. */
export function respond(
  status: number,
  headers: Record<string, string> = {},
  body?: TusResponse['body'],
): TusResponse {
  const response: TusResponse = { status, headers: { ...TUS_HEADERS, ...headers } }
  if (body !== undefined) response.body = body
  return response
}

/** tusd's error response: `CODE: message\n` as text, no body for HEAD. */
export function errorResponse(err: TusError, method: string): TusResponse {
  const headers: Record<string, string> = { ...TUS_HEADERS, ...err.headers }
  if (method === 'HEAD') return { status: err.status, headers }
  // A hook's response may bring its own Content-Type with its body (tusd's MergeWith).
  const typed = Object.keys(err.headers).some((name) => name.toLowerCase() === 'content-type')
  if (!typed) headers['Content-Type'] = 'text/plain; charset=utf-8'
  return { status: err.status, headers, body: err.responseBody }
}

/** 405 with the methods the resource allows (tusd's router answer). */
export function methodNotAllowed(allow: string): TusResponse {
  return respond(
    405,
    { Allow: allow, 'Content-Type': 'text/plain; charset=utf-8' },
    'method not allowed\n',
  )
}
