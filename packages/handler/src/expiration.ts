import {
  type ExpirerDataStore,
  type FileInfo,
  hasErrorCode,
  isComplete,
  type TerminaterDataStore,
  tusError,
  type Upload,
} from '@tus/core'
import type { Config } from './config.js'
import { RequestContext, shutdownError } from './context.js'
import { acquireLock } from './lock.js'

/**
 * The expiration extension. An unfinished upload expires `config.expiration`
 * ms after it was created or last took bytes, as the store reports it (so
 * every instance sharing a store agrees). Responses about it carry
 * Upload-Expires; once expired it answers 410 ERR_UPLOAD_EXPIRED, and the
 * sweep removes it under its lock. Finished uploads never expire.
 */

/**
 * When an unfinished upload last changed (ms since the epoch), or undefined
 * when expiration is off or the upload is finished. Throws 410 if it expired.
 */
export async function checkExpiry(
  config: Config,
  upload: Upload,
  info: FileInfo,
): Promise<number | undefined> {
  if (config.expirer === undefined || isComplete(info)) return undefined
  const modified = (await config.expirer.asExpirableUpload(upload).lastModified()).getTime()
  if (modified + config.expiration <= Date.now()) throw tusError('ERR_UPLOAD_EXPIRED')
  return modified
}

/** Sets Upload-Expires (an HTTP date) for an upload last changed at `modified`, if any. */
export function setExpires(
  config: Config,
  headers: Record<string, string>,
  modified: number | undefined,
): void {
  if (modified !== undefined) {
    headers['Upload-Expires'] = new Date(modified + config.expiration).toUTCString()
  }
}

/**
 * Removes every expired upload the store lists, one at a time, each under its
 * lock and checked again there: an upload that took bytes meanwhile, or was
 * finished or removed, is left alone. Failures are logged per upload and the
 * sweep goes on. Resolves with the number removed. `ctx` lets a shutdown
 * interrupt a sweep waiting for a lock.
 */
export async function sweepExpired(
  config: Config,
  ctx: RequestContext = new RequestContext(),
): Promise<number> {
  const store = config.expirer
  if (store === undefined) return 0
  let removed = 0
  for await (const id of store.listExpired(new Date(Date.now() - config.expiration))) {
    if (ctx.interruption !== undefined) break
    try {
      if (await expireOne(config, store, ctx, id)) removed++
    } catch (err) {
      if (ctx.interruption !== undefined) break
      config.logger.error('ExpirationError', { id, error: String(err) })
    }
  }
  return removed
}

async function expireOne(
  config: Config,
  store: ExpirerDataStore & TerminaterDataStore,
  ctx: RequestContext,
  id: string,
): Promise<boolean> {
  const lock = await acquireLock(config, ctx, id, false)
  try {
    const upload = await store.getUpload(id).catch((err: unknown) => {
      if (hasErrorCode(err, 'ERR_UPLOAD_NOT_FOUND')) return undefined
      throw err
    })
    if (upload === undefined || isComplete(await upload.getInfo())) return false
    const modified = await store.asExpirableUpload(upload).lastModified()
    if (modified.getTime() + config.expiration > Date.now()) return false
    await store.asTerminatableUpload(upload).terminate()
    config.logger.info('UploadExpired', { id, lastModified: modified.toISOString() })
    return true
  } finally {
    await lock.release()
  }
}

/** A running sweep timer. */
export interface Sweeper {
  /** Stops the timer and interrupts a sweep in progress; resolves when it has ended. */
  stop(): Promise<void>
}

/**
 * Sweeps at once, then every `config.expirationInterval` ms after the previous
 * sweep ended (sweeps never overlap). The timer does not keep the process alive.
 */
export function startSweeper(config: Config): Sweeper {
  const ctx = new RequestContext()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  const tick = () => {
    running = sweepExpired(config, ctx).then(
      (removed) => {
        if (removed > 0) config.logger.info('ExpirationSweep', { removed })
      },
      (err: unknown) => config.logger.error('ExpirationSweepError', { error: String(err) }),
    )
    running.finally(() => {
      running = undefined
      if (ctx.interruption === undefined) schedule(config.expirationInterval)
    })
  }
  const schedule = (ms: number) => {
    timer = setTimeout(tick, ms)
    timer.unref()
  }
  schedule(0)
  return {
    async stop() {
      ctx.interrupt(shutdownError())
      clearTimeout(timer)
      await running
    },
  }
}
