import type {
  HookEvent,
  HookHandler,
  HookInvokeOptions,
  HookRequest,
  HookResponse,
  HookType,
} from '@tus/core'

/** One in-process hook: gets the event, returns the response (or nothing for `{}`). */
export type HookFunction = (
  event: HookEvent,
  options: HookInvokeOptions & { type: HookType },
) => HookResponse | undefined | Promise<HookResponse | undefined>

/**
 * In-process hooks by name, in camel case (`preCreate` for pre-create), the
 * form a JavaScript module exports them in (the reference server's
 * `-hooks-plugin`, the Node counterpart of tusd's plugins).
 */
export interface HookFunctions {
  preCreate?: HookFunction
  postCreate?: HookFunction
  postReceive?: HookFunction
  preFinish?: HookFunction
  postFinish?: HookFunction
  preTerminate?: HookFunction
  postTerminate?: HookFunction
  preAccess?: HookFunction
}

const NAMES: Record<HookType, keyof HookFunctions> = {
  'pre-create': 'preCreate',
  'post-create': 'postCreate',
  'post-receive': 'postReceive',
  'pre-finish': 'preFinish',
  'post-finish': 'postFinish',
  'pre-terminate': 'preTerminate',
  'post-terminate': 'postTerminate',
  'pre-access': 'preAccess',
}

/** The camel-case name a module exports hook `type` under. */
export function hookFunctionName(type: HookType): keyof HookFunctions {
  return NAMES[type]
}

/**
 * A HookHandler from functions. A hook without a function answers `{}`; what a
 * function returns is checked by the handler like any provider's answer, and
 * a function that throws is a failed hook.
 *
 * @example
 * ```ts
 * createTusHandler({
 *   store,
 *   hooks: {
 *     handler: functionHooks({
 *       preCreate: (event) =>
 *         event.Upload.MetaData.filename ? {} : { RejectUpload: true },
 *     }),
 *   },
 * })
 * ```
 */
export function functionHooks(functions: HookFunctions): HookHandler {
  for (const [name, fn] of Object.entries(functions)) {
    if (fn !== undefined && typeof fn !== 'function') {
      throw new TypeError(`functionHooks: ${name} is not a function`)
    }
  }
  return {
    async invoke(request: HookRequest, options: HookInvokeOptions = {}) {
      const fn = functions[NAMES[request.Type]]
      if (fn === undefined) return {}
      return (await fn(request.Event, { ...options, type: request.Type })) ?? {}
    },
  }
}
