import { randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  assertBuilt,
  cleanup,
  createUpload,
  download,
  headUpload,
  openRaw,
  patchHead,
  patchUpload,
  sha256,
  sleep,
  startTusd,
  tempDir,
  withTimeout,
} from './harness.js'

/**
 * Two server processes on one upload directory, with the file locker (the
 * default with file storage): the lock of an upload moves between processes
 * within about a second, dead holders are reclaimed, and concurrent clients
 * never corrupt a byte.
 */

beforeAll(assertBuilt)
afterEach(cleanup)

/** Two servers sharing a fresh upload directory. */
async function pair() {
  const dir = await tempDir()
  const [a, b] = await Promise.all([startTusd({ dir }), startTusd({ dir })])
  return { dir, a, b }
}

/** The lock files in `dir`. */
const lockFiles = async (dir: string) =>
  (await readdir(dir)).filter((name) => /\.(lock|stop)$/.test(name))

/** The URL of the same upload on the other server. */
const on = (server: { url: string }, url: string) => new URL(new URL(url).pathname, server.url).href

describe('two processes, one upload directory', () => {
  it('a client resumes on the other process while the first still holds the lock', async () => {
    const { a, b } = await pair()
    const data = randomBytes(200_000)
    const url = await createUpload(a, data.length)
    // A stalls mid-PATCH, holding the upload's lock.
    const stalled = await openRaw(a.port)
    await stalled.write(patchHead(new URL(url).pathname, 0, data.length))
    await stalled.write(data.subarray(0, 50_000))
    await sleep(300)

    // B's HEAD asks A to let go; A saves what it has and answers 400.
    const started = Date.now()
    const head = await headUpload(on(b, url))
    const moved = Date.now() - started
    expect(head.status).toBe(200)
    expect(head.offset).toBe(50_000)
    expect(moved).toBeLessThan(2000)
    const interrupted = await withTimeout(stalled.response, 5000, 'the stalled PATCH')
    expect(interrupted.status).toBe(400)
    expect(interrupted.body).toMatch(/^ERR_UPLOAD_INTERRUPTED/)

    // The client goes on with B, from where the bytes are.
    const rest = await patchUpload(on(b, url), head.offset, data.subarray(head.offset))
    expect(rest.status).toBe(204)
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('kill -9 of the holder: the lock is reclaimed and the next request succeeds', async () => {
    const { dir, a, b } = await pair()
    const data = randomBytes(100_000)
    const url = await createUpload(a, data.length)
    const stalled = await openRaw(a.port)
    await stalled.write(patchHead(new URL(url).pathname, 0, data.length))
    await stalled.write(data.subarray(0, 30_000))
    await sleep(300)
    a.proc.kill('SIGKILL')
    await a.exited

    const started = Date.now()
    const head = await headUpload(on(b, url))
    expect(head.status).toBe(200)
    expect(Date.now() - started).toBeLessThan(5000)
    expect((await patchUpload(on(b, url), head.offset, data.subarray(head.offset))).status).toBe(
      204,
    )
    expect(sha256(await download(on(b, url)))).toBe(sha256(data))
    // Nothing of the locks is left behind (a released lock lingers a second).
    await expect.poll(() => lockFiles(dir), { timeout: 5000 }).toEqual([])
  })

  it('many clients on a few uploads through both processes: never a corrupted byte', async () => {
    const { dir, a, b } = await pair()
    const size = 64 * 1024
    const chunk = 4096
    // Byte p of every upload is a function of p: whoever writes a chunk writes the same bytes.
    const expected = Buffer.alloc(size)
    for (let p = 0; p < size; p++) expected[p] = (p * 31 + (p >> 8)) & 0xff
    const urls = await Promise.all([0, 1, 2].map(() => createUpload(a, size)))

    const statuses = new Map<number, number>()
    const client = async (n: number) => {
      const server = n % 2 === 0 ? a : b
      for (let round = 0; round < 200; round++) {
        const url = on(server, urls[(n + round) % urls.length]!)
        const { status, offset } = await headUpload(url)
        if (status !== 200) throw new Error(`HEAD ${status}`)
        if (offset >= size) {
          if ((await Promise.all(urls.map((u) => headUpload(u)))).every((h) => h.offset >= size))
            return
          continue
        }
        const end = Math.min(size, offset + chunk)
        // 409 (someone else wrote first) and 400 (interrupted by a newer request) are fine.
        const res = await patchUpload(url, offset, expected.subarray(offset, end))
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        if (![204, 409, 400].includes(res.status))
          throw new Error(`PATCH ${res.status} ${res.body}`)
      }
    }
    await Promise.all(Array.from({ length: 12 }, (_, n) => client(n)))
    // The clients did collide: some PATCHes lost the race (409) or were pre-empted (400).
    expect((statuses.get(409) ?? 0) + (statuses.get(400) ?? 0)).toBeGreaterThan(0)
    for (const url of urls) expect((await download(url)).equals(expected)).toBe(true)
    await expect.poll(() => lockFiles(dir), { timeout: 5000 }).toEqual([])
  }, 60_000)
})
