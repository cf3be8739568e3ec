import { type FileInfo, type TusError, toTusError, tusError, type Upload } from '@tus/core'
import { BodyReader } from './body-reader.js'
import { type Checksum, verifyBytes, writeVerified } from './checksum.js'
import type { Config } from './config.js'
import type { RequestContext } from './context.js'
import type { TusRequest } from './exchange.js'
import { parseLength } from './headers.js'

/**
 * Streams the request body into `upload` at `info.Offset`, under the upload's
 * lock, as tusd's writeChunk does:
 * - a Content-Length that would overflow the upload is refused before reading;
 * - a chunked body is cut at the upload's end (or at maxSize for a deferred
 *   length), what fits is kept, and the request fails with 413;
 * - whatever stops the body early (disconnect, timeout, interruption) still
 *   leaves every received byte stored, and the upload is finished if complete;
 * - with a `checksum`, the body is staged and kept only if it arrived whole
 *   with the right digest (see writeVerified).
 * Updates `info.Offset` and returns it; throws the reason the body stopped.
 */
export async function writeBody(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  upload: Upload,
  info: FileInfo,
  checksum?: Checksum,
): Promise<number> {
  const offset = info.Offset
  const length = parseLength(req.header('content-length'))
  let limit: number
  let limitError: 'ERR_UPLOAD_SIZE_EXCEEDED' | 'ERR_MAX_SIZE_EXCEEDED' = 'ERR_UPLOAD_SIZE_EXCEEDED'
  if (!info.SizeIsDeferred) {
    limit = info.Size - offset
    if (length !== undefined && length > limit) throw tusError('ERR_UPLOAD_SIZE_EXCEEDED')
  } else if (config.maxSize > 0) {
    limit = config.maxSize - offset
    limitError = 'ERR_MAX_SIZE_EXCEEDED'
    if (length !== undefined && length > limit) throw tusError('ERR_MAX_SIZE_EXCEEDED')
  } else {
    limit = Number.POSITIVE_INFINITY
  }
  if (req.body === null || length === 0) {
    if (checksum !== undefined) verifyBytes(checksum, new Uint8Array(0))
    await finishIfComplete(config, upload, info)
    return offset
  }

  const body = new BodyReader(req.body, {
    limit,
    limitError,
    timeout: config.networkTimeout,
    ...(req.bodyError ? { classify: req.bodyError } : {}),
  })
  ctx.attachBody(body)
  const log = config.logger
  log.debug('ChunkWriteStart', { id: info.ID, offset, maxSize: limit, length })
  if (checksum !== undefined && config.stager !== undefined) {
    await writeVerified(config, config.stager, upload, info, body, checksum)
    log.debug('ChunkWriteComplete', { id: info.ID, bytesWritten: info.Offset - offset })
    await finishIfComplete(config, upload, info)
    return info.Offset
  }
  let storeError: TusError | undefined
  try {
    const written = await upload.writeChunk(offset, body)
    info.Offset = offset + written
  } catch (err) {
    storeError = toTusError(err)
    // The store failed midway: ask it how much it kept (if it can still tell).
    info.Offset = await upload.getInfo().then(
      (now) => now.Offset,
      () => info.Offset,
    )
  }
  log.debug('ChunkWriteComplete', { id: info.ID, bytesWritten: info.Offset - offset })
  if (body.error !== undefined && storeError === undefined) {
    log.warn('BodyReadError', { id: info.ID, code: body.error.code, bytesRead: body.bytesRead })
  }
  // A store error wins over a body error (tusd). Either way, finish if complete.
  await finishIfComplete(config, upload, info)
  const failure = storeError ?? body.error
  if (failure !== undefined) throw failure
  return info.Offset
}

/** Tells the store an upload is complete once its last byte is in (tusd's finishUploadIfComplete). */
export async function finishIfComplete(config: Config, upload: Upload, info: FileInfo) {
  if (info.SizeIsDeferred || info.Offset !== info.Size) return
  await upload.finishUpload()
  config.logger.info('UploadFinished', { id: info.ID, size: info.Size })
}
