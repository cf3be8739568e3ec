import { utimes } from 'node:fs/promises'
import { join } from 'node:path'
import type { DataStore } from '@tus/core'
import { createTusHandler, type TusRequest } from '@tus/handler'
import { MemoryLocker } from '@tus/memorylocker'
import type { Case, Fixture } from './harness.js'

/**
 * Shared pieces of the GET tests: uploads with a known modification time, a
 * store without the ContentServer capability, and cases whose headers name
 * the upload's current ETag, which only the store knows.
 */

/** The modification time given to uploads: not on a second boundary, on purpose. */
export const MTIME = new Date('2024-01-02T03:04:05.678Z')
/** MTIME as Last-Modified: HTTP dates drop the milliseconds. */
export const LAST_MODIFIED = 'Tue, 02 Jan 2024 03:04:05 GMT'
/** One second after LAST_MODIFIED, and one before. */
export const LATER = 'Tue, 02 Jan 2024 03:04:06 GMT'
export const EARLIER = 'Tue, 02 Jan 2024 03:04:04 GMT'

export const HELLO = 'hello world'

/** Upload `id` holding `bytes` (finished unless `size` is larger), modified at MTIME. */
export async function stored(
  f: Fixture,
  bytes = HELLO,
  size = bytes.length,
  id = 'abc',
): Promise<void> {
  await f.upload(id, { Size: size }, bytes)
  await utimes(join(f.dir, id), MTIME, MTIME)
}

/** The ETag the store gives upload `id` now. */
export async function currentEtag(f: Fixture, id = 'abc'): Promise<string> {
  const { etag } = await f.store.asServableUpload(await f.store.getUpload(id)).contentInfo()
  if (etag === undefined) throw new Error('the FileStore gave no ETag')
  return etag
}

/**
 * The core DataStore methods of `store` and nothing else: no optional
 * capability, so `isContentServerDataStore` is false and GET behaves as
 * tusd's does for such stores.
 */
export function coreOnly(store: DataStore): DataStore {
  return {
    newUpload: (info) => store.newUpload(info),
    getUpload: (id) => store.getUpload(id),
  }
}

/** Makes the fixture's handler serve its FileStore through {@link coreOnly}. */
export function withoutContentServer(f: Fixture): void {
  f.handler = createTusHandler({ store: coreOnly(f.store), locker: new MemoryLocker() })
}

/**
 * A table case whose request and expected headers may say `{etag}`: after
 * `setup`, each `{etag}` becomes the upload's current ETag (see currentEtag).
 * The table reads a case's headers only after its setup, so they are filled
 * in there, per run.
 */
export function withEtag(c: Case): Case {
  const requestHeaders = c.headers ?? {}
  const expected = c.responseHeaders ?? {}
  const built: Case = {
    ...c,
    async setup(f) {
      await c.setup?.(f)
      const etag = await currentEtag(f)
      const fill = (value: string) => value.replaceAll('{etag}', etag)
      built.headers = Object.fromEntries(
        Object.entries(requestHeaders).map(([name, value]) => [name, fill(value)]),
      )
      built.responseHeaders = Object.fromEntries(
        Object.entries(expected).map(([name, value]) => [
          name,
          typeof value === 'string' ? fill(value) : value,
        ]),
      )
    },
  }
  return built
}

/** A GET as the handler's transport-neutral `run` takes it, without a transport. */
export function getRequest(url: string, headers: Record<string, string> = {}): TusRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  return {
    method: 'GET',
    url,
    header: (name) => lower[name],
    headers: () => Object.fromEntries(Object.entries(lower).map(([k, v]) => [k, [v]])),
    secure: false,
    remoteAddr: '',
    body: null,
  }
}
