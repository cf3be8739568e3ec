import { spawn } from 'node:child_process'
import { access, mkdir, readdir, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@tus/core'
import { FileLocker } from '@tus/filelocker'
import { describe, expect, test } from 'vitest'
import { processIdentity } from '../src/owner.js'
import { leftovers, noop, recordingLogger, tempDir } from './helpers.js'

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid!
}

/** Leaves a lock folder for `id` with an owner record, as another process would. */
async function recordOf(
  directory: string,
  id: string,
  { pid = process.pid, start = processIdentity().start, host = processIdentity().host } = {},
): Promise<string> {
  const name = `owner-${pid}-${start}-${host}-${'ab'.repeat(8)}`
  await mkdir(join(directory, `${id}.lock`))
  await writeFile(join(directory, `${id}.lock`, name), '{}\n')
  return name
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  )

/** Locks `id` and unlocks it again; resolves with how long the lock took. */
async function lockOnce(locker: FileLocker, id: string, ms = 2000): Promise<number> {
  const started = Date.now()
  const lock = locker.newLock(id)
  await lock.lock(AbortSignal.timeout(ms), noop)
  const took = Date.now() - started
  await lock.unlock()
  return took
}

const timesOut = (locker: FileLocker, id: string, ms: number) =>
  expect(locker.newLock(id).lock(AbortSignal.timeout(ms), noop)).rejects.toSatisfy((err) =>
    hasErrorCode(err, 'ERR_LOCK_TIMEOUT'),
  )

describe('FileLocker: abandoned locks', () => {
  test('the record of a dead process on this host is reclaimed at once, and logged', async () => {
    const directory = await tempDir()
    const logger = recordingLogger()
    const pid = await deadPid()
    await recordOf(directory, 'x', { pid })
    expect(await lockOnce(new FileLocker({ linger: 0, directory, logger }), 'x')).toBeLessThan(500)
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        event: 'FileLockReclaimed',
        fields: { id: 'x', lock: join(directory, 'x.lock'), pid, local: true },
      },
    ])
    expect(await leftovers(directory)).toEqual([])
  })

  test('a live pid that started at another time (a reused pid) does not hold the lock', async () => {
    // Start times come from /proc (Linux), where this server runs its tests.
    expect(processIdentity().start).not.toBe('x')
    const directory = await tempDir()
    await recordOf(directory, 'x', { start: '1' })
    expect(await lockOnce(new FileLocker({ linger: 0, directory }), 'x')).toBeLessThan(500)
    expect(await leftovers(directory)).toEqual([])
  })

  test('the record of a live process on this host is never reclaimed', async () => {
    const directory = await tempDir()
    const name = await recordOf(directory, 'x')
    await timesOut(new FileLocker({ linger: 0, directory, acquirerPollInterval: 20 }), 'x', 300)
    expect(await readdir(join(directory, 'x.lock'))).toEqual([name])
    // The waiter asked the holder to let go, as tusd's filelocker does.
    expect(await exists(join(directory, 'x.stop'))).toBe(true)
  })

  test('a record from another host is kept while fresh, reclaimed once stale', async () => {
    const directory = await tempDir()
    const logger = recordingLogger()
    const locker = new FileLocker({ linger: 0, directory, staleTime: 2000, logger })
    await recordOf(directory, 'x', { host: 'f'.repeat(16), pid: await deadPid() })
    // Its pid means nothing here: only the age of the folder counts.
    await timesOut(locker, 'x', 300)
    const past = new Date(Date.now() - 2500)
    await utimes(join(directory, 'x.lock'), past, past)
    expect(await lockOnce(locker, 'x')).toBeLessThan(500)
    expect(logger.lines.map((line) => line.fields.local)).toEqual([false])
    expect(await leftovers(directory)).toEqual([])
  })

  test('an empty lock folder (its maker died before its record) is taken at once', async () => {
    const directory = await tempDir()
    await mkdir(join(directory, 'x.lock'))
    expect(await lockOnce(new FileLocker({ linger: 0, directory }), 'x')).toBeLessThan(500)
    expect(await leftovers(directory)).toEqual([])
  })

  test('a lock folder holding something else than records is left alone', async () => {
    const directory = await tempDir()
    await mkdir(join(directory, 'x.lock'))
    await writeFile(join(directory, 'x.lock', 'stranger'), '')
    await timesOut(new FileLocker({ linger: 0, directory, acquirerPollInterval: 20 }), 'x', 200)
    expect(await readdir(join(directory, 'x.lock'))).toEqual(['stranger'])
  })

  test("tusd's PID lock file: reclaimed if its process is gone, kept if alive", async () => {
    const directory = await tempDir()
    const locker = new FileLocker({ linger: 0, directory, acquirerPollInterval: 20 })
    await writeFile(join(directory, 'live.lock'), `${process.pid}\n`)
    await timesOut(locker, 'live', 200)
    expect(await exists(join(directory, 'live.stop'))).toBe(true)
    await writeFile(join(directory, 'dead.lock'), `${await deadPid()}\n`)
    expect(await lockOnce(locker, 'dead')).toBeLessThan(500)
    expect((await readdir(directory)).sort()).toEqual(['live.lock', 'live.stop'])
  })

  test('many contenders for an abandoned lock: one reclaims, one holds at a time', async () => {
    const directory = await tempDir()
    const logger = recordingLogger()
    await recordOf(directory, 'x', { pid: await deadPid() })
    // Separate lockers share nothing in memory: they meet only in the folder.
    const lockers = Array.from(
      { length: 8 },
      () => new FileLocker({ linger: 0, directory, logger }),
    )
    let holders = 0
    let most = 0
    await Promise.all(
      lockers.map(async (locker) => {
        const lock = locker.newLock('x')
        await lock.lock(AbortSignal.timeout(10_000), noop)
        most = Math.max(most, ++holders)
        await new Promise((resolve) => setTimeout(resolve, 10))
        holders--
        await lock.unlock()
      }),
    )
    expect(most).toBe(1)
    expect(logger.lines.filter((line) => line.event === 'FileLockReclaimed')).toHaveLength(1)
    expect(await leftovers(directory)).toEqual([])
  })
})
