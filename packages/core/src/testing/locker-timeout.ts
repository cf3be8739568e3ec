import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { hasErrorCode } from '../errors.js'
import { acquire, acquired, type LockerSuite, settled, staysPending } from './locker-kit.js'

/** The caller's signal bounds the wait: ERR_LOCK_TIMEOUT, and no trace left. */
export function timeoutTests(suite: LockerSuite): void {
  suite.test('a signal aborting while waiting rejects with ERR_LOCK_TIMEOUT', async (t) => {
    const id = t.id()
    const holder = t.locker.newLock(id)
    await acquired(acquire(holder, t.signal), t.patience, 'the holder')
    const waiting = acquire(t.locker.newLock(id), AbortSignal.timeout(t.quietPeriod))
    await settled(waiting, t.patience + t.quietPeriod, 'the waiter with a timeout')
    assert.equal(waiting.state, 'rejected')
    assert.ok(
      hasErrorCode(waiting.error, 'ERR_LOCK_TIMEOUT'),
      `expected ERR_LOCK_TIMEOUT, got ${String(waiting.error)}`,
    )
  })

  suite.test('a signal aborted already rejects while the lock is held', async (t) => {
    const id = t.id()
    await acquired(acquire(t.locker.newLock(id), t.signal), t.patience, 'the holder')
    const waiting = acquire(t.locker.newLock(id), AbortSignal.abort())
    await settled(waiting, t.patience, 'the waiter with an aborted signal')
    assert.ok(hasErrorCode(waiting.error, 'ERR_LOCK_TIMEOUT'), String(waiting.error))
  })

  suite.test('after a timeout the holder still holds, the next waiter follows', async (t) => {
    const id = t.id()
    const holder = t.locker.newLock(id)
    await acquired(acquire(holder, t.signal), t.patience, 'the holder')
    const quitter = t.locker.newLock(id)
    const aborts = new AbortController()
    const quitting = acquire(quitter, aborts.signal)
    const next = acquire(t.locker.newLock(id), t.signal)
    await staysPending(next, t.quietPeriod, 'the next waiter')
    aborts.abort()
    await settled(quitting, t.patience, 'the quitter')
    assert.equal(quitting.state, 'rejected')
    await quitter.unlock() // a no-op: it never held the lock
    await staysPending(next, t.quietPeriod, 'the next waiter while the holder holds')
    await holder.unlock()
    await acquired(next, t.patience, 'the next waiter after unlock')
  })

  suite.test('a waiter that timed out never holds the lock later', async (t) => {
    const id = t.id()
    const holder = t.locker.newLock(id)
    await acquired(acquire(holder, t.signal), t.patience, 'the holder')
    const quitting = acquire(t.locker.newLock(id), AbortSignal.timeout(t.quietPeriod))
    await settled(quitting, t.patience + t.quietPeriod, 'the quitter')
    await holder.unlock()
    await acquired(acquire(t.locker.newLock(id), t.signal), t.patience, 'a lock after that')
  })

  suite.test('one signal shared by many waits keeps no listener once they settle', async (t) => {
    // The handler gives the waits that begin close together one timeout signal.
    const shared = new AbortController()
    const id = t.id()
    const holder = t.locker.newLock(id)
    await acquired(acquire(holder, shared.signal), t.patience, 'the holder')
    const waiters = [t.locker.newLock(id), t.locker.newLock(id), t.locker.newLock(id)]
    const waiting = waiters.map((lock) => acquire(lock, shared.signal))
    await staysPending(waiting[0]!, t.quietPeriod, 'the first waiter')
    await holder.unlock()
    for (const [i, lock] of waiters.entries()) {
      await acquired(waiting[i]!, t.patience, `waiter ${i + 1}`)
      await lock.unlock()
    }
    const other = t.locker.newLock(t.id())
    await acquired(acquire(other, shared.signal), t.patience, 'a free lock')
    await other.unlock()
    const left = getEventListeners(shared.signal, 'abort').length
    assert.equal(left, 0, `${left} abort listener(s) left on the shared signal`)
  })
}
