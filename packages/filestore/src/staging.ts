import { createReadStream } from 'node:fs'
import type { ByteSource, StagedChunk } from '@tus/core'
import { appendFrom } from './append.js'
import { rename, rm, statBig } from './fs.js'
import type { UploadPaths } from './paths.js'

/**
 * Stages a chunk in `<id>.stage`, beside the data file, so that the data file
 * (whose size is the offset, for tusd and for this store) never holds bytes
 * that were not accepted. Committing renames the stage over an empty data file
 * (the usual case of a whole upload sent with one checksum: no copy at all) or
 * appends it to the data file; either way a crash leaves the old bytes plus at
 * most a prefix of the staged ones.
 */
export async function stageChunk(
  paths: UploadPaths,
  src: ByteSource,
  mode: number,
  signal: AbortSignal | undefined,
): Promise<StagedChunk> {
  const size = await appendFrom(paths.stage, src, { mode, flags: 'w', signal })
  const discard = () => rm(paths.stage, { force: true })
  return {
    size,
    discard,
    async commit() {
      if (size === 0) return discard()
      const data = await statBig(paths.data)
      if (data.size === 0n) return rename(paths.stage, paths.data)
      let readError: unknown
      async function* staged(): AsyncGenerator<Uint8Array> {
        try {
          yield* createReadStream(paths.stage)
        } catch (err) {
          readError = err
        }
      }
      const copied = await appendFrom(paths.data, staged(), { mode })
      if (readError !== undefined || copied !== size) {
        throw new Error(`[filestore] commit of ${paths.stage} copied ${copied} of ${size} bytes`, {
          cause: readError,
        })
      }
      await discard()
    },
  }
}
