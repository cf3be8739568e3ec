import { opendir } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The ids of every `.info` file below `directory`, depth first, streamed (one
 * open folder per level). Ids with `/` are subfolders, as in tusd's layout.
 * Symbolic links are not followed; a missing directory has no uploads.
 */
export async function* walkUploadIds(directory: string, prefix = ''): AsyncGenerator<string> {
  let dir: Awaited<ReturnType<typeof opendir>>
  try {
    dir = await opendir(join(directory, prefix))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  for await (const entry of dir) {
    const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    if (entry.isDirectory()) yield* walkUploadIds(directory, name)
    else if (entry.isFile() && name.endsWith('.info')) yield name.slice(0, -'.info'.length)
  }
}
