/**
 * L1: the in-process tier. A `Map` in recency order (a hit moves the entry to the end), bounded by
 * entry count and by bytes (the length of the encoded value's JSON), with a tag index so a tag
 * invalidation touches only its entries. Synchronous and single-threaded: no locks needed.
 *
 * An entry is fresh until `freshUntil`; after that it is kept, for a stale answer when the loader
 * fails, until `staleUntil` (or until the bounds evict it).
 */
import { globMatcher } from "../redis/glob.js"

export interface MemoryEntry {
  readonly key: string
  readonly value: unknown
  readonly bytes: number
  readonly freshUntil: number
  readonly staleUntil: number
  readonly tags: ReadonlyArray<string>
  /** The value as its Schema encodes it, so `get` with another schema decodes it without JSON. */
  readonly encoded: unknown
}

export interface MemoryTierBounds {
  readonly maxEntries: number
  readonly maxBytes: number
}

export class MemoryTier {
  private readonly entries = new Map<string, MemoryEntry>()
  private readonly byTag = new Map<string, Set<string>>()
  private totalBytes = 0
  evictions = 0

  constructor(readonly bounds: MemoryTierBounds) {}

  get size(): number {
    return this.entries.size
  }

  get bytes(): number {
    return this.totalBytes
  }

  /** The entry, fresh or stale, marked most recently used; expired-past-grace entries are dropped. */
  lookup(key: string, now: number): MemoryEntry | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (now >= entry.staleUntil) {
      this.remove(entry)
      return undefined
    }
    // Move to the most-recent end.
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry
  }

  put(entry: MemoryEntry): void {
    const previous = this.entries.get(entry.key)
    if (previous !== undefined) this.remove(previous)
    if (entry.bytes > this.bounds.maxBytes) return // would evict everything else and still not fit
    this.entries.set(entry.key, entry)
    this.totalBytes += entry.bytes
    for (const tag of entry.tags) {
      let keys = this.byTag.get(tag)
      if (keys === undefined) {
        keys = new Set()
        this.byTag.set(tag, keys)
      }
      keys.add(entry.key)
    }
    this.evictOverBounds()
  }

  delete(key: string): number {
    const entry = this.entries.get(key)
    if (entry === undefined) return 0
    this.remove(entry)
    return 1
  }

  deleteTag(tag: string): number {
    const keys = this.byTag.get(tag)
    if (keys === undefined) return 0
    let removed = 0
    for (const key of Array.from(keys)) removed += this.delete(key)
    this.byTag.delete(tag)
    return removed
  }

  deletePattern(pattern: string): number {
    const matches = globMatcher(pattern)
    let removed = 0
    for (const key of Array.from(this.entries.keys())) if (matches(key)) removed += this.delete(key)
    return removed
  }

  clear(): number {
    const removed = this.entries.size
    this.entries.clear()
    this.byTag.clear()
    this.totalBytes = 0
    return removed
  }

  private remove(entry: MemoryEntry): void {
    this.entries.delete(entry.key)
    this.totalBytes -= entry.bytes
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag)
      if (keys === undefined) continue
      keys.delete(entry.key)
      if (keys.size === 0) this.byTag.delete(tag)
    }
  }

  private evictOverBounds(): void {
    while (this.entries.size > this.bounds.maxEntries || this.totalBytes > this.bounds.maxBytes) {
      const oldest = this.entries.values().next()
      if (oldest.done === true) return
      this.remove(oldest.value)
      this.evictions++
    }
  }
}
