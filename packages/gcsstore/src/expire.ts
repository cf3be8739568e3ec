import type { Bucket, File } from '@google-cloud/storage'
import { isValidUploadId } from '@tus/core'
import { gcsError } from './errors.js'
import { readInfo } from './info.js'
import { idProblem, UploadNames } from './names.js'
import { latest, readObjects, storedObject, storedOffset } from './objects.js'

/**
 * Finding abandoned uploads. The bucket is listed below the prefix, page by
 * page (never all at once), for `.info` objects. An upload whose `.info`
 * changed at or after `before` is skipped at once: it changed too recently.
 * Each other one is looked at (its `.info`, chunks and final object): it is
 * a candidate if it is not finished (no final object, and the length still
 * deferred or the bytes short of it) and nothing of it changed since
 * `before`. The caller checks again under the upload's lock before removing it.
 */
export async function* listExpired(
  bucket: Bucket,
  prefix: string,
  before: Date,
): AsyncGenerator<string> {
  const limit = before.getTime()
  let pageToken: string | undefined
  do {
    let files: File[]
    let next: { pageToken?: string } | null | undefined
    try {
      ;[files, next] = await bucket.getFiles({
        prefix,
        autoPaginate: false,
        ...(pageToken === undefined ? {} : { pageToken }),
      })
    } catch (err) {
      throw gcsError(err, 'list uploads')
    }
    for (const file of files) {
      const id = uploadIdOf(prefix, file.name)
      if (id === undefined) continue
      const info = storedObject(file.name, file.metadata)
      if (info.updated !== undefined && info.updated.getTime() >= limit) continue
      if (await isExpired(bucket, prefix, id, limit)) yield id
    }
    pageToken = next?.pageToken
  } while (pageToken !== undefined)
}

/** The id of the upload whose `.info` is `name`, if it is one. */
function uploadIdOf(prefix: string, name: string): string | undefined {
  if (!name.endsWith('.info') || !name.startsWith(prefix)) return undefined
  const id = name.slice(prefix.length, -'.info'.length)
  return isValidUploadId(id) && idProblem(prefix, id) === undefined ? id : undefined
}

async function isExpired(bucket: Bucket, prefix: string, id: string, limit: number) {
  const names = new UploadNames(prefix, id)
  let info: Awaited<ReturnType<typeof readInfo>>
  try {
    info = await readInfo(bucket, names.info)
  } catch {
    // Gone meanwhile, or not an upload's `.info` (an object of another name that ends so).
    return false
  }
  if (info.ID !== id) return false
  const objects = await readObjects(bucket, names, info)
  if (objects.final !== undefined) return false
  if (!info.SizeIsDeferred && storedOffset(objects) >= info.Size) return false
  return latest(objects.chunks).getTime() < limit
}
