import { isComplete, isLengthDeferrerDataStore, tusError } from '@tus/core'
import { type Checksum, parseChecksum } from '../checksum.js'
import type { Config } from '../config.js'
import type { RequestContext } from '../context.js'
import type { TusRequest, TusResponse } from '../exchange.js'
import { checkExpiry, setExpires } from '../expiration.js'
import { OFFSET_OCTET_STREAM, parseLength } from '../headers.js'
import { acquireLock } from '../lock.js'
import { respond } from '../respond.js'
import { writeBody } from '../write.js'

/**
 * PATCH: appends the body at Upload-Offset. tusd's check order: Content-Type,
 * Upload-Offset, (Upload-Checksum), lock, 404, (expired 410), final upload
 * 403, offset 409, already complete 204, Upload-Length declaration, then the
 * write.
 */
export async function handlePatch(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  id: string,
): Promise<TusResponse> {
  if (req.header('content-type') !== OFFSET_OCTET_STREAM) throw tusError('ERR_INVALID_CONTENT_TYPE')
  const offset = parseLength(req.header('upload-offset'))
  if (offset === undefined) throw tusError('ERR_INVALID_OFFSET')
  const checksumHeader = req.header('upload-checksum')
  let checksum: Checksum | undefined
  if (checksumHeader !== undefined && config.stager !== undefined) {
    checksum = parseChecksum(checksumHeader)
  }

  const lock = await acquireLock(config, ctx, id, true)
  try {
    const upload = await config.store.getUpload(id)
    const info = await upload.getInfo()
    const modified = await checkExpiry(config, upload, info)
    if (info.IsFinal) throw tusError('ERR_MODIFY_FINAL')
    if (offset !== info.Offset) throw tusError('ERR_MISMATCHED_OFFSET')
    // Nothing more to take: answer without reading the body (tusd).
    if (!info.SizeIsDeferred && info.Offset === info.Size) {
      return respond(204, { 'Upload-Offset': String(offset) })
    }

    const declared = req.header('upload-length')
    if (declared !== undefined) {
      const store = config.store
      if (!isLengthDeferrerDataStore(store)) throw tusError('ERR_NOT_IMPLEMENTED')
      if (!info.SizeIsDeferred) throw tusError('ERR_INVALID_UPLOAD_LENGTH')
      const length = parseLength(declared)
      if (length === undefined || length < offset) throw tusError('ERR_INVALID_UPLOAD_LENGTH')
      if (config.maxSize > 0 && length > config.maxSize) throw tusError('ERR_INVALID_UPLOAD_LENGTH')
      await store.asLengthDeclarableUpload(upload).declareLength(length)
      info.Size = length
      info.SizeIsDeferred = false
    }

    const newOffset = await writeBody(config, ctx, req, upload, info, checksum)
    const headers = { 'Upload-Offset': String(newOffset) }
    if (!isComplete(info)) setExpires(config, headers, newOffset > offset ? Date.now() : modified)
    return respond(204, headers)
  } finally {
    await lock.release()
  }
}
