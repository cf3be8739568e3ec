import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  acquire,
  acquired,
  eventually,
  type LockerSuite,
  releaseSpy,
  staysPending,
} from './locker-kit.js'

/** A waiter asks the holder to let go, through the holder's own callback. */
export function releaseTests(suite: LockerSuite): void {
  suite.test("a waiter calls the holder's requestRelease, not its own", async (t) => {
    const id = t.id()
    const holder = t.locker.newLock(id)
    const releaseHolder = releaseSpy()
    const releaseWaiter = releaseSpy()
    await acquired(acquire(holder, t.signal, releaseHolder), t.patience, 'the holder')
    const waiting = acquire(t.locker.newLock(id), t.signal, releaseWaiter)
    await eventually(() => releaseHolder.calls > 0, t.patience, "the holder's requestRelease")
    assert.equal(releaseWaiter.calls, 0, "the waiter's own requestRelease was called")
    assert.equal(waiting.state, 'pending')
    await holder.unlock()
    await acquired(waiting, t.patience, 'the waiter after unlock')
  })

  suite.test('nobody is asked to release without contention', async (t) => {
    const release = releaseSpy()
    const lock = t.locker.newLock(t.id())
    await acquired(acquire(lock, t.signal, release), t.patience, 'the lock')
    const elsewhere = t.locker.newLock(t.id())
    await acquired(acquire(elsewhere, t.signal), t.patience, 'a lock of another id')
    await elsewhere.unlock()
    await sleep(t.quietPeriod)
    assert.equal(release.calls, 0)
    await lock.unlock()
    assert.equal(release.calls, 0)
  })

  suite.test('a holder that unlocks when asked hands over to the waiter', async (t) => {
    const id = t.id()
    const holder = t.locker.newLock(id)
    // As the handler does: the request stops, saves its bytes, then unlocks.
    const release = releaseSpy(() => {
      setTimeout(() => void holder.unlock(), 1)
    })
    await acquired(acquire(holder, t.signal, release), t.patience, 'the holder')
    await acquired(acquire(t.locker.newLock(id), t.signal), t.patience, 'the newcomer')
    assert.ok(release.calls >= 1)
  })

  suite.test('a waiter still queued asks the next holder to release too', async (t) => {
    const id = t.id()
    const first = t.locker.newLock(id)
    const second = t.locker.newLock(id)
    const releaseSecond = releaseSpy()
    await acquired(acquire(first, t.signal), t.patience, 'the first holder')
    const secondWaits = acquire(second, t.signal, releaseSecond)
    await staysPending(secondWaits, t.quietPeriod, 'the second handle')
    const thirdWaits = acquire(t.locker.newLock(id), t.signal)
    await staysPending(thirdWaits, t.quietPeriod, 'the third handle')
    await first.unlock()
    await acquired(secondWaits, t.patience, 'the second handle after the first unlocks')
    await eventually(() => releaseSecond.calls > 0, t.patience, "the new holder's requestRelease")
    assert.equal(thirdWaits.state, 'pending')
    await second.unlock()
    await acquired(thirdWaits, t.patience, 'the third handle')
  })
}
