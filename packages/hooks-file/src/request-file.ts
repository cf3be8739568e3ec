import { randomBytes } from 'node:crypto'
import { type FileHandle, open, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The request as a temporary file, already unlinked and open for reading at
 * its start, to be a hook's stdin. The caller closes it.
 *
 * Not a pipe, because Node's 'pipe' stdio is a socket pair, and `/dev/stdin`
 * cannot be opened on a socket (ENXIO), while tusd's own example hook reads
 * `cat /dev/stdin` (Go hands the child a real pipe). A file works for `cat`,
 * `read` and `/dev/stdin` alike, and a hook that never reads it blocks nothing.
 * The file is created exclusively with mode 0600 (no symlink games, no other
 * reader) and removed before the hook starts, so nothing is left behind.
 */
export async function requestFile(input: Buffer): Promise<FileHandle> {
  const path = join(tmpdir(), `tus-hook-${randomBytes(12).toString('hex')}`)
  // 'wx' fails before creating anything if the name is taken: only our own file is removed below.
  const writer = await open(path, 'wx', 0o600)
  let reader: FileHandle | undefined
  try {
    try {
      await writer.writeFile(input)
    } finally {
      await writer.close()
    }
    reader = await open(path, 'r')
    await unlink(path)
    return reader
  } catch (err) {
    await reader?.close()
    await unlink(path).catch(() => {})
    throw err
  }
}
