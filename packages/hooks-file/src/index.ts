export { FileHookHandler, MAX_HOOK_OUTPUT } from './file-hook-handler.js'
export type { FileHooksOptions } from './options.js'
