import { resolve } from 'node:path'
import type { HookHandler } from '@tus/core'
import type { HookOptions } from '@tus/handler'
import { FileHookHandler } from '@tus/hooks-file'
import { HttpHookHandler } from '@tus/hooks-http'
import type { Flags } from './flags.js'
import { loadHookPlugin } from './hooks-plugin.js'
import type { CliLogger } from './log.js'

export type HookFlags = Pick<
  Flags,
  | 'hooksDir'
  | 'hooksHttp'
  | 'hooksHttpForwardHeaders'
  | 'hooksHttpRetry'
  | 'hooksHttpBackoff'
  | 'hooksHttpTimeout'
  | 'hooksHttpSizeLimit'
  | 'hooksPlugin'
  | 'hooksEnabledEvents'
  | 'progressHooksInterval'
>

/**
 * The hook provider the flags ask for, with tusd's precedence when several are
 * given (-hooks-dir, then -hooks-http, then -hooks-plugin; tusd's gRPC provider
 * is not offered), and the handler's hook options; undefined without hooks.
 */
export async function composeHooks(
  flags: HookFlags,
  logger: CliLogger,
  cwd = process.cwd(),
): Promise<HookOptions | undefined> {
  let handler: HookHandler
  if (flags.hooksDir !== '') {
    const directory = resolve(cwd, flags.hooksDir)
    handler = new FileHookHandler({ directory })
    logger.print(`Using '${directory}' for hooks`)
  } else if (flags.hooksHttp !== '') {
    handler = new HttpHookHandler({
      endpoint: flags.hooksHttp,
      forwardHeaders: flags.hooksHttpForwardHeaders,
      retry: flags.hooksHttpRetry,
      backoff: flags.hooksHttpBackoff,
      timeout: flags.hooksHttpTimeout,
      sizeLimit: flags.hooksHttpSizeLimit,
    })
    logger.print(`Using '${new URL(flags.hooksHttp).origin}' as the endpoint for hooks`)
  } else if (flags.hooksPlugin !== '') {
    handler = await loadHookPlugin(flags.hooksPlugin, cwd)
    logger.print(`Using '${flags.hooksPlugin}' to load plugin for hooks`)
  } else {
    return undefined
  }
  const enabled = flags.hooksEnabledEvents
  logger.print(
    `Enabled hook events: ${enabled.length === 0 ? 'all but pre-access' : enabled.join(', ')}`,
  )
  return { handler, enabled, progressInterval: flags.progressHooksInterval }
}
