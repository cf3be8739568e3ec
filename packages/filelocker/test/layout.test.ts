import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join, relative } from 'node:path'
import { hasErrorCode, isTusError } from '@tus/core'
import {
  DEFAULT_ACQUIRER_POLL_INTERVAL,
  DEFAULT_HOLDER_POLL_INTERVAL,
  DEFAULT_STALE_TIME,
  FileLocker,
} from '@tus/filelocker'
import { describe, expect, test } from 'vitest'
import { leftovers, noop, tempDir } from './helpers.js'

const signal = () => AbortSignal.timeout(5000)

describe('FileLocker options', () => {
  test('defaults meet the one-second release request; tusd uses 5 s and 2 s', () => {
    expect(DEFAULT_HOLDER_POLL_INTERVAL).toBe(500)
    expect(DEFAULT_ACQUIRER_POLL_INTERVAL).toBe(250)
    expect(DEFAULT_HOLDER_POLL_INTERVAL + DEFAULT_ACQUIRER_POLL_INTERVAL).toBeLessThan(1000)
    expect(DEFAULT_STALE_TIME).toBe(60_000)
  })

  test('invalid options throw a TypeError naming the option', () => {
    const bad: [unknown, RegExp][] = [
      [undefined, /options must be an object/],
      [{}, /directory must be a non-empty path/],
      [{ directory: '' }, /directory/],
      [{ directory: 'a\0b' }, /directory/],
      [{ directory: '.', holderPollInterval: 0 }, /holderPollInterval/],
      [{ directory: '.', holderPollInterval: Number.NaN }, /holderPollInterval/],
      [{ directory: '.', acquirerPollInterval: -1 }, /acquirerPollInterval/],
      [{ directory: '.', acquirerPollInterval: '250' }, /acquirerPollInterval/],
      [{ directory: '.', acquirerPollInterval: 2 ** 31 }, /acquirerPollInterval/],
      [{ directory: '.', staleTime: 1999 }, /staleTime .* from 2000/],
      [{ directory: '.', watch: 'yes' }, /watch must be a boolean/],
      [{ directory: '.', logger: {} }, /logger must be a Logger/],
    ]
    for (const [options, message] of bad) {
      expect(() => new FileLocker(options as never)).toThrow(TypeError)
      expect(() => new FileLocker(options as never)).toThrow(message)
    }
  })

  test('a relative directory is resolved once, to an absolute path', async () => {
    const directory = await tempDir()
    expect(
      new FileLocker({ linger: 0, directory: relative(process.cwd(), directory) }).directory,
    ).toBe(directory)
  })
})

describe('FileLocker on disk', () => {
  test('<id>.lock is a folder holding one owner record; unlock removes it', async () => {
    const directory = await tempDir()
    const lock = new FileLocker({ linger: 0, directory }).newLock('abc')
    await lock.lock(signal(), noop)
    expect(await readdir(directory)).toEqual(['abc.lock'])
    const records = await readdir(join(directory, 'abc.lock'))
    expect(records).toHaveLength(1)
    expect(records[0]).toMatch(
      new RegExp(`^owner-${process.pid}-(\\d+|x)-[0-9a-f]{16}-[0-9a-f]{16}$`),
    )
    const content = JSON.parse(await readFile(join(directory, 'abc.lock', records[0]!), 'utf8'))
    expect(content).toMatchObject({ pid: process.pid, hostname: hostname() })
    await lock.unlock()
    expect(await readdir(directory)).toEqual([])
  })

  test('an id with "/" locks in its subfolder', async () => {
    const directory = await tempDir()
    await mkdir(join(directory, 'project/2024'), { recursive: true })
    const lock = new FileLocker({ linger: 0, directory }).newLock('project/2024/file')
    await lock.lock(signal(), noop)
    expect(await leftovers(directory)).toEqual([
      'project/2024/file.lock',
      expect.stringMatching(/^project\/2024\/file\.lock\/owner-/),
    ])
    await lock.unlock()
    expect(await leftovers(directory)).toEqual([])
  })

  test('each acquisition writes a fresh record (a new token)', async () => {
    const directory = await tempDir()
    const lock = new FileLocker({ linger: 0, directory }).newLock('abc')
    const names: string[] = []
    for (let i = 0; i < 2; i++) {
      await lock.lock(signal(), noop)
      names.push(...(await readdir(join(directory, 'abc.lock'))))
      await lock.unlock()
    }
    expect(new Set(names).size).toBe(2)
  })
})

describe('FileLocker ids and errors', () => {
  test('invalid or escaping ids are refused with ERR_UPLOAD_NOT_FOUND', async () => {
    const directory = await tempDir()
    const locker = new FileLocker({ linger: 0, directory })
    for (const id of ['', '../x', 'a/../../x', '/abs', 'a//b', 'a\\b', 'nul\0', 'x/', '.']) {
      const failure = locker.newLock(id).lock(signal(), noop)
      await expect(failure, id).rejects.toSatisfy((err) =>
        hasErrorCode(err, 'ERR_UPLOAD_NOT_FOUND'),
      )
      await locker.newLock(id).unlock()
    }
    expect(await readdir(join(directory, '..'))).not.toContain('x.lock')
    expect(await readdir(directory)).toEqual([])
  })

  test('an id whose subfolder is missing or a file, or too long a name: 404', async () => {
    const directory = await tempDir()
    await writeFile(join(directory, 'file'), 'x')
    const locker = new FileLocker({ linger: 0, directory })
    // 252 + '.info' is too long a name for the file store too: no such upload.
    for (const id of ['missing/x', 'file/x', 'n'.repeat(252)]) {
      await expect(locker.newLock(id).lock(signal(), noop)).rejects.toSatisfy((err) =>
        hasErrorCode(err, 'ERR_UPLOAD_NOT_FOUND'),
      )
    }
    expect(await readdir(directory)).toEqual(['file'])
  })

  test('a missing upload directory: lock() and check() say so', async () => {
    const directory = join(await tempDir(), 'missing')
    const locker = new FileLocker({ linger: 0, directory })
    const failure = locker.newLock('x').lock(signal(), noop)
    await expect(failure).rejects.toThrow(
      `FileLocker: upload directory ${directory} does not exist`,
    )
    await expect(failure).rejects.toSatisfy((err) => !isTusError(err))
    await expect(locker.check()).rejects.toThrow(
      `FileLocker: upload directory ${directory} does not exist`,
    )
  })

  test('a directory path under a regular file: lock() and check() say so', async () => {
    const file = join(await tempDir(), 'plain-file')
    await writeFile(file, 'x')
    const locker = new FileLocker({ linger: 0, directory: join(file, 'uploads') })
    await expect(locker.newLock('x').lock(signal(), noop)).rejects.toThrow(/is not a directory/)
    await expect(locker.check()).rejects.toThrow(/is not a directory/)
    await expect(new FileLocker({ linger: 0, directory: file }).check()).rejects.toThrow(
      `FileLocker: upload directory ${file} is not a directory`,
    )
  })

  test('check() passes on a usable directory and leaves nothing behind', async () => {
    const directory = await tempDir()
    await new FileLocker({ linger: 0, directory }).check()
    expect(await readdir(directory)).toEqual([])
  })
})
