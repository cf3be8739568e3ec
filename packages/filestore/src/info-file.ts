import { randomBytes } from 'node:crypto'
import { type FileInfo, parseFileInfo, serializeFileInfo } from '@tus/core'
import { rename, rm, writeFile } from './fs.js'

/**
 * The `.info` file: the FileInfo as tusd writes it (Go's encoding/json of
 * handler.FileInfo), so that tusd and this store read each other's files.
 * Offset is written but never trusted: the data file's size is the offset.
 */

/** Checks the text of the `.info` file at `path`; the fields are tusd's. */
export function parseInfo(text: string, path: string): FileInfo {
  return parseFileInfo(text, `[filestore] invalid info file ${path}`)
}

/**
 * Writes `info` atomically: a temp file beside it, then a rename, so that a
 * crash leaves the old or the new file, never a torn one. No fsync, as tusd.
 */
export async function writeInfo(path: string, info: FileInfo, mode: number): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temp, serializeFileInfo(info), { mode, flag: 'wx' })
    await rename(temp, path)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
}
