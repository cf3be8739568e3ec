/**
 * A counting semaphore with a FIFO queue: permits go out in the order they
 * were asked for, so the parts of one write start uploading in order.
 */
export class Semaphore {
  #free: number
  readonly #waiting: (() => void)[] = []

  constructor(readonly limit: number) {
    this.#free = limit
  }

  /** Permits held right now. */
  get held(): number {
    return this.limit - this.#free
  }

  /** Callers waiting for a permit. */
  get waiting(): number {
    return this.#waiting.length
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  /** Takes a permit if one is free right now (none is while others wait). */
  tryAcquire(): boolean {
    if (this.#free === 0) return false
    this.#free--
    return true
  }

  release(): void {
    const next = this.#waiting.shift()
    if (next !== undefined) next()
    else this.#free++
  }

  /** Runs `fn` with a permit, released however `fn` ends. */
  async with<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire()
    try {
      return await fn()
    } finally {
      this.release()
    }
  }
}
