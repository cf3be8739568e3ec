import { setFlagsFromString } from 'node:v8'

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
  const setByOperator = [...execArgv, nodeOptions].some((arg) =>
    /--heap[-_]growing[-_]percent/.test(arg),
  )
  if (setByOperator) return false
  setFlagsFromString(`--heap-growing-percent=${STREAMING_HEAP_GROWING_PERCENT}`)
  return true
}
