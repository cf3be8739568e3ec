import { isTerminaterDataStore, tusError } from '@tus/core'
import type { Config } from '../config.js'
import type { RequestContext } from '../context.js'
import type { TusResponse } from '../exchange.js'
import { acquireLock } from '../lock.js'
import { respond } from '../respond.js'

/** DELETE (termination): removes the upload; a PATCH in progress is asked to let go first. */
export async function handleDelete(
  config: Config,
  ctx: RequestContext,
  id: string,
): Promise<TusResponse> {
  const store = config.store
  if (!isTerminaterDataStore(store)) throw tusError('ERR_NOT_IMPLEMENTED')
  const lock = await acquireLock(config, ctx, id, false)
  try {
    const upload = await store.getUpload(id)
    await store.asTerminatableUpload(upload).terminate()
  } finally {
    await lock.release()
  }
  config.logger.info('UploadTerminated', { id })
  return respond(204)
}
