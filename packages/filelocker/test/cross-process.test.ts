import { chmod, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, test } from 'vitest'
import { Child, ensureBuilt, SETPRIV } from './child.js'
import { leftovers, tempDir } from './helpers.js'

// Real processes (test/fixtures/worker.mjs) on one upload directory, with the
// default poll intervals unless a test says otherwise.
beforeAll(() => ensureBuilt(), 120_000)

/** Starts `count` workers on `directory`. */
const workers = (count: number, options: Record<string, unknown>) =>
  Promise.all(Array.from({ length: count }, () => Child.start(options)))

/** Unlocks `tag` in `child` and waits for it. */
async function unlock(child: Child, tag: string): Promise<void> {
  child.send({ op: 'unlock', tag })
  await child.next('unlocked', 5000, tag)
}

describe('FileLocker across processes', () => {
  test('two processes exclude each other; the waiter gets the lock on unlock', async () => {
    const directory = await tempDir()
    const [a, b] = await workers(2, { directory })
    a!.send({ op: 'lock', id: 'x' })
    await a!.next('locked', 5000, 'x')
    b!.send({ op: 'lock', id: 'x' })
    // The holder hears of the waiter, and (in this test) does not let go.
    await a!.next('requested', 2000, 'x')
    await sleep(600)
    expect(b!.all('locked')).toEqual([])
    const unlockedAt = Date.now()
    await unlock(a!, 'x')
    const locked = await b!.next('locked', 3000, 'x')
    expect(locked.t - unlockedAt).toBeLessThan(1000)
    await unlock(b!, 'x')
    expect(await leftovers(directory)).toEqual([])
  })

  test('a release request reaches the holder in another process within a second', async () => {
    const directory = await tempDir()
    const [a, b] = await workers(2, { directory })
    // A few rounds, so that the request falls on different phases of the poll.
    for (const id of ['r1', 'r2', 'r3']) {
      a!.send({ op: 'lock', id, release: 'unlock' })
      await a!.next('locked', 5000, id)
      const askedAt = Date.now()
      b!.send({ op: 'lock', id })
      const requested = await a!.next('requested', 3000, id)
      expect(requested.t - askedAt).toBeLessThan(1000)
      // The holder stops, saves, unlocks (20 ms in the fixture); the waiter goes on.
      const locked = await b!.next('locked', 3000, id)
      expect(locked.t - askedAt).toBeLessThan(1500)
      await unlock(b!, id)
    }
    expect(await leftovers(directory)).toEqual([])
  })

  test('a waiter still waiting asks each new holder in turn', async () => {
    const directory = await tempDir()
    const [a, b, c] = await workers(3, { directory })
    a!.send({ op: 'lock', id: 'x', release: 'unlock' })
    await a!.next('locked', 5000, 'x')
    b!.send({ op: 'lock', id: 'x', release: 'unlock' })
    await a!.next('requested', 2000, 'x')
    c!.send({ op: 'lock', id: 'x' })
    // Whichever of b and c got it first: b, as holder, was asked and let go.
    await c!.next('locked', 5000, 'x')
    if (b!.all('locked').length > 0) {
      expect(b!.all('requested')).toHaveLength(1)
      await b!.next('unlocked', 2000, 'x')
    } else {
      await c!.next('requested', 2000, 'x')
    }
    await unlock(c!, 'x')
    if (b!.all('locked').length === 0) await b!.next('locked', 3000, 'x')
    await unlock(b!, 'x')
    expect(await leftovers(directory)).toEqual([])
  })

  test('the lock of a holder killed with SIGKILL goes to a waiter within 2 s', async () => {
    const directory = await tempDir()
    const [a, b] = await workers(2, { directory })
    a!.send({ op: 'lock', id: 'folder-id' })
    await a!.next('locked', 5000, 'folder-id')
    b!.send({ op: 'lock', id: 'folder-id' })
    await a!.next('requested', 2000, 'folder-id')
    const killedAt = Date.now()
    await a!.kill('SIGKILL')
    const locked = await b!.next('locked', 4000, 'folder-id')
    expect(locked.t - killedAt).toBeLessThan(2000)
    const reclaimed = b!.all('log').filter((line) => line.event === 'FileLockReclaimed')
    expect(reclaimed).toHaveLength(1)
    expect(reclaimed[0]?.fields).toMatchObject({ pid: a!.pid, local: true })
    await unlock(b!, 'folder-id')
    expect(await leftovers(directory)).toEqual([])
  })

  test('a lock left by a killed process is taken at once by the next process', async () => {
    const directory = await tempDir()
    const a = await Child.start({ directory })
    a.send({ op: 'lock', id: 'x' })
    await a.next('locked', 5000, 'x')
    await a.kill('SIGKILL')
    expect(await leftovers(directory)).toEqual(['x.lock', expect.stringMatching(/^x\.lock\//)])
    const b = await Child.start({ directory })
    const askedAt = Date.now()
    b.send({ op: 'lock', id: 'x' })
    const locked = await b.next('locked', 3000, 'x')
    expect(locked.t - askedAt).toBeLessThan(500)
    await unlock(b, 'x')
    expect(await leftovers(directory)).toEqual([])
  })

  test('a holder whose event loop is blocked for 3 s keeps its lock', async () => {
    const directory = await tempDir()
    // The shortest stale time: the block outlasts it and several refreshes,
    // which must not matter for a holder on this host.
    const [a, b] = await workers(2, { directory, staleTime: 2000 })
    a!.send({ op: 'lock', id: 'x' })
    await a!.next('locked', 5000, 'x')
    a!.send({ op: 'block', ms: 3000 })
    await sleep(100)
    b!.send({ op: 'lock', id: 'x', timeout: 15_000 })
    await a!.next('unblocked', 6000)
    // Time for the waiter's polls and the holder's refresh after the block.
    await sleep(1500)
    expect(b!.all('locked')).toEqual([])
    await a!.next('requested', 2000, 'x')
    expect(a!.all('log')).toEqual([])
    await unlock(a!, 'x')
    await b!.next('locked', 3000, 'x')
    await unlock(b!, 'x')
    expect(await leftovers(directory)).toEqual([])
  })

  test('6 processes × 3 workers × 40 rounds on 3 ids: no overlap, no lost update', async () => {
    const directory = await tempDir()
    const counters = await tempDir()
    const children = await workers(6, { directory })
    const ids = ['p', 'q', 'nested/r']
    await mkdir(join(directory, 'nested'))
    await mkdir(join(counters, 'nested'))
    const rounds = 40
    const perProcess = 3
    for (const child of children) {
      child.send({ op: 'stress', ids, rounds, workers: perProcess, counters })
    }
    const results = await Promise.all(children.map((child) => child.next('stressed', 40_000)))
    expect(results.map((result) => result.overlaps)).toEqual(children.map(() => 0))
    // Worker w takes ids[(w + round) % 3] each round, in every process.
    const expected = new Map(ids.map((id) => [id, 0]))
    for (let w = 0; w < perProcess; w++) {
      for (let round = 0; round < rounds; round++) {
        const id = ids[(w + round) % ids.length]!
        expected.set(id, expected.get(id)! + children.length)
      }
    }
    for (const id of ids) {
      expect(Number(await readFile(join(counters, `${id}.count`), 'utf8'))).toBe(expected.get(id))
    }
    for (const child of children) expect(child.all('log')).toEqual([])
    expect(await leftovers(directory)).toEqual([])
  }, 60_000)

  test('a process that exits or is terminated while holding leaves nothing behind', async () => {
    const directory = await tempDir()
    const [a, b] = await workers(2, { directory })
    a!.send({ op: 'lock', id: 'x' })
    b!.send({ op: 'lock', id: 'y' })
    await a!.next('locked', 5000, 'x')
    await b!.next('locked', 5000, 'y')
    expect(await leftovers(directory)).toHaveLength(4)
    a!.send({ op: 'exit' })
    await a!.exited
    await b!.kill('SIGTERM')
    expect(await leftovers(directory)).toEqual([])
  })

  // Root writes through chmod 0555, so when the tests run as root (CI does)
  // the locker runs as user nobody (65534) through setpriv.
  test('a read-only directory, for an unprivileged process: check() and lock() say so', async () => {
    const root = await tempDir()
    await chmod(root, 0o755)
    const directory = join(root, 'read-only')
    await mkdir(directory)
    await chmod(directory, 0o555)
    const asRoot = process.getuid?.() === 0
    if (asRoot) expect(SETPRIV, 'setpriv (util-linux) is needed to test as root').toBeDefined()
    const a = await Child.start({ directory }, asRoot ? 65534 : undefined)
    a.send({ op: 'check' })
    expect((await a.next('checked', 3000)).message).toBe(
      `FileLocker: upload directory ${directory} cannot hold lock files: permission denied (the server process needs write access to the directory)`,
    )
    a.send({ op: 'lock', id: 'x' })
    expect((await a.next('failed', 3000, 'x')).message).toMatch(
      /^FileLocker: cannot create lock .*\/x\.lock: permission denied/,
    )
    expect(await leftovers(directory)).toEqual([])
  })

  test('a missing upload directory fails the lock with a clear error', async () => {
    const directory = join(await tempDir(), 'gone')
    const a = await Child.start({ directory })
    a.send({ op: 'lock', id: 'x' })
    const failed = await a.next('failed', 3000, 'x')
    expect(failed.message).toBe(`FileLocker: upload directory ${directory} does not exist`)
  })
})
