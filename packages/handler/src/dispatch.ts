import { tusError } from '@tus/core'
import type { Config } from './config.js'
import type { RequestContext } from './context.js'
import type { TusRequest, TusResponse } from './exchange.js'
import { preAccessById } from './hooks/lifecycle.js'
import { handleDelete } from './methods/delete.js'
import { handleGet } from './methods/get.js'
import { handleHead } from './methods/head.js'
import { handleOptions } from './methods/options.js'
import { handlePatch } from './methods/patch.js'
import { handlePost } from './methods/post.js'
import { methodNotAllowed, respond } from './respond.js'
import { resolveTarget } from './url.js'

const UPLOAD_METHODS = 'GET, HEAD, PATCH, DELETE'

/** The HTTP method after X-HTTP-Method-Override, which only a POST may carry (tusd). */
export function effectiveMethod(req: TusRequest): string {
  const method = req.method.toUpperCase()
  if (method !== 'POST') return method
  const override = req.header('x-http-method-override')
  return override ? override.trim().toUpperCase() : method
}

/**
 * Routes one request, tusd's way: OPTIONS without a version check, then
 * `Tus-Resumable: 1.0.0` required of everything but GET and HEAD, then the
 * collection (POST) or one upload (HEAD, PATCH, GET, DELETE). Throws TusErrors.
 */
export async function dispatch(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  method: string,
): Promise<TusResponse> {
  const target = resolveTarget(req.url, config.basePath)
  if (target.kind === 'outside') {
    return respond(404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'not found\n')
  }
  if (method === 'OPTIONS') return handleOptions(config)
  if (method !== 'GET' && method !== 'HEAD' && req.header('tus-resumable') !== '1.0.0') {
    // The spec asks for Tus-Version on a 412; tusd omits it.
    throw tusError('ERR_UNSUPPORTED_VERSION', { headers: { 'Tus-Version': '1.0.0' } })
  }
  if (target.kind === 'collection') {
    if (method === 'POST') return handlePost(config, ctx, req)
    return methodNotAllowed('POST')
  }
  const id = target.id
  switch (method) {
    case 'HEAD':
    case 'PATCH':
    case 'GET':
    case 'DELETE':
      break
    default:
      return methodNotAllowed(UPLOAD_METHODS)
  }
  if (method === 'GET' && config.disableDownload) return methodNotAllowed(UPLOAD_METHODS)
  if (method === 'DELETE' && !config.canTerminate) return methodNotAllowed(UPLOAD_METHODS)
  // An id no store could hold is simply an upload that does not exist.
  if (id === '') throw tusError('ERR_UPLOAD_NOT_FOUND')
  // Undefined without a pre-access hook: most requests skip a turn of the microtask queue.
  const access = preAccessById(config, ctx, req, id)
  if (access !== undefined) await access
  switch (method) {
    case 'HEAD':
      return handleHead(config, ctx, req, id)
    case 'PATCH':
      return handlePatch(config, ctx, req, id)
    case 'GET':
      return handleGet(config, ctx, req, id)
    default:
      return handleDelete(config, ctx, req, id)
  }
}
