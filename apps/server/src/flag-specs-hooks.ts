import { DEFAULT_ENABLED_HOOKS, type HookType, isHookType } from '@tus/core'
import { durationParser, parseInteger } from './flag-parsers.js'
import { type FlagSpec, HOOKS, spec } from './flag-types.js'

/** The hook flags, tusd's names and defaults (the gRPC provider is not offered). */

const text = (value: string) => value

/** A comma-separated list, spaces around items ignored (tusd refuses them). */
function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** -hooks-enabled-events: known names only; empty means tusd's seven (the handler's rule). */
function parseEnabledEvents(value: string): HookType[] {
  const names = list(value)
  for (const name of names) {
    if (!isHookType(name)) throw new Error(`unknown hook event ${JSON.stringify(name)}`)
  }
  return names as HookType[]
}

function parseHeaderNames(value: string): string[] {
  const names = list(value)
  for (const name of names) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw new Error(`${JSON.stringify(name)} is not a header name`)
    }
  }
  return names
}

export const HOOK_FLAG_SPECS: readonly FlagSpec[] = [
  spec(
    'hooks-enabled-events',
    'hooksEnabledEvents',
    'string',
    HOOKS,
    DEFAULT_ENABLED_HOOKS.join(','),
    "Comma separated list of enabled hook events (e.g. post-create,post-finish). Leave empty to enable tusd's seven (pre-access, which authorises every HEAD, PATCH, GET and DELETE, is called only when named)",
    parseEnabledEvents,
  ),
  spec(
    'progress-hooks-interval',
    'progressHooksInterval',
    'duration',
    HOOKS,
    '1s',
    'Interval at which the post-receive progress hooks are emitted for each active upload',
    durationParser(true),
  ),
  spec(
    'hooks-dir',
    'hooksDir',
    'string',
    HOOKS,
    '',
    'Directory to search for available hooks scripts',
    text,
  ),
  spec(
    'hooks-http',
    'hooksHttp',
    'string',
    HOOKS,
    '',
    'An HTTP endpoint to which hook events will be sent to',
    (value) => {
      if (value !== '' && !/^https?:\/\/[^/]/i.test(value)) {
        throw new Error('must be an http:// or https:// URL')
      }
      return value
    },
  ),
  spec(
    'hooks-http-forward-headers',
    'hooksHttpForwardHeaders',
    'string',
    HOOKS,
    '',
    'List of HTTP request headers to be forwarded from the client request to the hook endpoint',
    parseHeaderNames,
  ),
  spec(
    'hooks-http-retry',
    'hooksHttpRetry',
    'int',
    HOOKS,
    '3',
    'Number of times to retry on a 500 or network timeout',
    (value) => parseInteger(value, 0, 100),
  ),
  spec(
    'hooks-http-backoff',
    'hooksHttpBackoff',
    'duration',
    HOOKS,
    '1s',
    'Wait period before retrying each retry',
    durationParser(false),
  ),
  spec(
    'hooks-http-timeout',
    'hooksHttpTimeout',
    'duration',
    HOOKS,
    '15s',
    'Timeout for the whole hook request, retries included',
    durationParser(true),
  ),
  spec(
    'hooks-http-size-limit',
    'hooksHttpSizeLimit',
    'int',
    HOOKS,
    '5120',
    'Maximum size in bytes of the hook response body',
    (value) => parseInteger(value, 1, 1 << 30),
  ),
  spec(
    'hooks-plugin',
    'hooksPlugin',
    'string',
    HOOKS,
    '',
    "Path to a JavaScript module exporting hook functions (preCreate, postFinish, ...): the Node counterpart of tusd's plugins",
    text,
  ),
]
