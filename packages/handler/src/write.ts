import { type FileInfo, type TusError, toTusError, tusError, type Upload } from '@tus/core'
import { BodyReader } from './body-reader.js'
import { type Checksum, verifyBytes, writeVerified } from './checksum.js'
import type { Config } from './config.js'
import type { RequestContext } from './context.js'
import type { TusRequest } from './exchange.js'
import { parseLength } from './headers.js'
import { finishHooks, terminateStopped } from './hooks/lifecycle.js'
import { watchProgress } from './hooks/progress.js'

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
    await finishIfComplete(config, ctx, req, upload, info)
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
  const progress = watchProgress(config, ctx, req, info, body)
  let failure: TusError | undefined
  if (checksum !== undefined && config.stager !== undefined) {
    try {
      await writeVerified(config, config.stager, upload, info, body, checksum)
    } catch (err) {
      failure = toTusError(err)
    }
  } else {
    failure = await writeStream(upload, info, body, length)
    if (body.error !== undefined && failure === body.error) {
      log.warn('BodyReadError', { id: info.ID, code: body.error.code, bytesRead: body.bytesRead })
    }
  }
  log.debug('ChunkWriteComplete', { id: info.ID, bytesWritten: info.Offset - offset })
  progress?.end(info.Offset)
  if (progress?.stopped) {
    // A post-receive hook stopped the upload: it goes (tusd), the client hears why.
    await terminateStopped(config, ctx, req, upload, info)
    throw ctx.interruption ?? tusError('ERR_UPLOAD_STOPPED')
  }
  // Even after a failure, an upload whose last byte is in is finished.
  await finishIfComplete(config, ctx, req, upload, info)
  if (failure !== undefined) throw failure
  return info.Offset
}

/**
 * writeChunk, keeping every byte the store kept: on a store failure the
 * offset is read again. Returns why the chunk ended early, if it did; a store
 * error wins over a body error (tusd).
 */
async function writeStream(
  upload: Upload,
  info: FileInfo,
  body: BodyReader,
  length: number | undefined,
): Promise<TusError | undefined> {
  const offset = info.Offset
  try {
    const written = await upload.writeChunk(offset, body, length === undefined ? {} : { length })
    info.Offset = offset + written
    return body.error
  } catch (err) {
    // The store failed midway: ask it how much it kept (if it can still tell).
    info.Offset = await upload.getInfo().then(
      (now) => now.Offset,
      () => info.Offset,
    )
    return toTusError(err)
  }
}

/**
 * Tells the store an upload is complete once its last byte is in (tusd's
 * finishUploadIfComplete), then pre-finish and post-finish.
 */
export async function finishIfComplete(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  upload: Upload,
  info: FileInfo,
): Promise<void> {
  if (info.SizeIsDeferred || info.Offset !== info.Size) return
  await upload.finishUpload()
  config.logger.info('UploadFinished', { id: info.ID, size: info.Size })
  await finishHooks(config, ctx, req, info)
}
