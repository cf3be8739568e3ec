export { BodyReader } from './body-reader.js'
export {
  type CorsOptions,
  DEFAULT_CORS_ALLOW_HEADERS,
  DEFAULT_CORS_ALLOW_METHODS,
  DEFAULT_CORS_EXPOSE_HEADERS,
  DEFAULT_CORS_MAX_AGE,
} from './cors.js'
export type { TusRequest, TusResponse } from './exchange.js'
export { createTusHandler, type TusHandler } from './handler.js'
export {
  functionHooks,
  type HookFunction,
  type HookFunctions,
  hookFunctionName,
} from './hooks/functions.js'
export type { HookOptions } from './hooks/invoke.js'
export type { TusHandlerOptions } from './options.js'
