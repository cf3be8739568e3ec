/**
 * Entity tags (RFC 9110 §8.8.3): `"opaque"` (strong) or `W/"opaque"` (weak),
 * and the two ways of comparing them (§8.8.3.2).
 */
export interface EntityTag {
  weak: boolean
  /** The quoted opaque-tag, quotes included. */
  opaque: string
}

/** entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text. */
const ENTITY_TAG = /(W\/)?("[\x21\x23-\x7e\x80-\xff]*")/y

/** One entity-tag filling all of `value` (trimmed), or undefined. */
export function parseEntityTag(value: string): EntityTag | undefined {
  const text = value.trim()
  ENTITY_TAG.lastIndex = 0
  const m = ENTITY_TAG.exec(text)
  if (m === null || ENTITY_TAG.lastIndex !== text.length) return undefined
  return { weak: m[1] !== undefined, opaque: m[2]! }
}

/**
 * The value of If-Match or If-None-Match: `*`, or the entity-tags of the list.
 * Empty elements and whitespace around commas are skipped. The list is read up
 * to its first malformed element, as Go's net/http does: tags before it count,
 * nothing after it, so garbage can make If-Match fail and If-None-Match not
 * match, never the reverse.
 */
export function parseEntityTagList(value: string): '*' | EntityTag[] {
  if (value.trim() === '*') return '*'
  const tags: EntityTag[] = []
  let at = 0
  while (at < value.length) {
    const ch = value[at]
    if (ch === ' ' || ch === '\t' || ch === ',') {
      at++
      continue
    }
    ENTITY_TAG.lastIndex = at
    const m = ENTITY_TAG.exec(value)
    if (m === null) break
    tags.push({ weak: m[1] !== undefined, opaque: m[2]! })
    at = ENTITY_TAG.lastIndex
    // A tag must be followed by the end of the list or a separator.
    const next = value[at]
    if (next !== undefined && next !== ' ' && next !== '\t' && next !== ',') {
      tags.pop()
      break
    }
  }
  return tags
}

/** Strong comparison: neither tag is weak and the opaque-tags are identical. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque
}

/** Weak comparison: the opaque-tags are identical, weak or not. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque
}
