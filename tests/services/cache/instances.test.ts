/**
 * Three cache instances sharing one store, as three Hub processes share Redis: invalidations
 * reach every instance, a lost bus message is bounded by the memory TTL, and a stampede across
 * the instances runs the loader once. Real time (the bus and the lock are asynchronous).
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schedule, Schema } from "effect"
import { userTag } from "../../../src/services/cache/Cache.js"
import { realServicesAvailable } from "../../support/backends.js"
import { deafToBus, makeTestCaches } from "../../support/cache.js"

const realAvailable = await realServicesAvailable()

const Item = Schema.Struct({ id: Schema.String, n: Schema.Number })
const options = (userId: string) => ({ kind: "transactions", schema: Item, tags: [userTag(userId)] }) as const

/** The "database": what a loader reads, versioned so a stale answer shows. */
const source = () => {
  let version = 1
  let reads = 0
  return {
    load: Effect.sync(() => {
      reads++
      return { id: "u1", n: version }
    }),
    write: () => version++,
    version: () => version,
    reads: () => reads
  }
}

/** Runs `check` until it succeeds, for at most `within`. */
const eventually = <A, E>(check: Effect.Effect<A, E>, within: Duration.DurationInput) =>
  Effect.retry(check, Schedule.spaced("10 millis").pipe(Schedule.upTo(within)))

const backends = [
  { backend: "embedded" as const, skip: false },
  { backend: "real" as const, skip: !realAvailable }
]

describe.each(backends)("Three cache instances sharing a store ($backend)", ({ backend, skip }) => {
  it.scopedLive.skipIf(skip)("an invalidation on one instance reaches the memory of the others", () =>
    Effect.gen(function*() {
      const [a, b, c] = yield* makeTestCaches(backend, "memory + store", { count: 3, tuning: { l1TtlMs: 60_000 } })
      const db = source()
      for (const cache of [a!, b!, c!]) expect((yield* cache.getOrSet("tx:u1", db.load, options("u1"))).n).toBe(1)
      expect(db.reads()).toBe(1) // b and c took a's value from the store

      db.write()
      const outcome = yield* a!.invalidateUser("u1")
      expect(outcome.propagated).toBe(true)
      // a sees the write at once; b and c as soon as the bus message lands (well before their 60 s memory TTL).
      expect((yield* a!.getOrSet("tx:u1", db.load, options("u1"))).n).toBe(2)
      for (const cache of [b!, c!]) {
        yield* eventually(
          Effect.filterOrFail(cache.getOrSet("tx:u1", db.load, options("u1")), (v) => v.n === 2, () => "stale"),
          "2 seconds"
        )
      }
    }))

  it.scopedLive.skipIf(skip)("an instance that misses the bus serves an invalidated value no longer than the memory TTL", () =>
    Effect.gen(function*() {
      const l1TtlMs = 400
      const [writer, deaf] = yield* makeTestCaches(backend, "memory + store", {
        count: 2,
        tuning: { l1TtlMs },
        wrapStore: (i, store) => (i === 1 ? deafToBus(store) : store)
      })
      const db = source()
      yield* deaf!.getOrSet("tx:u1", db.load, options("u1"))
      const cachedAt = Date.now()
      db.write()
      yield* writer!.invalidateUser("u1")
      const invalidatedAt = Date.now()
      // Poll until the deaf instance serves the new value; it must do so within its memory TTL.
      let staleUntil = invalidatedAt
      yield* eventually(
        Effect.gen(function*() {
          const value = yield* deaf!.getOrSet("tx:u1", db.load, options("u1"))
          if (value.n !== 2) {
            staleUntil = Date.now()
            return yield* Effect.fail("stale")
          }
        }),
        "3 seconds"
      )
      expect(staleUntil - cachedAt).toBeLessThanOrEqual(l1TtlMs + 50)
    }))

  it.scopedLive.skipIf(skip)("a set on one instance replaces the others' memory copies", () =>
    Effect.gen(function*() {
      const [a, b] = yield* makeTestCaches(backend, "memory + store", { count: 2, tuning: { l1TtlMs: 60_000 } })
      const db = source()
      yield* b!.getOrSet("tx:u1", db.load, options("u1"))
      yield* a!.set("tx:u1", { id: "u1", n: 42 }, options("u1"))
      yield* eventually(
        Effect.filterOrFail(b!.getOrSet("tx:u1", db.load, options("u1")), (v) => v.n === 42, () => "stale"),
        "2 seconds"
      )
    }))

  it.scopedLive.skipIf(skip)("1000 concurrent misses across three instances run the loader once", () =>
    Effect.gen(function*() {
      const caches = yield* makeTestCaches(backend, "memory + store", { count: 3 })
      let calls = 0
      const slowLoad = Effect.zipRight(Effect.sync(() => calls++), Effect.as(Effect.sleep(Duration.millis(50)), { id: "hot", n: 1 }))
      const results = yield* Effect.all(
        Array.from({ length: 1000 }, (_, i) => caches[i % 3]!.getOrSet("hot", slowLoad, options("hot"))),
        { concurrency: "unbounded" }
      )
      expect(calls).toBe(1)
      expect(results.every((r) => r.n === 1)).toBe(true)
      const hits = yield* Effect.forEach(caches, (cache) => cache.stats)
      expect(hits.reduce((sum, s) => sum + s.loaderCalls, 0)).toBe(1)
    }))
})
