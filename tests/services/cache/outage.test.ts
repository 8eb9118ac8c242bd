/**
 * Redis goes away under a cache instance (a TCP proxy the test cuts) and comes back: requests keep
 * succeeding from memory, each transition is logged once, and what was invalidated meanwhile
 * reaches the other instances when Redis recovers.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schedule, Schema } from "effect"
import { userTag } from "../../../src/services/cache/Cache.js"
import { realServicesAvailable, runToken } from "../../support/backends.js"
import { captureLogs, makeTestCaches } from "../../support/cache.js"
import { redisProxy } from "../../support/redis.js"

const realAvailable = await realServicesAvailable()

const Item = Schema.Struct({ id: Schema.String, n: Schema.Number })
const options = { kind: "user_stats", schema: Item, tags: [userTag("u1")] } as const

const eventually = <A, E>(check: Effect.Effect<A, E>, within: Duration.DurationInput) =>
  Effect.retry(check, Schedule.spaced("20 millis").pipe(Schedule.upTo(within)))

const UNAVAILABLE = "Redis unavailable, using fallback cache"
const RECOVERED = "Redis recovered"

describe.skipIf(!realAvailable)("Cache when Redis goes away", () => {
  it.scopedLive("answers from memory while Redis is down, logs each transition once, replays invalidations on recovery", () =>
    Effect.gen(function*() {
      const logs = captureLogs()
      const prefix = `luna_t_${runToken()}:`
      const proxy = yield* redisProxy()
      const [cut] = yield* makeTestCaches("real", "memory + store", {
        prefix,
        logger: logs.logger,
        l2TimeoutMs: 200,
        tuning: { probeIntervalMs: 100, l1TtlMs: 300 },
        redis: { url: proxy.url, tuning: { reconnectMaxMs: 100, breaker: { cooldown: Duration.millis(300) } } }
      })
      const [other] = yield* makeTestCaches("real", "memory + store", { prefix, tuning: { l1TtlMs: 300 } })
      let version = 1
      let loads = 0
      const load = Effect.sync(() => {
        loads++
        return { id: "u1", n: version }
      })

      expect((yield* cut!.getOrSet("stats:u1", load, options)).n).toBe(1)
      expect((yield* other!.getOrSet("stats:u1", load, options)).n).toBe(1)
      expect(loads).toBe(1)

      yield* proxy.cut
      // Every request still answers: from memory, or from the loader when memory has nothing.
      for (let i = 0; i < 20; i++) {
        expect((yield* cut!.getOrSet(`fresh:${i}`, Effect.succeed({ id: `f${i}`, n: i }), options)).n).toBe(i)
      }
      expect(logs.lines.filter((line) => line === UNAVAILABLE)).toHaveLength(1)
      const down = yield* cut!.health
      expect(down.status).toBe("degraded")
      expect(down.tiers.l2.status).toBe("down")
      expect(down.bus.connected).toBe(false)

      // A write while Redis is away: this instance sees it at once, the others cannot yet.
      version = 2
      const outcome = yield* cut!.invalidateUser("u1")
      expect(outcome.propagated).toBe(false)
      expect((yield* cut!.getOrSet("stats:u1", load, options)).n).toBe(2)
      expect((yield* cut!.health).pendingInvalidations).toBe(1)

      yield* proxy.restore
      yield* eventually(Effect.filterOrFail(cut!.health, (h) => h.status === "healthy", () => "still degraded"), "5 seconds")
      expect(logs.lines.filter((line) => line === RECOVERED)).toHaveLength(1)
      expect(logs.lines.filter((line) => line === UNAVAILABLE)).toHaveLength(1)
      expect((yield* cut!.health).pendingInvalidations).toBe(0)
      // The replayed invalidation moved the tag's generation: the other instance no longer trusts its copy.
      yield* eventually(Effect.filterOrFail(other!.getOrSet("stats:u1", load, options), (v) => v.n === 2, () => "stale"), "2 seconds")
      yield* eventually(Effect.filterOrFail(cut!.health, (h) => h.bus.connected, () => "bus not back"), "5 seconds")
    }))

  it.scopedLive("a hung Redis costs a request at most the cache's hard timeout, and none once the cache has left it", () =>
    Effect.gen(function*() {
      const proxy = yield* redisProxy()
      const l2TimeoutMs = 150
      const [cache] = yield* makeTestCaches("real", "memory + store", {
        l2TimeoutMs,
        tuning: { probeIntervalMs: 100 },
        redis: { url: proxy.url, tuning: { reconnectMaxMs: 100 } }
      })
      yield* cache!.getOrSet("warm", Effect.succeed({ id: "w", n: 0 }), options)
      yield* proxy.freeze // bytes held back, sockets open: Redis answers nothing
      const timed = (key: string) =>
        Effect.gen(function*() {
          const started = Date.now()
          const value = yield* cache!.getOrSet(key, Effect.succeed({ id: key, n: 1 }), options)
          return { value, elapsedMs: Date.now() - started }
        })
      // Each call waits at most the timeout; three failures in a row switch to memory only.
      for (let i = 0; i < 3; i++) {
        const slow = yield* timed(`after-freeze-${i}`)
        expect(slow.value.n).toBe(1)
        expect(slow.elapsedMs).toBeLessThan(l2TimeoutMs + 250)
      }
      const next = yield* timed("while-frozen")
      expect(next.elapsedMs).toBeLessThan(50) // memory only now: Redis is not asked
      expect((yield* cache!.health).status).toBe("degraded")
      yield* proxy.restore
      yield* eventually(Effect.filterOrFail(cache!.health, (h) => h.status === "healthy", () => "still degraded"), "10 seconds")
    }))
})
