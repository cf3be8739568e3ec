import {
  type ContentServerDataStore,
  hasErrorCode,
  isComplete,
  isContentServerDataStore,
} from '@tus/core'
import type { Config } from '../config.js'
import { contentResponse } from '../content.js'
import { downloadHeaders } from '../content-type.js'
import type { RequestContext } from '../context.js'
import type { TusRequest, TusResponse } from '../exchange.js'
import { checkExpiry } from '../expiration.js'
import { acquireLock, type HeldLock } from '../lock.js'
import { respond } from '../respond.js'

/**
 * GET (not part of tus): the bytes stored so far, with a Content-Type and
 * Content-Disposition from the metadata.
 *
 * When the store serves content (ContentServerDataStore), GET also speaks
 * HTTP's validators, conditional requests and single byte ranges (see
 * content.ts), and never blocks anything for the length of a download:
 * - a finished upload's bytes no longer change, so it is served without its
 *   lock at all: no waiting for a PATCH, no interrupting one, any number of
 *   downloads at once (tusd's GET holds the exclusive lock: tusd issues 208,
 *   984, 1356);
 * - an unfinished upload is read under its lock, as in tusd v2 (taking it
 *   asks a running PATCH to stop, so the answer includes every byte it
 *   received), but only until the stream is open.
 *
 * Other stores behave as in tusd: Range and conditional headers are ignored,
 * an empty upload is 204, and the lock is held until the stream ends.
 */
export async function handleGet(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  id: string,
): Promise<TusResponse> {
  const store = config.store
  if (isContentServerDataStore(store)) return serveContent(config, ctx, req, store, id)
  return streamLocked(config, ctx, id)
}

async function serveContent(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  store: ContentServerDataStore,
  id: string,
): Promise<TusResponse> {
  const upload = await store.getUpload(id)
  const info = await upload.getInfo()
  if (isComplete(info)) {
    try {
      return await contentResponse(req, info, store.asServableUpload(upload))
    } catch (err) {
      // A store that completes uploads lazily (an S3 multipart upload being
      // finished under the lock of the PATCH that wrote its last byte) cannot
      // serve it yet: wait for that, below, as for any unfinished upload.
      if (!hasErrorCode(err, 'ERR_INCOMPLETE_UPLOAD')) throw err
    }
  }
  const lock = await acquireLock(config, ctx, id, false)
  try {
    // Read again under the lock: the upload may have changed since.
    const locked = await store.getUpload(id)
    const lockedInfo = await locked.getInfo()
    await checkExpiry(config, locked, lockedInfo)
    return await contentResponse(req, lockedInfo, store.asServableUpload(locked))
  } finally {
    // The stream, if any, is open with an explicit range: later writes do not change it.
    releaseLater(config, lock, id)
  }
}

/** tusd's GET for stores that only give a reader: the lock is held until the stream ends. */
async function streamLocked(config: Config, ctx: RequestContext, id: string) {
  const lock = await acquireLock(config, ctx, id, false)
  let released = false
  const release = () => {
    if (released) return
    released = true
    releaseLater(config, lock, id)
  }
  try {
    const upload = await config.store.getUpload(id)
    const info = await upload.getInfo()
    await checkExpiry(config, upload, info)
    const headers = downloadHeaders(info.MetaData)
    if (info.Offset === 0) {
      release()
      return respond(204, headers)
    }
    headers['Content-Length'] = String(info.Offset)
    const body = await upload.getReader()
    body.once('close', release)
    return respond(200, headers, body)
  } catch (err) {
    release()
    throw err
  }
}

/** Releases without waiting; a failure to unlock is logged, the answer stands. */
function releaseLater(config: Config, lock: HeldLock, id: string): void {
  lock.release().catch((err) => config.logger.error('UnlockError', { id, error: String(err) }))
}
