import { createWriteStream, type WriteStream } from 'node:fs'
import type { ByteSource } from '@tus/core'

/**
 * Bytes the write stream may hold before the source is paused. Above Node's
 * 16 KiB default, so that chunks arriving while a write is in flight go out
 * together in one writev; small enough to keep memory flat per upload.
 */
const WRITE_BUFFER = 256 * 1024

export interface AppendOptions {
  /** File mode when the file is created. */
  mode: number
  /** `a` appends (a PATCH); `w` starts the file over (a concatenation, so a retry is exact). */
  flags?: 'a' | 'w'
  /** Stops taking bytes once aborted; what was taken is still written. */
  signal?: AbortSignal | undefined
}

/**
 * Streams `src` into the file at `path` and resolves with the bytes written.
 * Backpressure: `src` is read no faster than the disk takes it. Chunks are
 * handed to the stream as they come (a Uint8Array view becomes a Buffer over
 * the same memory: no copy).
 *
 * A failing `src` ends the chunk: everything taken before is flushed and
 * counted. Only a failure of the file (open, write, close) rejects.
 */
export async function appendFrom(path: string, src: ByteSource, options: AppendOptions) {
  const out = createWriteStream(path, {
    flags: options.flags ?? 'a',
    mode: options.mode,
    highWaterMark: WRITE_BUFFER,
  })
  let fileError: unknown
  out.on('error', (err) => {
    fileError ??= err
  })
  const closed = new Promise<void>((resolve) => out.once('close', resolve))
  try {
    for await (const chunk of src) {
      if (out.destroyed) break
      if (!out.write(chunk) && !(await drained(out))) break
      if (options.signal?.aborted) break
    }
  } catch {
    // The source failed (e.g. the request body broke off): the end of this chunk.
  }
  if (fileError === undefined) out.end()
  else out.destroy()
  await closed
  if (fileError !== undefined) throw fileError
  return out.bytesWritten
}

/** Resolves true on 'drain', false if the stream fails or closes first. */
function drained(out: WriteStream): Promise<boolean> {
  if (out.destroyed) return Promise.resolve(false)
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      out.off('drain', onDrain)
      out.off('close', onClose)
      resolve(ok)
    }
    const onDrain = done(true)
    const onClose = done(false)
    out.on('drain', onDrain)
    out.on('close', onClose)
  })
}
