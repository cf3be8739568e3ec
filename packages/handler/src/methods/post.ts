import {
  type FileInfo,
  isComplete,
  isTerminaterDataStore,
  newFileInfo,
  parseMetadata,
  TusError,
  toTusError,
  tusError,
  type Upload,
} from '@tus/core'
import { type Checksum, parseChecksum } from '../checksum.js'
import { type ConcatRequest, concatenate, loadPartials, parseConcat } from '../concat.js'
import type { Config } from '../config.js'
import type { RequestContext } from '../context.js'
import type { TusRequest, TusResponse } from '../exchange.js'
import { setExpires } from '../expiration.js'
import { OFFSET_OCTET_STREAM, parseLength } from '../headers.js'
import { isEnabled } from '../hooks/invoke.js'
import { postCreate, preCreate } from '../hooks/lifecycle.js'
import { acquireLock } from '../lock.js'
import { respond } from '../respond.js'
import { uploadUrl } from '../url.js'
import { finishIfComplete, writeBody } from '../write.js'

/**
 * POST (creation, creation-with-upload, creation-defer-length, concatenation),
 * in tusd's order: Upload-Concat, then for a final upload its partials, else
 * the length headers; max size, metadata, pre-create, create, post-create;
 * then a final upload is
 * filled from its partials, or the body is written if the Content-Type is
 * exactly application/offset+octet-stream (any other body is ignored), and an
 * empty upload is finished at once.
 */
export async function handlePost(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
): Promise<TusResponse> {
  const concat = readConcat(config, req)
  const hasBody = req.header('content-type') === OFFSET_OCTET_STREAM
  let partials: Upload[] = []
  let size: number
  let deferred = false
  if (concat?.kind === 'final') {
    if (hasBody) throw tusError('ERR_MODIFY_FINAL')
    ;({ uploads: partials, size } = await loadPartials(config, ctx, req, concat.ids))
  } else {
    ;({ size, deferred } = readLength(config, req))
  }
  if (config.maxSize > 0 && size > config.maxSize) throw tusError('ERR_MAX_SIZE_EXCEEDED')
  // Checked before anything is created, so that a bad header leaves nothing behind.
  const checksum = readChecksum(config, req, hasBody)

  const info = newFileInfo({
    Size: size,
    SizeIsDeferred: deferred,
    MetaData: parseMetadata(req.header('upload-metadata')),
    IsPartial: concat?.kind === 'partial',
    IsFinal: concat?.kind === 'final',
    PartialUploads: concat?.kind === 'final' ? concat.ids : null,
  })
  await preCreate(config, ctx, req, info)
  // An id a hook chose may be known (or guessed) elsewhere; the store's own is not.
  const known = info.ID !== '' || isEnabled(config.hooks, 'post-create')
  const upload = await config.store.newUpload(info)
  const created = await upload.getInfo()
  const location = uploadUrl(config, req, created.ID)
  config.logger.info('UploadCreated', { id: created.ID, size, url: location })
  postCreate(config, ctx, req, created)

  const headers: Record<string, string> = { Location: location }
  try {
    if (concat?.kind === 'final' && typeof config.concat === 'object') {
      const store = config.store
      const terminate = isTerminaterDataStore(store)
        ? (u: Upload) => store.asTerminatableUpload(u).terminate()
        : undefined
      await concatenate(config.concat, upload, partials, terminate)
      created.Offset = size
      await finishIfComplete(config, ctx, req, upload, created)
    } else if (hasBody) {
      await writeCreationBody(config, ctx, req, upload, created, checksum, headers, known)
    } else {
      await finishIfComplete(config, ctx, req, upload, created)
    }
  } catch (err) {
    // Beyond tusd: the upload exists, so its URL goes with the error (to resume
    // after a checksum mismatch, say); tusd means to and does not.
    throw withHeaders(err, { Location: location })
  }
  // Created or written just now: it expires a whole period from now.
  if (config.expirer !== undefined && !isComplete(created)) setExpires(config, headers, Date.now())
  return respond(201, headers)
}

async function writeCreationBody(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  upload: Upload,
  info: FileInfo,
  checksum: Checksum | undefined,
  headers: Record<string, string>,
  known: boolean,
): Promise<void> {
  // Until this answer goes out with its Location, nobody else can send a
  // request for a new upload, unless a hook chose its id or was told it
  // (post-create): only then does it need its lock, which tusd always takes.
  // With the file locker the lock is a round trip to the disk that buys nothing.
  const lock = known ? await acquireLock(config, ctx, info.ID, true) : undefined
  try {
    const offset = await writeBody(config, ctx, req, upload, info, checksum)
    headers['Upload-Offset'] = String(offset)
  } finally {
    await lock?.release()
  }
}

/** Upload-Concat, read only when the store can concatenate (tusd). */
function readConcat(config: Config, req: TusRequest): ConcatRequest | undefined {
  if (config.concat === 'ignored') return undefined
  const header = req.header('upload-concat')
  if (header === undefined || header === '') return undefined
  if (config.concat === 'refused') throw tusError('ERR_CONCATENATION_UNSUPPORTED')
  return parseConcat(header, config.basePath)
}

function readChecksum(config: Config, req: TusRequest, hasBody: boolean): Checksum | undefined {
  const header = req.header('upload-checksum')
  if (!hasBody || header === undefined || config.stager === undefined) return undefined
  return parseChecksum(header)
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

/** The error as a TusError with `headers` added (a copy: errors may be shared). */
function withHeaders(value: unknown, headers: Record<string, string>): TusError {
  const err = toTusError(value)
  return new TusError(err.code, err.status, err.message, {
    headers: { ...headers, ...err.headers },
    body: err.body,
    cause: err.cause,
  })
}
