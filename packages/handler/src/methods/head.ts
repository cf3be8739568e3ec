import { type FileInfo, serializeMetadata } from '@tus/core'
import { concatHeader } from '../concat.js'
import type { Config } from '../config.js'
import type { RequestContext } from '../context.js'
import type { TusRequest, TusResponse } from '../exchange.js'
import { checkExpiry, setExpires } from '../expiration.js'
import { TUS_HEADERS } from '../headers.js'
import { acquireReadLock, NO_LOCK } from '../lock.js'

/**
 * HEAD: the upload's offset, length and metadata. Reads under the lock, as
 * tusd, so that a stalled PATCH is asked to let go and the offset reported
 * includes every byte it received.
 *
 * HEADs of one upload that arrive while a read of it is under way share that
 * read instead of queueing for the lock one by one. The shared read is made
 * after they arrived, or under a lock held since before they arrived, so each
 * answer is as current as a read of its own; 64 clients polling one upload
 * cost one read per round instead of 64 serialised ones.
 */
export async function handleHead(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  id: string,
): Promise<TusResponse> {
  let read = config.headReads.get(id)
  if (read === undefined) {
    read = readLocked(config, ctx, id)
    config.headReads.set(id, read)
    const forget = () => config.headReads.delete(id)
    read.then(forget, forget)
  }
  const { info, modified } = await read
  // Made whole here, base headers first, rather than copied by respond().
  const headers: Record<string, string> = {
    ...TUS_HEADERS,
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
  const concat = concatHeader(config, req, info)
  if (concat !== undefined) headers['Upload-Concat'] = concat
  setExpires(config, headers, modified)
  return { status: 200, headers }
}

/** What a HEAD reports: the FileInfo and, for an upload that can expire, its last change. */
export interface HeadRead {
  info: FileInfo
  modified: number | undefined
}

async function readLocked(config: Config, ctx: RequestContext, id: string): Promise<HeadRead> {
  const acquiring = acquireReadLock(config, ctx, id)
  // A lock answered at once is not awaited: a HEAD is made of such turns.
  const lock = acquiring instanceof Promise ? await acquiring : acquiring
  try {
    const upload = await config.store.getUpload(id)
    const info = await upload.getInfo()
    // Without expiration, no await: a HEAD is made of such turns.
    const modified =
      config.expirer === undefined ? undefined : await checkExpiry(config, upload, info)
    return { info, modified }
  } finally {
    if (lock !== NO_LOCK) await lock.release()
  }
}
