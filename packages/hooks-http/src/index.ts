// The hook JSON codec lives in @tus/core, shared by every provider; re-exported
// here because this package exported it first.
export { HookResponseError, marshalHookRequest, parseHookResponse } from '@tus/core'
export { HttpHookHandler } from './http-hook-handler.js'
export { HTTP_HOOKS_DEFAULTS, type HttpHooksOptions } from './options.js'
