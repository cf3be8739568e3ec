export { BodyReader } from './body-reader.js'
export type { TusRequest, TusResponse } from './exchange.js'
export { createTusHandler, type TusHandler } from './handler.js'
export type { TusHandlerOptions } from './options.js'
