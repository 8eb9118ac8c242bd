/**
 * One contract for both `RedisStore` backends: every test below runs against the memory store
 * (time driven by `TestClock`) and against real Redis (real time, short TTLs), with the same
 * assertions. `elapse` is the only thing that differs.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Cause, Chunk, Clock, Effect, Exit, Fiber, Option, Stream, TestClock } from "effect"
import { RedisCommandError } from "../../../src/services/redis/errors.js"
import { RedisStore } from "../../../src/services/redis/RedisStore.js"
import { defineScript, LUA_NOW_MS, replyArray, replyInteger, replyString, type ScriptReply } from "../../../src/services/redis/script.js"
import { type BackendName, realServicesAvailable } from "../../support/backends.js"
import { makeTestRedis, redisLayer, RedisTestProbe } from "../../support/redis.js"

const realAvailable = await realServicesAvailable()

// ---------------------------------------------------------------------------------------------
// Sample scripts, each defined once: Lua for Redis, its twin for memory.

/** Atomic "increment up to a cap", the window starting at the first increment: [allowed 1/0, count]. */
const cappedIncrement = defineScript({
  name: "test_capped_increment",
  numberOfKeys: 1,
  lua: `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local cap = tonumber(ARGV[1])
if current >= cap then return {0, current} end
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, count}`,
  memory: (ctx, keys, args) => {
    const key = keys[0]!
    const current = Number(ctx.get(key) ?? "0")
    if (current >= Number(args[0])) return [0, current]
    const count = ctx.incrBy(key, 1)
    if (count === 1) ctx.pexpire(key, Number(args[1]))
    return [1, count]
  },
  decode: (reply) => {
    const [allowed, count] = replyArray(reply)
    return { allowed: replyInteger(allowed) === 1, count: replyInteger(count) }
  }
})

/** Hash writes and the server clock: [now, fields added, by, pttl]. */
const stamp = defineScript({
  name: "test_stamp",
  numberOfKeys: 1,
  lua: LUA_NOW_MS + `
local added = redis.call('HSET', KEYS[1], 'seen', now_ms, 'by', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {now_ms, added, redis.call('HGET', KEYS[1], 'by'), redis.call('PTTL', KEYS[1])}`,
  memory: (ctx, keys, args) => {
    const key = keys[0]!
    const added = ctx.hset(key, { seen: String(ctx.nowMs), by: args[0]! })
    ctx.pexpire(key, Number(args[1]))
    return [ctx.nowMs, added, ctx.hget(key, "by"), ctx.pttl(key)]
  },
  decode: (reply) => {
    const [now, added, by, pttl] = replyArray(reply)
    return { now: replyInteger(now), added: replyInteger(added), by: replyString(by), pttl: replyInteger(pttl) }
  }
})

/** What Redis does to Lua values: floats truncated, an array cut at its first nil. */
const shapes = defineScript({
  name: "test_shapes",
  numberOfKeys: 0,
  lua: "return {1.7, 'a', {2, 3}, -2.5, nil, 9}",
  memory: () => [1.7, "a", [2, 3], -2.5, null, 9],
  decode: (reply): ScriptReply => reply
})

// ---------------------------------------------------------------------------------------------

interface Backend {
  readonly name: BackendName
  /** Lets `ms` of store time pass. */
  readonly elapse: (ms: number) => Effect.Effect<void>
  readonly excludeTestServices: boolean
}

/** Short enough to wait out in real time, long enough that a loaded machine finishes the checks before it ends. */
const SHORT_TTL_MS = 250

const backends: ReadonlyArray<Backend> = [
  { name: "embedded", elapse: (ms) => TestClock.adjust(ms), excludeTestServices: false },
  { name: "real", elapse: (ms) => Effect.sleep(ms), excludeTestServices: true }
]

const defectOf = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.exit(self), (exit) => (Exit.isFailure(exit) ? Option.getOrUndefined(Cause.dieOption(exit.cause)) : undefined))

const collectSorted = <E, R>(stream: Stream.Stream<string, E, R>) =>
  Effect.map(Stream.runCollect(stream), (keys) => [...new Set(Chunk.toArray(keys))].sort())

for (const backend of backends) {
  describe.skipIf(backend.name === "real" && !realAvailable)(`RedisStore contract (${backend.name})`, () => {
    layer(redisLayer(backend.name), { excludeTestServices: backend.excludeTestServices, timeout: "10 seconds" })((it) => {
      it.effect("get / set / del", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          expect(yield* store.get("basic:a")).toEqual(Option.none())
          expect(yield* store.set("basic:a", "1")).toBe(true)
          expect(yield* store.set("basic:b", "2")).toBe(true)
          expect(yield* store.get("basic:a")).toEqual(Option.some("1"))
          expect(yield* store.set("basic:a", "one")).toBe(true)
          expect(yield* store.get("basic:a")).toEqual(Option.some("one"))
          expect(yield* store.del(["basic:a", "basic:b", "basic:missing"])).toBe(2)
          expect(yield* store.del([])).toBe(0)
          expect(yield* store.get("basic:a")).toEqual(Option.none())
        }))

      it.effect("set NX only writes an absent key", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          expect(yield* store.set("nx:a", "first", { onlyIfAbsent: true })).toBe(true)
          expect(yield* store.set("nx:a", "second", { onlyIfAbsent: true })).toBe(false)
          expect(yield* store.get("nx:a")).toEqual(Option.some("first"))
          yield* store.del(["nx:a"])
          expect(yield* store.set("nx:a", "third", { onlyIfAbsent: true, ttlMs: 60_000 })).toBe(true)
          expect(yield* store.get("nx:a")).toEqual(Option.some("third"))
        }))

      it.effect("pttl: None when missing, -1 without expiry; SET clears the TTL", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          expect(yield* store.pttl("ttl:none")).toEqual(Option.none())
          yield* store.set("ttl:plain", "x")
          expect(yield* store.pttl("ttl:plain")).toEqual(Option.some(-1))
          yield* store.set("ttl:timed", "x", { ttlMs: 60_000 })
          const ttl = Option.getOrThrow(yield* store.pttl("ttl:timed"))
          expect(ttl).toBeGreaterThan(55_000)
          expect(ttl).toBeLessThanOrEqual(60_000)
          yield* store.set("ttl:timed", "y")
          expect(yield* store.pttl("ttl:timed")).toEqual(Option.some(-1))
        }))

      it.effect("keys expire after their TTL", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          yield* store.set("expiry:a", "x", { ttlMs: SHORT_TTL_MS })
          yield* store.set("expiry:keep", "x")
          const ttl = Option.getOrThrow(yield* store.pttl("expiry:a"))
          expect(ttl).toBeGreaterThan(0)
          expect(ttl).toBeLessThanOrEqual(SHORT_TTL_MS)
          yield* backend.elapse(SHORT_TTL_MS + 50)
          expect(yield* store.get("expiry:a")).toEqual(Option.none())
          expect(yield* store.pttl("expiry:a")).toEqual(Option.none())
          expect(yield* collectSorted(store.scan("expiry:*"))).toEqual(["expiry:keep"])
          expect(yield* store.set("expiry:a", "again", { onlyIfAbsent: true })).toBe(true)
        }))

      it.effect("incrBy counts from 0, keeps the TTL, and dies on a non-integer like Redis", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          expect(yield* store.incrBy("incr:a", 5)).toBe(5)
          expect(yield* store.incrBy("incr:a", -7)).toBe(-2)
          expect(yield* store.get("incr:a")).toEqual(Option.some("-2"))
          yield* store.set("incr:ttl", "10", { ttlMs: 60_000 })
          expect(yield* store.incrBy("incr:ttl", 1)).toBe(11)
          expect(Option.getOrThrow(yield* store.pttl("incr:ttl"))).toBeGreaterThan(0)

          yield* store.set("incr:text", "abc")
          for (const bad of [store.incrBy("incr:text", 1), store.incrBy("incr:a", 1.5)]) {
            const defect = yield* defectOf(bad)
            expect(defect).toBeInstanceOf(RedisCommandError)
            expect((defect as RedisCommandError).message).toBe("ERR value is not an integer or out of range")
          }
          yield* store.set("incr:max", "9223372036854775807")
          const overflow = yield* defectOf(store.incrBy("incr:max", 1))
          expect((overflow as RedisCommandError).message).toBe("ERR increment or decrement would overflow")
          expect(yield* store.get("incr:text")).toEqual(Option.some("abc"))
        }))

      it.effect("scan matches Redis globs and strips the prefix", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          const keys = ["user:1", "user:2", "user:10", "user:a", "session:x", "x*y", "xay", "[lit]"]
          yield* Effect.forEach(keys, (key) => store.set(`scan:${key}`, "v"), { discard: true })
          const scan = (pattern: string) => collectSorted(store.scan(`scan:${pattern}`))
          const bare = (...names: Array<string>) => names.map((n) => `scan:${n}`).sort()
          expect(yield* scan("*")).toEqual(bare(...keys))
          expect(yield* scan("user:*")).toEqual(bare("user:1", "user:2", "user:10", "user:a"))
          expect(yield* scan("user:?")).toEqual(bare("user:1", "user:2", "user:a"))
          expect(yield* scan("user:[12]")).toEqual(bare("user:1", "user:2"))
          expect(yield* scan("user:[^1]")).toEqual(bare("user:2", "user:a"))
          expect(yield* scan("user:[0-9]*")).toEqual(bare("user:1", "user:2", "user:10"))
          expect(yield* scan("x\\*y")).toEqual(bare("x*y"))
          expect(yield* scan("x?y")).toEqual(bare("x*y", "xay"))
          expect(yield* scan("\\[lit\\]")).toEqual(bare("[lit]"))
          expect(yield* scan("nothing*")).toEqual([])
        }))

      it.effect("scan pages through many keys", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          yield* Effect.forEach(Array.from({ length: 600 }, (_, i) => `bulk:${i}`), (key) => store.set(key, "v"), {
            concurrency: 50,
            discard: true
          })
          const found = yield* collectSorted(store.scan("bulk:*"))
          expect(found.length).toBe(600)
          expect(found.every((key) => key.startsWith("bulk:"))).toBe(true)
        }))

      it.effect("a script pair answers the same in both backends", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          const run = () => store.runScript(cappedIncrement, ["script:cap"], ["3", String(SHORT_TTL_MS)])
          expect(yield* run()).toEqual({ allowed: true, count: 1 })
          expect(yield* run()).toEqual({ allowed: true, count: 2 })
          expect(yield* run()).toEqual({ allowed: true, count: 3 })
          expect(yield* run()).toEqual({ allowed: false, count: 3 })
          const ttl = Option.getOrThrow(yield* store.pttl("script:cap"))
          expect(ttl).toBeGreaterThan(0)
          expect(ttl).toBeLessThanOrEqual(SHORT_TTL_MS)
          yield* backend.elapse(SHORT_TTL_MS + 50)
          expect(yield* run()).toEqual({ allowed: true, count: 1 })
          expect(yield* store.runScript(shapes, [], [])).toEqual([1, "a", [2, 3], -2])
        }))

      it.effect("scripts read the backend's clock and use hashes", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          const first = yield* store.runScript(stamp, ["script:stamp"], ["alice", "60000"])
          const now = yield* Clock.currentTimeMillis
          expect(Math.abs(first.now - now)).toBeLessThan(1_000)
          expect(first).toMatchObject({ added: 2, by: "alice" })
          expect(first.pttl).toBeGreaterThan(55_000)
          const second = yield* store.runScript(stamp, ["script:stamp"], ["bob", "60000"])
          expect(second).toMatchObject({ added: 0, by: "bob" })
          // The key now holds a hash: string commands on it fail as WRONGTYPE in both backends.
          const defect = yield* defectOf(store.get("script:stamp"))
          expect(defect).toBeInstanceOf(RedisCommandError)
          expect((defect as RedisCommandError).message).toMatch(/^WRONGTYPE/)
          // …but MGET never fails on a type: it answers null for it, as for a missing key.
          yield* store.set("script:string", "s")
          expect(yield* store.mget(["script:string", "script:stamp", "script:missing"])).toEqual(["s", null, null])
          expect(yield* store.mget([])).toEqual([])
        }))

      it.effect("a failing script or a wrong key count is a defect", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          yield* store.set("script:text", "abc")
          expect(yield* defectOf(store.runScript(cappedIncrement, ["script:text"], ["3", "100"]))).toBeDefined()
          expect(yield* defectOf(store.runScript(cappedIncrement, [], ["3", "100"]))).toBeDefined()
          expect(yield* store.get("script:text")).toEqual(Option.some("abc"))
        }))

      it.effect("100 concurrent script calls never exceed the cap", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          const results = yield* Effect.all(
            Array.from({ length: 100 }, () => store.runScript(cappedIncrement, ["script:race"], ["10", "60000"])),
            { concurrency: "unbounded" }
          )
          expect(results.filter((r) => r.allowed).length).toBe(10)
          expect(Math.max(...results.map((r) => r.count))).toBe(10)
          expect(yield* store.get("script:race")).toEqual(Option.some("10"))
        }))

      it.scoped("subscribe, then publish: the message arrives", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          const messages = yield* store.subscribeScoped("news")
          yield* store.publish("news", "hello")
          yield* store.publish("news", "world")
          expect(Chunk.toArray(yield* Stream.runCollect(Stream.take(messages, 2)))).toEqual(["hello", "world"])
        }), 10_000)

      it.scoped("two subscribers both receive; one server subscription, released with the last", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          const probe = yield* RedisTestProbe
          yield* store.publish("fan", "nobody listens")
          yield* Effect.scoped(Effect.gen(function*() {
            const first = yield* store.subscribeScoped("fan")
            const second = yield* store.subscribeScoped("fan")
            expect(yield* probe.serverSubscriptions("fan")).toBe(1)
            yield* store.publish("fan", "a")
            yield* store.publish("fan", "b")
            const [one, two] = yield* Effect.all([Stream.runCollect(Stream.take(first, 2)), Stream.runCollect(Stream.take(second, 2))], {
              concurrency: 2
            })
            expect(Chunk.toArray(one)).toEqual(["a", "b"])
            expect(Chunk.toArray(two)).toEqual(["a", "b"])
          }))
          expect(yield* probe.serverSubscriptions("fan")).toBe(0)
        }), 10_000)

      it.effect("a subscribe stream unsubscribes when it ends", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          const probe = yield* RedisTestProbe
          const reader = yield* Effect.fork(Stream.runCollect(Stream.take(store.subscribe("ticks"), 1)))
          // `subscribe` gives no signal of when it is active: publish until the reader has one.
          let received = Option.none<Chunk.Chunk<string>>()
          for (let attempt = 0; attempt < 200 && Option.isNone(received); attempt++) {
            yield* store.publish("ticks", "tick")
            yield* backend.elapse(10)
            const done = yield* Fiber.poll(reader)
            if (Option.isSome(done)) received = Option.some(yield* done.value)
          }
          expect(Option.map(received, Chunk.toArray)).toEqual(Option.some(["tick"]))
          expect(yield* probe.serverSubscriptions("ticks")).toBe(0)
        }), 10_000)

      it.scoped("stores with different prefixes share no keys and no channels", () =>
        Effect.gen(function*() {
          const a = yield* RedisStore
          const { store: b } = yield* makeTestRedis(backend.name)
          yield* a.set("iso:key", "from-a")
          yield* b.set("iso:key", "from-b")
          yield* b.set("iso:only-b", "b")
          expect(yield* a.get("iso:key")).toEqual(Option.some("from-a"))
          expect(yield* b.get("iso:key")).toEqual(Option.some("from-b"))
          expect(yield* collectSorted(a.scan("iso:*"))).toEqual(["iso:key"])
          expect(yield* collectSorted(b.scan("iso:*"))).toEqual(["iso:key", "iso:only-b"])
          expect(yield* b.del(["iso:key"])).toBe(1)
          expect(yield* a.get("iso:key")).toEqual(Option.some("from-a"))

          const messages = yield* a.subscribeScoped("iso:chan")
          yield* b.publish("iso:chan", "from-b")
          yield* a.publish("iso:chan", "from-a")
          expect(Chunk.toArray(yield* Stream.runCollect(Stream.take(messages, 1)))).toEqual(["from-a"])
        }), 10_000)

      it.effect("ping answers and the breaker is closed", () =>
        Effect.gen(function*() {
          const store = yield* RedisStore
          expect((yield* store.ping).latencyMs).toBeGreaterThanOrEqual(0)
          const breaker = yield* store.breaker
          expect(breaker).toMatchObject({ name: "redis", state: "closed", consecutiveFailures: 0 })
          expect(store.backend).toBe(backend.name === "real" ? "redis" : "memory")
        }))
    })
  })
}
