import assert from 'node:assert/strict'
import { hasErrorCode } from '../errors.js'
import type { Lock } from '../locker.js'
import {
  acquire,
  acquired,
  eventually,
  type LockerSuite,
  releaseSpy,
  settled,
  staysPending,
  track,
} from './locker-kit.js'

/**
 * A reader's lock (HEAD): `lockIfHeld` where the locker offers it (its
 * answer synchronous or not), else lock(), which holds. Resolves with
 * whether the reader holds the lock.
 */
async function readLock(lock: Lock, signal: AbortSignal): Promise<boolean> {
  const noRelease = releaseSpy()
  if (lock.lockIfHeld === undefined) return lock.lock(signal, noRelease).then(() => true)
  return lock.lockIfHeld(signal, noRelease)
}

/**
 * Readers: a free lock lets a reader through at once (holding it or not); a
 * held one is asked to release, and the reader goes on only once the holder
 * has let go, then holds it itself until it unlocks. Runs against every
 * locker: with lockIfHeld it checks that method, without it lock().
 */
export function readTests(suite: LockerSuite): void {
  suite.test(
    'a free lock: the reader goes on at once; if it holds nothing, nor blocks',
    async (t) => {
      const id = t.id()
      const reader = t.locker.newLock(id)
      let held: boolean | undefined
      const reading = track(
        readLock(reader, t.signal).then((h) => {
          held = h
        }),
      )
      await acquired(reading, t.patience, 'the reader')
      const writer = acquire(t.locker.newLock(id), t.signal)
      if (held === false) {
        await acquired(writer, t.patience, 'a writer after a reader that holds nothing')
      } else {
        await staysPending(writer, t.quietPeriod, 'a writer while the reader holds the lock')
        await reader.unlock()
        await acquired(writer, t.patience, 'the writer after the reader unlocked')
      }
    },
  )

  suite.test(
    'a held lock: the holder is asked to release; the reader waits, then holds',
    async (t) => {
      const id = t.id()
      const holder = t.locker.newLock(id)
      const release = releaseSpy()
      await acquired(acquire(holder, t.signal, release), t.patience, 'the holder')
      const reader = t.locker.newLock(id)
      let held: boolean | undefined
      const reading = track(
        readLock(reader, t.signal).then((h) => {
          held = h
        }),
      )
      await eventually(() => release.calls > 0, t.patience, "the holder's requestRelease")
      await staysPending(reading, t.quietPeriod, 'the reader while the holder holds')
      await holder.unlock()
      await acquired(reading, t.patience, 'the reader after the holder unlocked')
      assert.equal(held, true, 'a reader that waited for a holder holds the lock')
      const next = acquire(t.locker.newLock(id), t.signal)
      await staysPending(next, t.quietPeriod, 'a writer while the reader holds the lock')
      await reader.unlock()
      await acquired(next, t.patience, 'the writer after the reader unlocked')
    },
  )

  suite.test('a held lock and an aborting signal: ERR_LOCK_TIMEOUT', async (t) => {
    const id = t.id()
    await acquired(acquire(t.locker.newLock(id), t.signal), t.patience, 'the holder')
    const reading = track(
      readLock(t.locker.newLock(id), AbortSignal.timeout(t.quietPeriod)).then(() => {}),
    )
    await settled(reading, t.patience + t.quietPeriod, 'the reader with a timeout')
    assert.ok(hasErrorCode(reading.error, 'ERR_LOCK_TIMEOUT'), String(reading.error))
  })
}
