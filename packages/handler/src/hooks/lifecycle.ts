import {
  type FileInfo,
  type HookEvent,
  isTerminaterDataStore,
  isValidUploadId,
  tusError,
  type Upload,
} from '@tus/core'
import type { Config } from '../config.js'
import type { RequestContext } from '../context.js'
import type { TusRequest } from '../exchange.js'
import { hookEvent, hookHttpRequest } from './event.js'
import { callHook, isEnabled, notifyHook } from './invoke.js'
import { hookError } from './response.js'

/**
 * Where the handler calls hooks, with tusd's semantics. Each function does
 * nothing (and costs nothing) when its hook is not enabled.
 */

/** The event of this request about `info`. */
export function eventOf(ctx: RequestContext, req: TusRequest, info: FileInfo): HookEvent {
  ctx.hookRequest ??= hookHttpRequest(req, ctx.method)
  return hookEvent(ctx.hookRequest, info)
}

/** tusd's rule for ids from pre-create: URL-safe characters, no leading or trailing slash. */
const HOOK_ID = /^[A-Za-z0-9\-._~%!$'()*+,;=/:@]*$/

/**
 * pre-create, before the upload exists: the hook may refuse it (400
 * ERR_UPLOAD_REJECTED with its response), pick its id (checked as tusd does,
 * and as a safe id for any store), replace its metadata or set its Storage.
 * Its HTTPResponse goes on the answer. Changes `info` in place.
 */
export async function preCreate(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  info: FileInfo,
): Promise<void> {
  const hooks = config.hooks
  if (!isEnabled(hooks, 'pre-create')) return
  const answer = await callHook(hooks, ctx, 'pre-create', eventOf(ctx, req, info))
  if (answer.RejectUpload) throw hookError('ERR_UPLOAD_REJECTED', answer.HTTPResponse)
  ctx.mergeHookHttp(answer.HTTPResponse)
  const changes = answer.ChangeFileInfo
  if (changes === undefined) return
  if (changes.ID) {
    const id = changes.ID
    if (!HOOK_ID.test(id) || id.startsWith('/') || id.endsWith('/') || !isValidUploadId(id)) {
      hooks.logger.error('HookInvocationError', {
        type: 'pre-create',
        error: `invalid upload ID ${JSON.stringify(id)}`,
      })
      throw tusError('ERR_HOOK_FAILED', {
        message: 'the pre-create hook chose an invalid upload ID',
      })
    }
    info.ID = id
  }
  if (changes.MetaData) info.MetaData = { ...changes.MetaData }
  if (changes.Storage) info.Storage = { ...changes.Storage }
}

/** post-create, once the upload exists and before its first byte. */
export function postCreate(config: Config, ctx: RequestContext, req: TusRequest, info: FileInfo) {
  if (isEnabled(config.hooks, 'post-create')) {
    void notifyHook(config.hooks, 'post-create', eventOf(ctx, req, info))
  }
}

/**
 * pre-access (beyond tusd), before anything is done for a HEAD, PATCH, GET or
 * DELETE, or with a final concatenation for each partial it names: the hook
 * may refuse with 403 ERR_ACCESS_DENIED and its own response. It runs before
 * the upload's lock is requested, so a request that is refused never
 * interrupts an upload in progress.
 */
export async function preAccess(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  info: FileInfo,
): Promise<void> {
  const hooks = config.hooks
  if (!isEnabled(hooks, 'pre-access')) return
  const answer = await callHook(hooks, ctx, 'pre-access', eventOf(ctx, req, info))
  if (answer.RejectAccess) throw hookError('ERR_ACCESS_DENIED', answer.HTTPResponse)
  ctx.mergeHookHttp(answer.HTTPResponse)
}

/** pre-access for upload `id`: looks it up without its lock first (404 as usual). */
export async function preAccessById(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  id: string,
): Promise<void> {
  if (!isEnabled(config.hooks, 'pre-access')) return
  const info = await (await config.store.getUpload(id)).getInfo()
  await preAccess(config, ctx, req, info)
}

/** pre-finish (blocking: its HTTPResponse goes on the answer), then post-finish. */
export async function finishHooks(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  info: FileInfo,
): Promise<void> {
  const hooks = config.hooks
  if (hooks === undefined) return
  if (isEnabled(hooks, 'pre-finish')) {
    const answer = await callHook(hooks, ctx, 'pre-finish', eventOf(ctx, req, info))
    ctx.mergeHookHttp(answer.HTTPResponse)
  }
  if (isEnabled(hooks, 'post-finish'))
    void notifyHook(hooks, 'post-finish', eventOf(ctx, req, info))
}

/**
 * pre-terminate: the hook may refuse the deletion (400
 * ERR_UPLOAD_TERMINATION_REJECTED with its response); its HTTPResponse goes on
 * the answer.
 */
export async function preTerminate(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  info: FileInfo,
): Promise<void> {
  const hooks = config.hooks
  if (!isEnabled(hooks, 'pre-terminate')) return
  const answer = await callHook(hooks, ctx, 'pre-terminate', eventOf(ctx, req, info))
  if (answer.RejectTermination) {
    throw hookError('ERR_UPLOAD_TERMINATION_REJECTED', answer.HTTPResponse)
  }
  ctx.mergeHookHttp(answer.HTTPResponse)
}

/** post-terminate, after the upload is gone. */
export function postTerminate(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  info: FileInfo,
) {
  if (isEnabled(config.hooks, 'post-terminate')) {
    void notifyHook(config.hooks, 'post-terminate', eventOf(ctx, req, info))
  }
}

/**
 * After a post-receive hook stopped an upload: it is terminated if the store
 * can (tusd), and post-terminate follows. A failure is logged; the client gets
 * ERR_UPLOAD_STOPPED either way.
 */
export async function terminateStopped(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  upload: Upload,
  info: FileInfo,
): Promise<void> {
  const store = config.store
  if (!isTerminaterDataStore(store)) return
  try {
    await store.asTerminatableUpload(upload).terminate()
  } catch (err) {
    config.logger.error('UploadTerminateError', { id: info.ID, error: String(err) })
    return
  }
  config.logger.info('UploadTerminated', { id: info.ID })
  postTerminate(config, ctx, req, info)
}
