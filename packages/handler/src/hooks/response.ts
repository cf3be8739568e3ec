import { type ErrorCode, type HookHTTPResponse, type TusError, tusError } from '@tus/core'
import type { TusResponse } from '../exchange.js'

/**
 * A hook's HTTPResponse merged over another, as tusd's MergeWith: a status
 * that is not 0 and a body that is not empty replace, headers add up.
 */
export function mergeHookHttp(
  base: HookHTTPResponse | undefined,
  over: HookHTTPResponse | undefined,
): HookHTTPResponse | undefined {
  if (over === undefined) return base
  if (base === undefined) return over
  const merged: HookHTTPResponse = { Header: { ...base.Header, ...over.Header } }
  const status = over.StatusCode || base.StatusCode
  if (status) merged.StatusCode = status
  const body = over.Body || base.Body
  if (body) merged.Body = body
  return merged
}

/** Applies the hooks' HTTPResponse to a success response. */
export function applyHookHttp(response: TusResponse, http: HookHTTPResponse): TusResponse {
  if (http.StatusCode) response.status = http.StatusCode
  if (http.Header) Object.assign(response.headers, http.Header)
  if (http.Body) {
    if (typeof response.body === 'object') response.body.destroy()
    response.body = http.Body
  }
  return response
}

/** An error of `code` whose response the hook's HTTPResponse shapes (tusd's rejections). */
export function hookError(code: ErrorCode, http: HookHTTPResponse | undefined): TusError {
  return tusError(code, {
    ...(http?.StatusCode ? { status: http.StatusCode } : {}),
    ...(http?.Header ? { headers: http.Header } : {}),
    ...(http?.Body ? { body: http.Body } : {}),
  })
}
