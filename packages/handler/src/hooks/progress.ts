import type { FileInfo } from '@tus/core'
import type { BodyReader } from '../body-reader.js'
import type { Config } from '../config.js'
import type { RequestContext } from '../context.js'
import type { TusRequest } from '../exchange.js'
import { isEnabled, notifyHook } from './invoke.js'
import { eventOf } from './lifecycle.js'
import { hookError } from './response.js'

/** post-receive while a body is read. */
export interface Progress {
  /** True once a post-receive hook answered StopUpload. */
  readonly stopped: boolean
  /** Stops the ticks and reports `offset`, the bytes stored, if it is news. */
  end(offset: number): void
}

/**
 * Sends post-receive every `progressInterval` while `body` is read, when bytes
 * arrived since the last one (Offset = the upload's offset plus the bytes read,
 * as tusd), and once more at the end with the offset stored. An answer with
 * StopUpload interrupts the request with 400 ERR_UPLOAD_STOPPED and the hook's
 * response; the caller then terminates the upload. Undefined when post-receive
 * is not enabled.
 */
export function watchProgress(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  info: FileInfo,
  body: BodyReader,
): Progress | undefined {
  const hooks = config.hooks
  if (!isEnabled(hooks, 'post-receive')) return undefined
  const start = info.Offset
  let reported = start
  let ended = false
  let stopped = false
  const send = (offset: number) => {
    reported = offset
    const event = eventOf(ctx, req, { ...info, Offset: offset })
    void notifyHook(hooks, 'post-receive', event).then((answer) => {
      if (answer?.StopUpload !== true || ended || stopped) return
      stopped = true
      hooks.logger.info('HookStopUpload', { id: info.ID })
      ctx.interrupt(hookError('ERR_UPLOAD_STOPPED', answer.HTTPResponse))
    })
  }
  const timer = setInterval(() => {
    const offset = start + body.bytesRead
    if (offset !== reported) send(offset)
  }, hooks.progressInterval)
  timer.unref()
  return {
    get stopped() {
      return stopped
    },
    end(offset) {
      clearInterval(timer)
      if (offset !== reported) send(offset)
      ended = true
    },
  }
}
