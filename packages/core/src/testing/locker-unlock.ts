import { acquire, acquired, type LockerSuite, staysPending } from './locker-kit.js'

/** unlock releases only what the handle holds. */
export function unlockTests(suite: LockerSuite): void {
  suite.test("another handle's unlock does nothing", async (t) => {
    const id = t.id()
    const holder = t.locker.newLock(id)
    await acquired(acquire(holder, t.signal), t.patience, 'the holder')
    const waiting = acquire(t.locker.newLock(id), t.signal)
    await t.locker.newLock(id).unlock()
    await staysPending(waiting, t.quietPeriod, 'the waiter after a stranger unlocked')
    await holder.unlock()
    await acquired(waiting, t.patience, 'the waiter after the holder unlocked')
  })

  suite.test('unlock of a handle that never locked does nothing', async (t) => {
    await t.locker.newLock(t.id()).unlock()
    const id = t.id()
    const lock = t.locker.newLock(id)
    await lock.unlock()
    await acquired(acquire(lock, t.signal), t.patience, 'the lock afterwards')
    await lock.unlock()
  })

  suite.test("a former holder's second unlock does not release the new holder", async (t) => {
    const id = t.id()
    const former = t.locker.newLock(id)
    await acquired(acquire(former, t.signal), t.patience, 'the former holder')
    await former.unlock()
    const current = t.locker.newLock(id)
    await acquired(acquire(current, t.signal), t.patience, 'the current holder')
    await former.unlock()
    const waiting = acquire(t.locker.newLock(id), t.signal)
    await staysPending(waiting, t.quietPeriod, 'a waiter after the stale unlock')
    await current.unlock()
    await acquired(waiting, t.patience, 'the waiter after the current holder unlocked')
  })
}
