/**
 * `compute`, remembered per key for up to `capacity` keys; when full, the
 * memory starts afresh. `undefined` results are not kept. For what stores and
 * lockers work out from an upload id on every request (its paths, say): a
 * busy server asks about the same few ids again and again, and a map lookup
 * costs less than resolving a path and allocating its strings anew.
 */
export function memoById<T>(
  compute: (id: string) => T | undefined,
  capacity = 10_000,
): (id: string) => T | undefined {
  const known = new Map<string, T>()
  return (id) => {
    let value = known.get(id)
    if (value === undefined) {
      value = compute(id)
      if (value !== undefined) {
        if (known.size >= capacity) known.clear()
        known.set(id, value)
      }
    }
    return value
  }
}
