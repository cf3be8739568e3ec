import { ERRORS, hasErrorCode, isTusError, TusError, toTusError, tusError } from '@tus/core'
import { describe, expect, test } from 'vitest'

describe('errors', () => {
  test('tusd codes keep their statuses', () => {
    expect(ERRORS.ERR_UPLOAD_NOT_FOUND[0]).toBe(404)
    expect(ERRORS.ERR_MISMATCHED_OFFSET[0]).toBe(409)
    expect(ERRORS.ERR_LOCK_TIMEOUT[0]).toBe(500)
    expect(ERRORS.ERR_READ_TIMEOUT[0]).toBe(500)
    expect(ERRORS.ERR_SERVER_SHUTDOWN[0]).toBe(503)
    expect(ERRORS.ERR_UNSUPPORTED_VERSION[0]).toBe(412)
  })

  test('tusError builds a fresh error with the catalogue message', () => {
    const a = tusError('ERR_UPLOAD_NOT_FOUND')
    const b = tusError('ERR_UPLOAD_NOT_FOUND')
    expect(a).not.toBe(b)
    expect(a).toMatchObject({
      code: 'ERR_UPLOAD_NOT_FOUND',
      status: 404,
      message: 'upload not found',
    })
    expect(a.responseBody).toBe('ERR_UPLOAD_NOT_FOUND: upload not found\n')
  })

  test('a custom status, headers and body', () => {
    const err = tusError('ERR_UPLOAD_REJECTED', {
      status: 401,
      headers: { 'X-A': '1' },
      body: 'no',
    })
    expect(err.status).toBe(401)
    expect(err.headers).toEqual({ 'X-A': '1' })
    expect(err.responseBody).toBe('no')
  })

  test('errors compare by code, not identity', () => {
    const foreign = { code: 'ERR_UPLOAD_NOT_FOUND', status: 404, message: 'upload not found' }
    expect(isTusError(foreign)).toBe(true)
    expect(hasErrorCode(foreign, 'ERR_UPLOAD_NOT_FOUND')).toBe(true)
    expect(hasErrorCode(foreign, 'ERR_LOCK_TIMEOUT')).toBe(false)
    expect(isTusError(new Error('x'))).toBe(false)
    expect(isTusError({ code: 'ENOENT', status: 1 })).toBe(false)
  })

  test('toTusError keeps TusErrors and hides other errors behind a 500', () => {
    const own = tusError('ERR_INVALID_OFFSET')
    expect(toTusError(own)).toBe(own)
    const foreign = toTusError({ code: 'ERR_MODIFY_FINAL', status: 403, message: 'm' })
    expect(foreign).toBeInstanceOf(TusError)
    expect(foreign.status).toBe(403)
    const raw = new Error('/secret/path: EACCES')
    const wrapped = toTusError(raw)
    expect(wrapped).toMatchObject({ code: 'ERR_INTERNAL_SERVER_ERROR', status: 500 })
    expect(wrapped.responseBody).not.toContain('/secret/path')
    expect(wrapped.cause).toBe(raw)
  })
})
