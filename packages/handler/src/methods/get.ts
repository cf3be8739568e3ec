import type { Readable } from 'node:stream'
import { isContentServerDataStore } from '@tus/core'
import type { Config } from '../config.js'
import { downloadHeaders } from '../content-type.js'
import type { RequestContext } from '../context.js'
import type { TusResponse } from '../exchange.js'
import { acquireLock } from '../lock.js'
import { respond } from '../respond.js'

/**
 * GET (not part of tus): the bytes stored so far, with a Content-Type and
 * Content-Disposition from the metadata. When the store can serve exact ranges,
 * the lock is held only to learn the offset and open the stream, so a download
 * never blocks uploads or other downloads; otherwise it is held until the
 * stream ends, as in tusd.
 */
export async function handleGet(
  config: Config,
  ctx: RequestContext,
  id: string,
): Promise<TusResponse> {
  const store = config.store
  const lock = await acquireLock(config, ctx, id, false)
  let released = false
  const release = () => {
    if (released) return
    released = true
    lock.release().catch((err) => config.logger.error('UnlockError', { id, error: String(err) }))
  }
  try {
    const upload = await store.getUpload(id)
    const info = await upload.getInfo()
    const headers = downloadHeaders(info.MetaData)
    if (info.Offset === 0) {
      release()
      return respond(204, headers)
    }
    headers['Content-Length'] = String(info.Offset)
    let body: Readable
    if (isContentServerDataStore(store)) {
      body = await store
        .asServableUpload(upload)
        .createReadStream({ start: 0, end: info.Offset - 1 })
      release()
    } else {
      body = await upload.getReader()
      body.once('close', release)
    }
    return respond(200, headers, body)
  } catch (err) {
    release()
    throw err
  }
}
