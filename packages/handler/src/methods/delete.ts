import { type FileInfo, isTerminaterDataStore, tusError } from '@tus/core'
import type { Config } from '../config.js'
import type { RequestContext } from '../context.js'
import type { TusRequest, TusResponse } from '../exchange.js'
import { postTerminate, preTerminate } from '../hooks/lifecycle.js'
import { acquireLock } from '../lock.js'
import { respond } from '../respond.js'

/**
 * DELETE (termination): removes the upload, after pre-terminate (which may
 * refuse), then post-terminate. A PATCH in progress is asked to let go first.
 */
export async function handleDelete(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  id: string,
): Promise<TusResponse> {
  const store = config.store
  if (!isTerminaterDataStore(store)) throw tusError('ERR_NOT_IMPLEMENTED')
  const lock = await acquireLock(config, ctx, id, false)
  let info: FileInfo
  try {
    const upload = await store.getUpload(id)
    info = await upload.getInfo()
    await preTerminate(config, ctx, req, info)
    await store.asTerminatableUpload(upload).terminate()
  } finally {
    await lock.release()
  }
  config.logger.info('UploadTerminated', { id })
  postTerminate(config, ctx, req, info)
  return respond(204)
}
