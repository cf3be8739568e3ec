import { newFileInfo, parseMetadata, tusError } from '@tus/core'
import type { Config } from '../config.js'
import type { RequestContext } from '../context.js'
import type { TusRequest, TusResponse } from '../exchange.js'
import { OFFSET_OCTET_STREAM, parseLength } from '../headers.js'
import { acquireLock } from '../lock.js'
import { respond } from '../respond.js'
import { uploadUrl } from '../url.js'
import { finishIfComplete, writeBody } from '../write.js'

/**
 * POST (creation, creation-with-upload, creation-defer-length), in tusd's
 * order: length headers, max size, metadata, create, then the body if the
 * Content-Type is exactly application/offset+octet-stream (any other body is
 * ignored), and an empty upload is finished at once.
 */
export async function handlePost(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
): Promise<TusResponse> {
  const { size, deferred } = readLength(config, req)
  if (config.maxSize > 0 && size > config.maxSize) throw tusError('ERR_MAX_SIZE_EXCEEDED')

  const info = newFileInfo({
    Size: size,
    SizeIsDeferred: deferred,
    MetaData: parseMetadata(req.header('upload-metadata')),
  })
  const upload = await config.store.newUpload(info)
  const created = await upload.getInfo()
  const location = uploadUrl(config, req, created.ID)
  config.logger.info('UploadCreated', { id: created.ID, size, url: location })

  const headers: Record<string, string> = { Location: location }
  if (req.header('content-type') === OFFSET_OCTET_STREAM) {
    const lock = await acquireLock(config, ctx, created.ID, true)
    try {
      const offset = await writeBody(config, ctx, req, upload, created)
      headers['Upload-Offset'] = String(offset)
    } finally {
      await lock.release()
    }
  } else {
    await finishIfComplete(config, upload, created)
  }
  return respond(201, headers)
}

function readLength(config: Config, req: TusRequest): { size: number; deferred: boolean } {
  const length = req.header('upload-length')
  const defer = req.header('upload-defer-length')
  if (defer !== undefined) {
    if (!config.canDeferLength) throw tusError('ERR_NOT_IMPLEMENTED')
    if (length !== undefined) throw tusError('ERR_AMBIGUOUS_UPLOAD_LENGTH')
    if (defer !== '1') throw tusError('ERR_INVALID_UPLOAD_LENGTH_DEFER')
    return { size: 0, deferred: true }
  }
  const size = parseLength(length)
  if (size === undefined) throw tusError('ERR_INVALID_UPLOAD_LENGTH')
  return { size, deferred: false }
}
