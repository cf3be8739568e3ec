import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Lock } from '../locker.js'
import { acquire, acquired, eventually, type LockerSuite } from './locker-kit.js'

/** Several waiters: served in the order they asked, none forgotten. */
export function queueTests(suite: LockerSuite): void {
  suite.test('waiters acquire in the order they asked (FIFO)', async (t) => {
    const id = t.id()
    const holder = t.locker.newLock(id)
    await acquired(acquire(holder, t.signal), t.patience, 'the holder')
    const order: string[] = []
    const waiters: [string, Lock][] = []
    for (const name of ['b', 'c', 'd']) {
      const lock = t.locker.newLock(id)
      waiters.push([name, lock])
      lock
        .lock(t.signal, () => {})
        .then(
          () => order.push(name),
          () => {},
        )
      // Each waiter is queued before the next one asks.
      await sleep(5)
    }
    let current: Lock = holder
    for (const [index, [name, lock]] of waiters.entries()) {
      await current.unlock()
      await eventually(() => order.length > index, t.patience, `waiter ${name}`)
      await sleep(t.quietPeriod)
      assert.deepEqual(
        order,
        waiters.slice(0, index + 1).map(([n]) => n),
      )
      current = lock
    }
    await current.unlock()
  })

  suite.test('no lost wake-ups: each of many waiters gets the lock once', async (t) => {
    const id = t.id()
    const holder = t.locker.newLock(id)
    await acquired(acquire(holder, t.signal), t.patience, 'the holder')
    const count = 32
    let served = 0
    const waiters = Array.from({ length: count }, async () => {
      const lock = t.locker.newLock(id)
      await lock.lock(t.signal, () => {})
      served++
      await lock.unlock()
    })
    await holder.unlock()
    await eventually(() => served === count, t.patience, `all ${count} waiters`)
    await Promise.all(waiters)
    assert.equal(served, count)
    // Nobody holds it now: a newcomer gets it at once.
    await acquired(acquire(t.locker.newLock(id), t.signal), t.patience, 'a lock afterwards')
  })
}
