import {
  type ErrorCode,
  type FileInfo,
  type HookEvent,
  type HookResponse,
  type HookType,
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

/** The refusals a blocking hook can answer with, and the error each becomes. */
const REFUSALS = {
  'pre-create': ['RejectUpload', 'ERR_UPLOAD_REJECTED'],
  'pre-terminate': ['RejectTermination', 'ERR_UPLOAD_TERMINATION_REJECTED'],
  'pre-access': ['RejectAccess', 'ERR_ACCESS_DENIED'],
  'pre-finish': undefined,
} as const satisfies Partial<
  Record<HookType, readonly [keyof HookResponse & `Reject${string}`, ErrorCode] | undefined>
>

/**
 * Calls blocking hook `type` about `info` and waits: a refusal throws its
 * error shaped by the hook's HTTPResponse; otherwise that HTTPResponse goes on
 * the answer. Undefined when the hook is not enabled.
 */
async function ask(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  type: keyof typeof REFUSALS,
  info: FileInfo,
): Promise<HookResponse | undefined> {
  const hooks = config.hooks
  if (!isEnabled(hooks, type)) return undefined
  const answer = await callHook(hooks, ctx, type, eventOf(ctx, req, info))
  const refusal = REFUSALS[type]
  if (refusal !== undefined && answer[refusal[0]] === true) {
    throw hookError(refusal[1], answer.HTTPResponse)
  }
  ctx.mergeHookHttp(answer.HTTPResponse)
  return answer
}

/** Sends notification `type` about `info`, if enabled; the request does not wait. */
function tell(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  type: HookType,
  info: FileInfo,
) {
  if (isEnabled(config.hooks, type)) void notifyHook(config.hooks, type, eventOf(ctx, req, info))
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
  const changes = (await ask(config, ctx, req, 'pre-create', info))?.ChangeFileInfo
  if (changes === undefined) return
  if (changes.ID) {
    const id = changes.ID
    if (!HOOK_ID.test(id) || id.startsWith('/') || id.endsWith('/') || !isValidUploadId(id)) {
      config.logger.error('HookInvocationError', {
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
  tell(config, ctx, req, 'post-create', info)
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
  await ask(config, ctx, req, 'pre-access', info)
}

/**
 * pre-access for upload `id`: looks it up without its lock first (404 as
 * usual). Undefined, not a promise, when no pre-access hook is enabled.
 */
export function preAccessById(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  id: string,
): Promise<void> | undefined {
  if (!isEnabled(config.hooks, 'pre-access')) return undefined
  return preAccessOf(config, ctx, req, id)
}

async function preAccessOf(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  id: string,
): Promise<void> {
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
  await ask(config, ctx, req, 'pre-finish', info)
  tell(config, ctx, req, 'post-finish', info)
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
  await ask(config, ctx, req, 'pre-terminate', info)
}

/** post-terminate, after the upload is gone. */
export function postTerminate(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  info: FileInfo,
) {
  tell(config, ctx, req, 'post-terminate', info)
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
