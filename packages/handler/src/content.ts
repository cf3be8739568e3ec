import { type ContentInfo, type FileInfo, type ServableUpload, tusError } from '@tus/core'
import { evaluatePreconditions, ifRangeHolds, type Validators } from './conditional.js'
import { downloadHeaders } from './content-type.js'
import { parseEntityTag } from './etag.js'
import type { TusRequest, TusResponse } from './exchange.js'
import { formatHttpDate } from './http-date.js'
import { selectRange } from './range.js'
import { respond } from './respond.js'

/**
 * The answer to a GET from a store that serves content: validators, then the
 * preconditions of RFC 9110 §13.2.2 (412, 304), then one byte range (206, 416)
 * or everything (200). Opens the store's stream only for a 200 or 206, with an
 * explicit range, so that the body is exactly Content-Length bytes even if the
 * upload grows meanwhile. Throws TusErrors (412, 416, the store's own).
 */
export async function contentResponse(
  req: TusRequest,
  info: FileInfo,
  servable: ServableUpload,
): Promise<TusResponse> {
  const content = await servable.contentInfo()
  const current = validators(content)
  const validatorHeaders: Record<string, string> = {}
  if (current.etag !== undefined) {
    validatorHeaders.ETag = `${current.etag.weak ? 'W/' : ''}${current.etag.opaque}`
  }
  if (current.lastModified !== undefined) {
    validatorHeaders['Last-Modified'] = formatHttpDate(current.lastModified)
  }

  const precondition = evaluatePreconditions((name) => req.header(name), current)
  if (precondition === 'failed') throw tusError('ERR_PRECONDITION_FAILED')
  // RFC 9110 §15.4.5: a 304 has no body and no content headers, but the validators.
  if (precondition === 'not-modified') return respond(304, validatorHeaders)

  const size = content.size
  const headers: Record<string, string> = {
    ...downloadHeaders(info.MetaData),
    ...validatorHeaders,
    'Accept-Ranges': 'bytes',
  }
  let range = req.header('range')
  const ifRange = req.header('if-range')
  if (range !== undefined && ifRange !== undefined && !ifRangeHolds(ifRange, current)) {
    range = undefined
  }
  const selection = selectRange(range, size)
  if (selection.kind === 'unsatisfiable') {
    throw tusError('ERR_RANGE_NOT_SATISFIABLE', {
      headers: { 'Content-Range': `bytes */${size}` },
    })
  }
  if (selection.kind === 'range') {
    const { start, end } = selection.range
    headers['Content-Range'] = `bytes ${start}-${end}/${size}`
    headers['Content-Length'] = String(end - start + 1)
    return respond(206, headers, await servable.createReadStream(selection.range))
  }
  headers['Content-Length'] = String(size)
  // An empty upload is 200 with no bytes, as Go's http.ServeContent answers (tusd).
  if (size === 0) return respond(200, headers)
  return respond(200, headers, await servable.createReadStream({ start: 0, end: size - 1 }))
}

/**
 * The store's validators, if they are valid header values: an ETag that is not
 * an entity-tag, or a date that is not a date (or is the epoch, Go's "unknown"),
 * is left out rather than sent or compared.
 */
function validators(content: ContentInfo): Validators {
  const current: Validators = {}
  const etag = content.etag === undefined ? undefined : parseEntityTag(content.etag)
  if (etag !== undefined) current.etag = etag
  const time = content.lastModified?.getTime()
  if (time !== undefined && Number.isFinite(time) && time > 0) {
    current.lastModified = content.lastModified!
  }
  return current
}
