import { CHECKSUM_ALGORITHMS } from '../checksum.js'
import type { Config } from '../config.js'
import type { TusResponse } from '../exchange.js'
import { respond } from '../respond.js'

/**
 * OPTIONS: what the server supports. 200 rather than 204, as tusd, for old
 * browsers. No version check: clients use it to discover the version.
 */
export function handleOptions(config: Config): TusResponse {
  const headers: Record<string, string> = {
    'Tus-Version': '1.0.0',
    'Tus-Extension': config.extensions.join(','),
    'Content-Length': '0',
  }
  if (config.maxSize > 0) headers['Tus-Max-Size'] = String(config.maxSize)
  if (config.stager !== undefined) headers['Tus-Checksum-Algorithm'] = CHECKSUM_ALGORITHMS
  return respond(200, headers)
}
