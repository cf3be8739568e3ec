/**
 * The uploads read here lately without their lock (lockIfHeld found it free).
 * A second read of the same upload within `window` ms takes the lock instead:
 * it then lingers (see Settings.linger), so a client that polls an upload
 * with HEADs costs one lstat and one acquisition, then no file system work at
 * all, while a single HEAD after an upload costs one lstat and no lock folder.
 */
export class RecentReads {
  readonly #window: number
  /** Lock path → until when a read counts as recent. */
  readonly #until = new Map<string, number>()
  #sweepAt = 0

  constructor(window: number) {
    this.#window = window
  }

  /** Records a free read of `lockPath`; true if another came within the window. */
  again(lockPath: string, now = Date.now()): boolean {
    if (this.#window <= 0) return false
    const until = this.#until.get(lockPath)
    if (until !== undefined && until > now) return true
    this.#until.set(lockPath, now + this.#window)
    this.#sweep(now)
    return false
  }

  /** Drops expired entries, at most once per window: memory stays bounded by the read rate. */
  #sweep(now: number): void {
    if (now < this.#sweepAt) return
    this.#sweepAt = now + this.#window
    for (const [path, until] of this.#until) if (until <= now) this.#until.delete(path)
  }
}
