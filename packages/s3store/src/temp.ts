import { randomBytes } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The temporary files of one operation, in the store's temporary directory.
 * Each is removed as soon as it is no longer needed, and whatever is left
 * when the operation ends, however it ends, by `removeAll`.
 */
export class TempFiles {
  readonly #dir: string
  readonly #ready: () => Promise<void>
  readonly #paths = new Set<string>()

  constructor(dir: string, ready: () => Promise<void>) {
    this.#dir = dir
    this.#ready = ready
  }

  /** A fresh path (the file is not created); the directory exists once this resolves. */
  async path(): Promise<string> {
    await this.#ready()
    const path = join(this.#dir, `tus-s3-${randomBytes(8).toString('hex')}`)
    this.#paths.add(path)
    return path
  }

  async remove(path: string): Promise<void> {
    this.#paths.delete(path)
    await rm(path, { force: true })
  }

  async removeAll(): Promise<void> {
    const paths = [...this.#paths]
    this.#paths.clear()
    await Promise.all(paths.map((path) => rm(path, { force: true }).catch(() => {})))
  }
}

/** Creates `dir` once, on first use; a failure is retried on the next use. */
export function ensureDir(dir: string): () => Promise<void> {
  let made: Promise<void> | undefined
  return () => {
    made ??= mkdir(dir, { recursive: true }).then(
      () => {},
      (err: unknown) => {
        made = undefined
        throw err
      },
    )
    return made
  }
}
