import { type FileInfo, serializeMetadata } from '@tus/core'
import type { Config } from '../config.js'
import type { RequestContext } from '../context.js'
import type { TusResponse } from '../exchange.js'
import { acquireLock } from '../lock.js'
import { respond } from '../respond.js'

/**
 * HEAD: the upload's offset, length and metadata. Takes the lock, as tusd, so
 * that a stalled PATCH is asked to let go and the offset reported includes
 * every byte it received.
 */
export async function handleHead(
  config: Config,
  ctx: RequestContext,
  id: string,
): Promise<TusResponse> {
  const lock = await acquireLock(config, ctx, id, false)
  let info: FileInfo
  try {
    const upload = await config.store.getUpload(id)
    info = await upload.getInfo()
  } finally {
    await lock.release()
  }
  const headers: Record<string, string> = {
    'Cache-Control': 'no-store',
    'Upload-Offset': String(info.Offset),
  }
  if (info.SizeIsDeferred) {
    headers['Upload-Defer-Length'] = '1'
  } else {
    headers['Upload-Length'] = String(info.Size)
    // tusd sends the total size here, though no body follows.
    headers['Content-Length'] = String(info.Size)
  }
  const metadata = serializeMetadata(info.MetaData)
  if (metadata !== '') headers['Upload-Metadata'] = metadata
  if (info.IsPartial) headers['Upload-Concat'] = 'partial'
  return respond(200, headers)
}
