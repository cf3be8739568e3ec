import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  acquire,
  acquired,
  type LockerSuite,
  releaseSpy,
  staysPending,
  track,
} from './locker-kit.js'

/** One holder per id; the next one goes on when it unlocks. */
export function exclusionTests(suite: LockerSuite): void {
  suite.test('a second handle waits until the holder unlocks', async (t) => {
    const id = t.id()
    const holder = t.locker.newLock(id)
    const other = t.locker.newLock(id)
    await acquired(acquire(holder, t.signal), t.patience, 'the first lock')
    const waiting = acquire(other, t.signal)
    await staysPending(waiting, t.quietPeriod, 'the second lock while the first is held')
    await holder.unlock()
    await acquired(waiting, t.patience, 'the second lock after unlock')
  })

  suite.test('locks of different ids do not exclude each other', async (t) => {
    const a = t.locker.newLock(t.id())
    const b = t.locker.newLock(t.id())
    const releaseA = releaseSpy()
    await acquired(acquire(a, t.signal, releaseA), t.patience, 'lock of the first id')
    await acquired(acquire(b, t.signal), t.patience, 'lock of the second id')
    assert.equal(releaseA.calls, 0, 'the holder of another id was asked to release')
  })

  suite.test('lock after unlock is immediate, for another handle or the same', async (t) => {
    const id = t.id()
    const first = t.locker.newLock(id)
    const releaseFirst = releaseSpy()
    await acquired(acquire(first, t.signal, releaseFirst), t.patience, 'the first lock')
    await first.unlock()
    const second = t.locker.newLock(id)
    const started = Date.now()
    await acquired(acquire(second, t.signal), t.patience, 'a lock after unlock')
    // Well under the quiet period: nobody had to be asked or polled.
    assert.ok(Date.now() - started < Math.max(t.quietPeriod, 20), 'lock after unlock was slow')
    assert.equal(releaseFirst.calls, 0, 'the former holder was asked to release')
    await second.unlock()
    await acquired(acquire(first, t.signal), t.patience, 'the same handle locking again')
    await first.unlock()
  })

  suite.test('at most one holder at a time under contention', async (t) => {
    const id = t.id()
    let holders = 0
    let most = 0
    let done = 0
    const contender = async () => {
      const lock = t.locker.newLock(id)
      await lock.lock(t.signal, () => {})
      holders++
      most = Math.max(most, holders)
      await sleep(1)
      holders--
      done++
      await lock.unlock()
    }
    const all = track(Promise.all(Array.from({ length: 16 }, contender)).then(() => {}))
    await acquired(all, t.patience, 'all 16 contenders')
    assert.equal(most, 1, `${most} handles held the lock at once`)
    assert.equal(done, 16)
  })
}
