/**
 * One contract for the cache in each setup: memory only, and memory in front of a store (the
 * memory store embedded, real Redis in real runs). Time is `TestClock`'s; the loaders count calls.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Option, Schema, TestClock } from "effect"
import { userTag } from "../../../src/services/cache/Cache.js"
import { realServicesAvailable } from "../../support/backends.js"
import { type CacheSetup, makeTestCaches } from "../../support/cache.js"

const realAvailable = await realServicesAvailable()

const Item = Schema.Struct({ id: Schema.String, n: Schema.Number })
type Item = typeof Item.Type

class LoadFailed extends Schema.TaggedError<LoadFailed>()("LoadFailed", { key: Schema.String }) {}

/** A loader that counts its calls and answers `{ id: key, n: call number }`. */
const countingLoader = () => {
  const calls = new Map<string, number>()
  const load = (key: string) =>
    Effect.sync((): Item => {
      const n = (calls.get(key) ?? 0) + 1
      calls.set(key, n)
      return { id: key, n }
    })
  return { load, calls: (key: string) => calls.get(key) ?? 0, total: () => Array.from(calls.values()).reduce((a, b) => a + b, 0) }
}

const item = { kind: "transactions", schema: Item } as const

/** Waits in real time (a store's calls are real I/O) until `condition` holds, for at most 2 s. */
const untilTrue = (condition: () => boolean) =>
  Effect.promise(async () => {
    for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 1))) {
      if (Date.now() - started > 2_000) throw new Error("condition not met within 2 s")
    }
  })

const setups: ReadonlyArray<{ readonly backend: "embedded" | "real"; readonly setup: CacheSetup; readonly skip: boolean }> = [
  { backend: "embedded", setup: "memory only", skip: false },
  { backend: "embedded", setup: "memory + store", skip: false },
  { backend: "real", setup: "memory + store", skip: !realAvailable }
]

describe.each(setups)("Cache contract — $setup ($backend)", ({ backend, setup, skip }) => {
  const withStore = setup === "memory + store"
  const one = (tuning: Parameters<typeof makeTestCaches>[2] = {}) =>
    Effect.map(makeTestCaches(backend, setup, tuning), ([cache]) => cache!)

  it.scoped.skipIf(skip)("loads once, then answers from memory", () =>
    Effect.gen(function*() {
      const cache = yield* one()
      const loader = countingLoader()
      const first = yield* cache.getOrSet("k", loader.load("k"), item)
      const second = yield* cache.getOrSet("k", loader.load("k"), item)
      expect(first).toEqual({ id: "k", n: 1 })
      expect(second).toEqual(first)
      expect(loader.calls("k")).toBe(1)
      const stats = yield* cache.stats
      expect(stats.hits.l1).toBe(1)
      expect(stats.misses).toBe(1)
      expect(stats.byKind.transactions).toEqual({ l1Hits: 1, l2Hits: 0, misses: 1 })
    }))

  it.scoped.skipIf(skip)("expires after the kind's TTL; with a store, memory defers to it after its own short TTL", () =>
    Effect.gen(function*() {
      const cache = yield* one({ tuning: { l1TtlMs: 5_000 } })
      const loader = countingLoader()
      yield* cache.getOrSet("k", loader.load("k"), item)
      yield* TestClock.adjust("6 seconds")
      yield* cache.getOrSet("k", loader.load("k"), item)
      // Memory only: its TTL is the kind's (60 s). With a store: memory's copy lapsed, Redis answered.
      expect(loader.calls("k")).toBe(1)
      expect((yield* cache.stats).hits).toEqual(withStore ? { l1: 0, l2: 1 } : { l1: 1, l2: 0 })
      yield* TestClock.adjust("55 seconds")
      const reloaded = yield* cache.getOrSet("k", loader.load("k"), item)
      expect(reloaded.n).toBe(2)
    }))

  it.scoped.skipIf(skip)("keeps at most maxEntries in memory, evicting the least recently used", () =>
    Effect.gen(function*() {
      const cache = yield* one({ tuning: { maxEntries: 3 } })
      const loader = countingLoader()
      for (const key of ["a", "b", "c"]) yield* cache.getOrSet(key, loader.load(key), item)
      yield* cache.getOrSet("a", loader.load("a"), item) // a is now the most recent
      yield* cache.getOrSet("d", loader.load("d"), item) // evicts b
      const health = yield* cache.health
      expect(health.tiers.l1.entries).toBe(3)
      expect((yield* cache.stats).evictions).toBe(1)
      yield* cache.getOrSet("a", loader.load("a"), item)
      yield* cache.getOrSet("b", loader.load("b"), item)
      expect(loader.calls("a")).toBe(1)
      // b left memory: reloaded, unless Redis still had it.
      expect(loader.calls("b")).toBe(withStore ? 1 : 2)
    }))

  it.scoped.skipIf(skip)("keeps at most maxBytes in memory", () =>
    Effect.gen(function*() {
      const cache = yield* one({ tuning: { maxBytes: 100 } })
      const big = (key: string) => Effect.succeed({ id: key.padEnd(30, "x"), n: 1 }) // ~40 bytes encoded
      for (const key of ["a", "b", "c", "d"]) yield* cache.getOrSet(key, big(key), item)
      const health = yield* cache.health
      expect(health.tiers.l1.entries).toBe(2)
      expect(health.tiers.l1.bytes).toBeLessThanOrEqual(100)
    }))

  it.scoped.skipIf(skip)("invalidates by key, tag, user and pattern", () =>
    Effect.gen(function*() {
      const cache = yield* one()
      const loader = countingLoader()
      const fill = (key: string, tags: ReadonlyArray<string> = []) => cache.getOrSet(key, loader.load(key), { ...item, tags })
      const fillAll = Effect.all([
        fill("plain"),
        fill("tagged:1", ["t"]),
        fill("tagged:2", ["t"]),
        fill("user:1:tx", [userTag("u1")]),
        fill("user:2:tx", [userTag("u2")]),
        fill("a:1"),
        fill("a:2"),
        fill("b:1")
      ])
      yield* fillAll
      yield* cache.delete("plain")
      yield* cache.invalidateTag("t")
      const user = yield* cache.invalidateUser("u1")
      expect(user).toEqual({ userId: "u1", tag: "user:u1", l1EntriesRemoved: 1, propagated: true })
      const pattern = yield* cache.invalidatePattern("a:*")
      expect(pattern.l1EntriesRemoved).toBe(2)
      yield* fillAll
      const reloaded = ["plain", "tagged:1", "tagged:2", "user:1:tx", "a:1", "a:2"]
      for (const key of reloaded) expect(loader.calls(key), key).toBe(2)
      for (const key of ["user:2:tx", "b:1"]) expect(loader.calls(key), key).toBe(1)
    }))

  it.scoped.skipIf(skip)("serves a stale value when the loader fails within the grace period, and not after", () =>
    Effect.gen(function*() {
      const cache = yield* one({ tuning: { graceMs: 30_000 } })
      yield* cache.getOrSet("k", Effect.succeed({ id: "k", n: 1 }), item)
      const failing = Effect.fail(new LoadFailed({ key: "k" }))
      yield* TestClock.adjust("61 seconds") // past the TTL, within grace
      expect(yield* cache.getOrSet("k", failing, item)).toEqual({ id: "k", n: 1 })
      expect((yield* cache.stats).staleServed).toBe(1)
      yield* TestClock.adjust("30 seconds") // past grace
      const error = yield* Effect.flip(cache.getOrSet("k", failing, item))
      expect(error).toBeInstanceOf(LoadFailed)
    }))

  it.scoped.skipIf(skip)("does not cache a failure: the next call runs the loader again", () =>
    Effect.gen(function*() {
      const cache = yield* one()
      const error = yield* Effect.flip(cache.getOrSet("k", Effect.fail(new LoadFailed({ key: "k" })), item))
      expect(error._tag).toBe("LoadFailed")
      expect(yield* cache.getOrSet("k", Effect.succeed({ id: "k", n: 7 }), item)).toEqual({ id: "k", n: 7 })
      expect((yield* cache.stats).loaderFailures).toBe(1)
    }))

  it.scoped.skipIf(skip)("1000 concurrent misses of one key run the loader once", () =>
    Effect.gen(function*() {
      const cache = yield* one()
      const gate = yield* Deferred.make<void>()
      let calls = 0
      const loader = Effect.zipRight(Effect.sync(() => calls++), Effect.as(Deferred.await(gate), { id: "k", n: 1 }))
      const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 1000 }, () => cache.getOrSet("k", loader, item)), { concurrency: "unbounded" }))
      yield* Effect.yieldNow({ priority: 1 })
      yield* Deferred.succeed(gate, undefined)
      const results = yield* Fiber.join(fiber)
      expect(calls).toBe(1)
      expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1)
    }))

  it.scoped.skipIf(skip)("when the caller loading a key is interrupted, a caller waiting for it loads it instead", () =>
    Effect.gen(function*() {
      // A stampede lock the interrupted caller left behind would hold the waiter for a minute.
      const cache = yield* one({ tuning: { lockMs: 60_000 } })
      const gate = yield* Deferred.make<void>()
      let calls = 0
      const loader = Effect.suspend(() => {
        const n = ++calls
        return Effect.as(Deferred.await(gate), { id: "k", n })
      })
      const leader = yield* Effect.fork(cache.getOrSet("k", loader, item))
      yield* untilTrue(() => calls === 1) // past Redis (and holding its lock, with a store)
      const waiter = yield* Effect.fork(cache.getOrSet("k", loader, item))
      yield* Effect.yieldNow({ priority: 1 })
      yield* Fiber.interrupt(leader)
      yield* Deferred.succeed(gate, undefined)
      expect(yield* Fiber.join(waiter)).toEqual({ id: "k", n: 2 })
      expect(yield* cache.getOrSet("k", loader, item)).toEqual({ id: "k", n: 2 }) // and it was kept
    }))

  it.scoped.skipIf(skip)("a load that raced an invalidation does not keep what it read", () =>
    Effect.gen(function*() {
      const cache = yield* one()
      const gate = yield* Deferred.make<void>()
      const racing = yield* Effect.fork(cache.getOrSet("k", Effect.as(Deferred.await(gate), { id: "old", n: 1 }), { ...item, tags: ["t"] }))
      yield* Effect.yieldNow({ priority: 1 })
      yield* cache.invalidateTag("t") // the data changed while the load was reading it
      yield* Deferred.succeed(gate, undefined)
      expect((yield* Fiber.join(racing)).id).toBe("old") // the caller gets what was read…
      const next = yield* cache.getOrSet("k", Effect.succeed({ id: "new", n: 2 }), { ...item, tags: ["t"] })
      expect(next.id).toBe("new") // …but nobody after it
    }))

  it.scoped.skipIf(skip)("set and get, encoded with the value's schema", () =>
    Effect.gen(function*() {
      const cache = yield* one()
      expect(yield* cache.get("k", Item)).toEqual(Option.none())
      yield* cache.set("k", { id: "k", n: 3 }, item)
      expect(yield* cache.get("k", Item)).toEqual(Option.some({ id: "k", n: 3 }))
      const Dated = Schema.Struct({ at: Schema.DateFromString })
      yield* cache.set("d", { at: new Date("2026-01-02T03:04:05Z") }, { kind: "user_stats", schema: Dated })
      yield* TestClock.adjust("6 seconds") // memory's copy lapses with a store: decoded from Redis
      const read = yield* cache.get("d", Dated)
      expect(Option.map(read, (v) => v.at.toISOString())).toEqual(Option.some("2026-01-02T03:04:05.000Z"))
    }))

  it.scoped.skipIf(skip)("health names the tiers", () =>
    Effect.gen(function*() {
      const health = yield* (yield* one()).health
      expect(health.status).toBe("healthy")
      expect(health.tiers.l2.status).toBe(withStore ? "up" : "disabled")
      expect(health.bus.connected).toBe(withStore)
      expect(health.staleBoundSeconds).toBe(withStore ? 5 : 0)
    }))
})
