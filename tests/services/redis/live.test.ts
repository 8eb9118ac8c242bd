/**
 * What only the ioredis store does: start without Redis, fail fast while it is away, open the
 * breaker, time out on a hung server, log its connection transitions, and heal by itself —
 * through a TCP proxy between the store and Redis that the test cuts, freezes and restores.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Logger, Option, Schedule, Stream } from "effect"
import { HubConfig } from "../../../src/config.js"
import { ServiceUnavailable } from "../../../src/services/common/errors.js"
import { RedisStoreFromConfig } from "../../../src/services/redis/index.js"
import type { LiveTuning } from "../../../src/services/redis/live.js"
import { RedisStore } from "../../../src/services/redis/RedisStore.js"
import { realServicesAvailable } from "../../support/backends.js"
import { makeTestRedis, redisProxy } from "../../support/redis.js"

const realAvailable = await realServicesAvailable()

const TIMEOUT_MS = 300
const tuning: LiveTuning = { breaker: { cooldown: Duration.millis(300) }, reconnectMaxMs: 100 }

const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ message }) => {
    lines.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
  })
  return { lines, logger }
}

/** Runs `self` until it succeeds, for at most `within`. */
const eventually = <A, E, R>(self: Effect.Effect<A, E, R>, within: Duration.DurationInput = "5 seconds") =>
  Effect.retry(self, Schedule.spaced("50 millis").pipe(Schedule.upTo(within)))

/** The failure of `self`, and how long it took to arrive. */
const failureOf = <A, R>(self: Effect.Effect<A, ServiceUnavailable, R>) =>
  Effect.gen(function*() {
    const started = Date.now()
    const error = yield* Effect.flip(self)
    return { error, elapsedMs: Date.now() - started }
  })

describe.skipIf(!realAvailable)("RedisStoreLive against an unreliable network", () => {
  it.scopedLive("starts without Redis, fails fast, opens the breaker and heals by itself", () =>
    Effect.gen(function*() {
      const logs = captureLogs()
      const proxy = yield* redisProxy({ startCut: true })

      const started = Date.now()
      const { store } = yield* makeTestRedis("real", {
        url: proxy.url,
        env: { REDIS_TIMEOUT: String(TIMEOUT_MS / 1000) },
        tuning,
        logger: logs.logger
      })
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 500)
      expect(logs.lines.some((l) => l.startsWith("Redis not reachable at start"))).toBe(true)

      // Down: every call fails at once (no offline queue), and the fifth opens the breaker.
      for (let call = 0; call < 5; call++) {
        const { elapsedMs, error } = yield* failureOf(store.get("k"))
        expect(error).toBeInstanceOf(ServiceUnavailable)
        expect(error).toMatchObject({ dependency: "redis", reason: "not connected", retryAfterSeconds: 1 })
        expect(elapsedMs).toBeLessThan(100)
      }
      expect((yield* store.breaker).state).toBe("open")
      const refused = yield* failureOf(store.set("k", "v"))
      expect(refused.error).toMatchObject({ dependency: "redis", reason: "circuit open", retryAfterSeconds: 1 })
      expect(refused.elapsedMs).toBeLessThan(50)
      expect(refused.error.reason).not.toContain("127.0.0.1")

      // Back: ioredis reconnects by itself, the breaker probes and closes.
      yield* proxy.restore
      yield* eventually(store.set("k", "v"))
      // Half-open needs two successful probes: keep calling until it has closed.
      yield* eventually(store.ping.pipe(Effect.zipRight(Effect.filterOrFail(store.breaker, (b) => b.state === "closed"))))
      expect(yield* store.get("k")).toEqual(Option.some("v"))
      expect(logs.lines).toContain("Redis connected")

      // A subscription made now survives the next outage (ioredis resubscribes).
      const messages = yield* store.subscribeScoped("heartbeat")

      // Cut while connected: the loss is logged, calls fail fast.
      yield* proxy.cut
      yield* eventually(Effect.sync(() => logs.lines.includes("Redis connection lost")).pipe(Effect.filterOrFail((seen) => seen)))
      const whileCut = yield* failureOf(store.get("k"))
      expect(whileCut.error).toBeInstanceOf(ServiceUnavailable)
      expect(whileCut.elapsedMs).toBeLessThan(100)

      yield* proxy.restore
      yield* eventually(store.ping.pipe(Effect.zipRight(Effect.filterOrFail(store.breaker, (b) => b.state === "closed"))))
      const received = yield* eventually(
        store.publish("heartbeat", "beat").pipe(
          Effect.zipRight(Stream.runHead(messages).pipe(Effect.timeoutFail({ duration: "200 millis", onTimeout: () => "nothing yet" })))
        )
      )
      expect(received).toEqual(Option.some("beat"))
    }), 20_000)

  it.scopedLive("a hung server costs at most the timeout per call, and the hung socket is replaced", () =>
    Effect.gen(function*() {
      const logs = captureLogs()
      const proxy = yield* redisProxy()
      const { store } = yield* makeTestRedis("real", {
        url: proxy.url,
        env: { REDIS_TIMEOUT: String(TIMEOUT_MS / 1000) },
        tuning,
        logger: logs.logger
      })
      yield* eventually(store.set("hung", "before"))

      yield* proxy.freeze
      const { elapsedMs, error } = yield* failureOf(store.get("hung"))
      expect(error).toBeInstanceOf(ServiceUnavailable)
      expect(error.reason).toMatch(/timed out/)
      expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20)
      expect(elapsedMs).toBeLessThan(TIMEOUT_MS + 200)

      // The silent socket is given up on (socketTimeout) rather than kept forever.
      yield* eventually(Effect.sync(() => logs.lines.includes("Redis connection lost")).pipe(Effect.filterOrFail((seen) => seen)))
      yield* proxy.restore
      expect(yield* eventually(store.get("hung"))).toEqual(Option.some("before"))
    }), 20_000)
})

describe("RedisStoreFromConfig", () => {
  const storeFor = (env: Record<string, string>) =>
    Effect.map(RedisStore, (store) => store.backend).pipe(
      Effect.provide(RedisStoreFromConfig.pipe(Layer.provide(Layer.orDie(HubConfig.fromRecord(env))))),
      Effect.provide(Logger.remove(Logger.defaultLogger))
    )

  it.live("uses memory without REDIS_URL", () =>
    Effect.gen(function*() {
      expect(yield* storeFor({})).toBe("memory")
    }))

  it.scopedLive("uses Redis with REDIS_URL, and builds even when nothing answers there", () =>
    Effect.gen(function*() {
      const closed = yield* redisProxy({ startCut: true })
      const started = Date.now()
      expect(yield* storeFor({ REDIS_URL: closed.url, REDIS_TIMEOUT: "0.3" })).toBe("redis")
      expect(Date.now() - started).toBeLessThan(1_500)
    }))
})
