/**
 * One deadline for a whole invocation, as tusd's context.WithTimeout around
 * pester's attempts: `signal` aborts when `timeout` ms have passed or when
 * the caller's signal aborts, whichever comes first. `expired` tells which.
 * (Hand-made rather than AbortSignal.any, which Node 20.0 to 20.2 lack.)
 */
export class Deadline {
  readonly signal: AbortSignal
  #expired = false
  readonly #controller = new AbortController()
  readonly #timer: NodeJS.Timeout
  readonly #outer: AbortSignal | undefined
  readonly #onOuterAbort = () => this.#controller.abort(this.#outer?.reason)

  constructor(timeout: number, outer?: AbortSignal) {
    this.signal = this.#controller.signal
    this.#outer = outer
    this.#timer = setTimeout(() => {
      if (this.signal.aborted) return
      this.#expired = true
      this.#controller.abort(new Error(`deadline of ${timeout} ms passed`))
    }, timeout)
    if (outer?.aborted) this.#onOuterAbort()
    else outer?.addEventListener('abort', this.#onOuterAbort, { once: true })
  }

  /** True if the timeout, not the caller, ended the invocation. */
  get expired(): boolean {
    return this.#expired
  }

  /** Stops the timer and lets go of the caller's signal. */
  dispose(): void {
    clearTimeout(this.#timer)
    this.#outer?.removeEventListener('abort', this.#onOuterAbort)
  }
}

/** Resolves after `ms`, or rejects with `signal.reason` as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
