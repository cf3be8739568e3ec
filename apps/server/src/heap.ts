import { PerformanceObserver } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'

/**
 * V8's growing factor for the old generation, as a percentage on top of 1:
 * 300 is a factor of 4, the largest V8 picks by itself (its
 * `kMaxGrowingFactor`), for a heap whose collector keeps up easily.
 */
export const STREAMING_HEAP_GROWING_PERCENT = 300

/**
 * Lets the old generation grow by up to 4× before the next full collection,
 * instead of the 1.7× V8 picks for a small heap, unless the operator set the
 * flag (NODE_OPTIONS or the command line). Returns whether it did.
 *
 * Why, for the S3 store: Node 20's V8 counts the external memory allocated
 * since the last mark-compact against the old generation's limit, and every
 * request body chunk is a fresh ArrayBuffer (64 KiB from the HTTP parser,
 * garbage at once, freed by the next scavenge). With the AWS SDK loaded the
 * old generation holds about 10 MB and its limit is about 26 MB, so the
 * 16 MB or so of body chunks between two scavenges keeps starting full
 * mark-compacts: 35 to 56 per GiB received, measured, costing 0.5 to 1 s of
 * CPU per GiB (a quarter of the server's CPU on that path). With a factor of
 * 4 they were 13 to 16 per GiB, and the server's CPU 2.9 to 3.4 s/GiB
 * instead of 3.7 to 4.1 (docs/benchmarks.md, "S3"). The live heap of that
 * path stays small (the store keeps no upload state in memory), so the
 * larger limit costs tens of MB at most. The file and GCS stores' heaps stay
 * below the size at which V8 starts marking at all, and are left alone.
 *
 * V8 reads this flag each time it computes the limit, so setting it after
 * start-up takes effect at the next collection (flags that size the heap at
 * start-up, such as --initial-old-space-size, would not).
 */
export function tuneHeapForStreaming(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean {
  if (setByOperator(/--heap[-_]growing[-_]percent/, execArgv, nodeOptions)) return false
  setFlagsFromString(`--heap-growing-percent=${STREAMING_HEAP_GROWING_PERCENT}`)
  return true
}

/** The young generation's size (V8's new space, both semi-spaces) the file store's server keeps to. */
export const YOUNG_GENERATION_CAP_MIB = 8

/** V8's own factor by which the young generation grows (`--semi-space-growth-factor`). */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2

/**
 * Keeps V8's young generation at `capMiB` or less, unless the operator sized
 * it (--max-semi-space-size, --semi-space-growth-factor). Returns the
 * function that stops doing so, or undefined if the operator's flags rule.
 *
 * Why, for the file store: V8 grows the young generation while many young
 * objects survive a scavenge, and a server with dozens of requests in flight
 * always has some, so it grows to its maximum, 32 MiB, and stays there. That
 * was most of the server's peak RSS in the benchmark's small uploads and
 * HEADs (about 130 MiB against 100 for a bare Node server); capped at 8 MiB
 * it was about 100, at the same CPU per request (docs/benchmarks.md). The
 * maximum can only be set at start-up, but V8 reads the growth factor each
 * time it grows the space: after each collection the factor is set to 1
 * (no growth) while the space is at the cap, and back to V8's own below it.
 * Once per process: a second call returns the first one's stop function.
 */
export function capYoungGeneration(
  capMiB: number = YOUNG_GENERATION_CAP_MIB,
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): (() => void) | undefined {
  if (
    setByOperator(
      /--(max[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor)/,
      execArgv,
      nodeOptions,
    )
  ) {
    return undefined
  }
  if (youngCap !== undefined) return youngCap
  const cap = capMiB * 1024 * 1024
  let factor = V8_SEMI_SPACE_GROWTH_FACTOR
  const adjust = () => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')
    const wanted = young !== undefined && young.space_size >= cap ? 1 : V8_SEMI_SPACE_GROWTH_FACTOR
    if (wanted === factor) return
    factor = wanted
    setFlagsFromString(`--semi-space-growth-factor=${wanted}`)
  }
  const observer = new PerformanceObserver(adjust)
  observer.observe({ entryTypes: ['gc'] })
  adjust()
  const stop = () => {
    observer.disconnect()
    if (youngCap === stop) youngCap = undefined
    if (factor !== V8_SEMI_SPACE_GROWTH_FACTOR) {
      factor = V8_SEMI_SPACE_GROWTH_FACTOR
      setFlagsFromString(`--semi-space-growth-factor=${factor}`)
    }
  }
  youngCap = stop
  return stop
}

/** The cap in force in this process (one per process: servers in one process share a heap). */
let youngCap: (() => void) | undefined

/** Whether a flag matching `flag` is on the command line or in NODE_OPTIONS. */
function setByOperator(flag: RegExp, execArgv: readonly string[], nodeOptions: string): boolean {
  return [...execArgv, nodeOptions].some((arg) => flag.test(arg))
}
