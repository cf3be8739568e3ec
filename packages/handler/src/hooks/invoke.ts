import {
  DEFAULT_ENABLED_HOOKS,
  HOOK_TYPES,
  type HookEvent,
  type HookHandler,
  type HookResponse,
  HookResponseError,
  type HookType,
  hasErrorCode,
  isHookType,
  type Logger,
  type TusError,
  toHookResponse,
  tusError,
} from '@tus/core'
import type { RequestContext } from '../context.js'

/** How the handler calls hooks (option `hooks`). */
export interface HookOptions {
  /** The provider: @tus/hooks-http, @tus/hooks-file, or functionHooks(...) for in-process ones. */
  handler: HookHandler
  /**
   * The hooks to call (default tusd's: pre-create, post-create, post-receive,
   * post-terminate, post-finish). An empty list means tusd's seven. pre-access
   * is called only when listed.
   */
  enabled?: readonly HookType[]
  /** ms between post-receive notifications while a body is read (default 1000). */
  progressInterval?: number
}

/** HookOptions checked, with what calling them needs. */
export interface Hooks {
  readonly handler: HookHandler
  readonly enabled: ReadonlySet<HookType>
  readonly progressInterval: number
  readonly logger: Logger
  /**
   * The last call of each upload's hooks: the next one starts after it, so a
   * provider sees one upload's hooks in the order they happened (tusd sends
   * notifications concurrently, and its users trip over the reordering).
   */
  readonly queues: Map<string, Promise<void>>
}

export function resolveHooks(options: HookOptions | undefined, logger: Logger): Hooks | undefined {
  if (options === undefined) return undefined
  if (typeof options?.handler?.invoke !== 'function') {
    throw new TypeError('createTusHandler: `hooks.handler` must have an invoke(request) method')
  }
  let enabled: readonly HookType[] = options.enabled ?? DEFAULT_ENABLED_HOOKS
  if (enabled.length === 0) enabled = HOOK_TYPES.filter((type) => type !== 'pre-access')
  for (const type of enabled) {
    if (!isHookType(type))
      throw new TypeError(`createTusHandler: unknown hook ${JSON.stringify(type)}`)
  }
  const interval = options.progressInterval ?? 1000
  if (!Number.isFinite(interval) || interval <= 0) {
    throw new TypeError(
      'createTusHandler: `hooks.progressInterval` must be a positive number of ms',
    )
  }
  return {
    handler: options.handler,
    enabled: new Set(enabled),
    progressInterval: interval,
    logger,
    queues: new Map(),
  }
}

/** True if `type` is called; narrows `hooks`. */
export function isEnabled(hooks: Hooks | undefined, type: HookType): hooks is Hooks {
  return hooks?.enabled.has(type) === true
}

/**
 * Calls a blocking hook and waits for its answer, after the upload's earlier
 * hooks. A failure rejects with 502 ERR_HOOK_FAILED or 504 ERR_HOOK_TIMEOUT
 * (the details go to the log, not to the client); an interruption of the
 * request (shutdown) stops the wait and aborts the call.
 */
export async function callHook(
  hooks: Hooks,
  ctx: RequestContext,
  type: HookType,
  event: HookEvent,
): Promise<HookResponse> {
  const wait = new AbortController()
  const endWait = ctx.abortOnInterrupt(wait)
  const aborted = new Promise<never>((_, reject) => {
    wait.signal.addEventListener('abort', () => reject(wait.signal.reason), { once: true })
  })
  aborted.catch(() => {})
  try {
    const call = inOrder(hooks, event.Upload.ID, () => invoke(hooks, type, event, wait.signal))
    return await Promise.race([call, aborted])
  } finally {
    endWait()
  }
}

/**
 * Sends a notification in the upload's order, without making the request
 * wait. Resolves with the hook's answer (post-receive may stop the upload), or
 * undefined if it failed (logged) or is not enabled. Never rejects.
 */
export function notifyHook(
  hooks: Hooks | undefined,
  type: HookType,
  event: HookEvent,
): Promise<HookResponse | undefined> {
  if (!isEnabled(hooks, type)) return Promise.resolve(undefined)
  return inOrder(hooks, event.Upload.ID, () => invoke(hooks, type, event)).catch(() => undefined)
}

/** Resolves once every hook call under way has ended (for a graceful shutdown). */
export async function settleHooks(hooks: Hooks | undefined): Promise<void> {
  while (hooks !== undefined && hooks.queues.size > 0) {
    await Promise.allSettled([...hooks.queues.values()])
  }
}

async function invoke(
  hooks: Hooks,
  type: HookType,
  event: HookEvent,
  signal?: AbortSignal,
): Promise<HookResponse> {
  const id = event.Upload.ID
  hooks.logger.debug('HookInvocationStart', { type, id })
  try {
    const answer = await hooks.handler.invoke(
      { Type: type, Event: event },
      signal === undefined ? {} : { signal },
    )
    // Every provider's answer, parsed from JSON or returned by a function, by Go's rules.
    const response = toHookResponse(answer)
    hooks.logger.debug('HookInvocationFinish', { type, id })
    return response
  } catch (err) {
    hooks.logger.error('HookInvocationError', { type, id, error: describe(err) })
    throw clientError(type, err)
  }
}

/** What the client is told: which hook, and whether it failed or timed out; no provider details. */
function clientError(type: HookType, err: unknown): TusError {
  if (hasErrorCode(err, 'ERR_HOOK_TIMEOUT')) {
    return tusError('ERR_HOOK_TIMEOUT', {
      message: `the ${type} hook did not answer in time`,
      cause: err,
    })
  }
  return tusError('ERR_HOOK_FAILED', { message: `the ${type} hook failed`, cause: err })
}

function describe(err: unknown): string {
  // Its message completes "the response ...".
  if (err instanceof HookResponseError) return `the response ${err.message}`
  if (err instanceof Error) return err.message
  return String(err)
}

/** Runs `task` after the upload's previous hook call has ended (at once for no id: pre-create). */
function inOrder<T>(hooks: Hooks, id: string, task: () => Promise<T>): Promise<T> {
  if (id === '') return task()
  const before = hooks.queues.get(id)
  const run = before === undefined ? task() : before.then(task)
  const tail = run.then(
    () => {},
    () => {},
  )
  hooks.queues.set(id, tail)
  void tail.then(() => {
    if (hooks.queues.get(id) === tail) hooks.queues.delete(id)
  })
  return run
}
