import type { Bucket } from '@google-cloud/storage'
import { type FileInfo, parseFileInfo, serializeFileInfo } from '@tus/core'
import { gcsCall, retryRateLimited } from './errors.js'

/**
 * The `.info` object: the FileInfo as tusd writes it (Go's encoding/json of
 * handler.FileInfo), so that tusd and this store read each other's objects.
 * Its Offset is written (at creation, on a length declaration and when the
 * upload is finished, so a finished upload's `.info` says Offset = Size, as
 * tusd's does) but never trusted: the chunks are the offset.
 */

/** Reads and parses the `.info` object; a missing one rejects with ERR_UPLOAD_NOT_FOUND. */
export async function readInfo(bucket: Bucket, name: string): Promise<FileInfo> {
  const [bytes] = await gcsCall('read info', () => bucket.file(name).download())
  return parseFileInfo(bytes.toString('utf8'), `[gcsstore] invalid info object ${name}`)
}

/** Writes the `.info` object, replacing it (one small simple upload; again while GCS throttles). */
export async function writeInfo(bucket: Bucket, name: string, info: FileInfo): Promise<void> {
  await gcsCall('write info', () =>
    retryRateLimited(() =>
      bucket.file(name).save(serializeFileInfo(info), {
        resumable: false,
        contentType: 'application/json',
      }),
    ),
  )
}
