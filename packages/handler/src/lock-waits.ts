import { setMaxListeners } from 'node:events'
import { type TusError, tusError } from '@tus/core'

/** The waits that began within one slot, and the signal they share. */
interface Slot {
  readonly controller: AbortController
  readonly timer: NodeJS.Timeout
  /** When the next wait starts a slot of its own (ms since the epoch). */
  readonly closes: number
  /** Waits of this slot not settled yet: while there are any, the timer keeps the process alive. */
  waits: number
}

/** A wait's share of a slot: its signal, and the call that ends the wait. */
export interface LockWait {
  readonly signal: AbortSignal
  end(): void
}

/** Slots per timeout: a wait gives up at most 1/SLOTS of the timeout late. */
const SLOTS = 16

/**
 * The timeout signals of the handler's lock waits. Each wait needs a signal
 * that aborts acquireLockTimeout after it begins. On Node 20 an
 * AbortController with its signal and a timer for each request cost more CPU
 * than the rest of a HEAD, and nearly every wait ends at once, the lock being
 * free. So the waits that begin within one slot (a sixteenth of the timeout)
 * share one signal, which aborts with ERR_LOCK_TIMEOUT at the slot's close
 * plus the timeout: a wait gives up between the timeout and 17/16 of it.
 *
 * A slot's timer keeps the process alive only while one of its waits is
 * unsettled, as a timer per wait would. Lockers must remove their listeners
 * from the signal once lock() settles (the Lock contract), for it is shared.
 */
export class LockWaits {
  readonly #timeout: number
  readonly #slotLength: number
  #current: Slot | undefined
  /** Slots whose signal has not aborted yet, for abortAll. */
  readonly #open = new Set<Slot>()

  constructor(timeout: number) {
    this.#timeout = timeout
    this.#slotLength = Math.max(1, Math.floor(timeout / SLOTS))
  }

  /** Begins a wait; call its end() once the lock() it guards has settled. */
  begin(): LockWait {
    const now = Date.now()
    let slot = this.#current
    // A slot's signal aborts after it closes, or in abortAll, which forgets it.
    if (slot === undefined || now >= slot.closes) slot = this.#openSlot(now)
    if (slot.waits++ === 0) slot.timer.ref()
    const open = slot
    let ended = false
    return {
      signal: open.controller.signal,
      end: () => {
        if (ended) return
        ended = true
        if (--open.waits === 0) open.timer.unref()
      },
    }
  }

  /** Aborts every wait under way with `reason` (the handler shuts down). Later waits get new slots. */
  abortAll(reason: TusError): void {
    for (const slot of this.#open) this.#abort(slot, reason)
    this.#current = undefined
  }

  #openSlot(now: number): Slot {
    const controller = new AbortController()
    // Every wait of the slot may listen at once: no leak warning at eleven.
    setMaxListeners(0, controller.signal)
    const closes = now + this.#slotLength
    const timer = setTimeout(
      () => this.#abort(slot, tusError('ERR_LOCK_TIMEOUT')),
      closes - now + this.#timeout,
    )
    timer.unref()
    const slot: Slot = { controller, timer, closes, waits: 0 }
    this.#open.add(slot)
    this.#current = slot
    return slot
  }

  #abort(slot: Slot, reason: TusError): void {
    clearTimeout(slot.timer)
    this.#open.delete(slot)
    slot.controller.abort(reason)
  }
}
