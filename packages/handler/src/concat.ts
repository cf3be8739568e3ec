import {
  type ConcaterDataStore,
  type FileInfo,
  isValidUploadId,
  tusError,
  type Upload,
} from '@tus/core'
import type { Config } from './config.js'
import type { RequestContext } from './context.js'
import type { TusRequest } from './exchange.js'
import { preAccess } from './hooks/lifecycle.js'
import { uploadUrl } from './url.js'

/** What an Upload-Concat header asks for. */
export type ConcatRequest = { kind: 'partial' } | { kind: 'final'; ids: string[] }

/**
 * Parses Upload-Concat as tusd does: exactly `partial`, or `final;` followed by
 * space-separated URLs or paths of the partial uploads. Each id is what follows
 * the first occurrence of the base path, without surrounding slashes; an entry
 * without the base path, or whose id no store could hold, is 404
 * ERR_UPLOAD_NOT_FOUND. Anything else, or `final;` without entries, is 400
 * ERR_INVALID_CONCAT. Unlike tusd, ids are percent-decoded as in request paths,
 * so that the URLs this server hands out always name their upload.
 */
export function parseConcat(header: string, basePath: string): ConcatRequest {
  if (header === 'partial') return { kind: 'partial' }
  if (!header.startsWith('final;')) throw tusError('ERR_INVALID_CONCAT')
  const ids: string[] = []
  for (const entry of header.slice('final;'.length).split(' ')) {
    const value = entry.trim()
    if (value !== '') ids.push(partialId(value, basePath))
  }
  if (ids.length === 0) throw tusError('ERR_INVALID_CONCAT')
  return { kind: 'final', ids }
}

function partialId(value: string, basePath: string): string {
  const at = value.indexOf(basePath)
  if (at === -1) throw tusError('ERR_UPLOAD_NOT_FOUND')
  let rest = value.slice(at + basePath.length)
  const end = rest.search(/[?#]/)
  if (end !== -1) rest = rest.slice(0, end)
  rest = rest.replace(/^\/+|\/+$/g, '')
  let id: string
  try {
    id = decodeURIComponent(rest)
  } catch {
    throw tusError('ERR_UPLOAD_NOT_FOUND')
  }
  if (!isValidUploadId(id)) throw tusError('ERR_UPLOAD_NOT_FOUND')
  return id
}

/** The partial uploads of a final upload, checked, and the final upload's length. */
export interface Partials {
  uploads: Upload[]
  size: number
}

/**
 * Looks up the partials in order: each must exist (404) and be finished with a
 * known length (400 ERR_UPLOAD_NOT_FINISHED). No locks are taken: a finished
 * upload no longer changes, and locking an unfinished one would interrupt its
 * upload in progress (tusd v2's lock requests) only to refuse it anyway.
 * As in tusd, a partial need not have been created as `partial`. With
 * pre-access enabled, each partial is authorised (reading it is access).
 */
export async function loadPartials(
  config: Config,
  ctx: RequestContext,
  req: TusRequest,
  ids: string[],
): Promise<Partials> {
  const uploads: Upload[] = []
  let size = 0
  for (const id of ids) {
    const upload = await config.store.getUpload(id)
    const info = await upload.getInfo()
    await preAccess(config, ctx, req, info)
    if (info.SizeIsDeferred || info.Offset !== info.Size) throw tusError('ERR_UPLOAD_NOT_FINISHED')
    uploads.push(upload)
    size += info.Size
  }
  return { uploads, size }
}

/**
 * Fills a new final upload from its partials. A failure leaves no half-made
 * final upload behind: nobody has its URL yet, so it is removed if the store
 * can remove it.
 */
export async function concatenate(
  store: ConcaterDataStore,
  final: Upload,
  partials: Upload[],
  terminate: ((upload: Upload) => Promise<void>) | undefined,
): Promise<void> {
  try {
    await store.asConcatableUpload(final).concatUploads(partials)
  } catch (err) {
    await terminate?.(final).catch(() => {})
    throw err
  }
}

/** HEAD's Upload-Concat: `partial`, or `final;` and the partials' absolute URLs. */
export function concatHeader(config: Config, req: TusRequest, info: FileInfo): string | undefined {
  if (info.IsPartial) return 'partial'
  if (!info.IsFinal) return undefined
  const urls = (info.PartialUploads ?? []).map((id) => uploadUrl(config, req, id))
  return `final;${urls.join(' ')}`
}
