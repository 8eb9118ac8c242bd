/**
 * The cache through the HTTP door (`/monitoring/cache`): health with its tiers per backend, the
 * stats counters, invalidating a user (entries seeded through the Hub's own `Cache`, so the counts
 * are exact), the metrics of energy reads going through it, bad input, who may call, and the
 * OpenAPI document.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import { Cache, userTag } from "../../src/services/cache/Cache.js"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { eventually } from "../support/database.js"
import { userIds } from "../support/energy.js"
import { call, callAs, errorOf, type HttpAnswer, type Json, ok, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const MiB = 1024 * 1024
/** Defaults of CACHE_L1_MAX_ENTRIES, CACHE_L1_MAX_MB and CACHE_L1_TTL_SECONDS. */
const DEFAULTS = { maxEntries: 10_000, maxBytes: 64 * MiB, l1TtlSeconds: 5 } as const

const PATHS = {
  health: "/monitoring/cache/health",
  stats: "/monitoring/cache/stats",
  invalidate: (userId: string) => `/monitoring/cache/invalidate/${userId}`
} as const

// `credential` undefined sends none (a default parameter would put the admin key back).
const get = (path: string, credential: string | undefined) => callAs(credential, path)
const invalidate = (userId: string, credential: string | undefined) => callAs(credential, PATHS.invalidate(userId), { method: "POST" })
const asAdmin = {
  get: (path: string) => get(path, TEST_ADMIN_KEY),
  invalidate: (userId: string) => invalidate(userId, TEST_ADMIN_KEY)
}

const expectError = (answer: HttpAnswer, status: number, tag: string, label: string) => {
  expect(answer.status, `${label}: ${answer.text}`).toBe(status)
  expect(errorOf(answer).tag, label).toBe(tag)
}

const createKey = (scopes: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const answer = yield* call("/admin/keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `cache ${runToken()}`, env: "dev", scopes })
    })
    expect(answer.status, answer.text).toBe(201)
    return (answer.json as { key: string }).key
  })

const Seeded = Schema.Struct({ n: Schema.Number })

/** An entry cached through the Hub's own service, tagged as everything about `userId` will be. */
const seed = (key: string, userId: string, n: number) =>
  Effect.flatMap(Cache, (cache) => cache.set(key, { n }, { kind: "transactions", schema: Seeded, tags: [userTag(userId)] }))

const cached = (key: string) => Effect.flatMap(Cache, (cache) => cache.get(key, Seeded))

const statsOf = Effect.map(asAdmin.get(PATHS.stats), ok)

const expectPercentiles = (p: Json) => {
  expect(Object.keys(p).sort()).toEqual(["p50", "p95", "p99", "samples"])
  expect(Number.isInteger(p.samples) && p.samples >= 0).toBe(true)
  for (const q of ["p50", "p95", "p99"]) expect(p[q] === null || typeof p[q] === "number", q).toBe(true)
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Cache over HTTP (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      const user = userIds()
      const cacheKey = (name: string) => `test:${runToken()}:${name}`

      it.effect(
        backend.name === "embedded"
          ? "GET /monitoring/cache/health: healthy, memory tier up within its bounds, Redis disabled (no REDIS_URL), no bus"
          : "GET /monitoring/cache/health: healthy, memory tier up within its bounds, Redis up with a latency, bus connected",
        () =>
          Effect.gen(function* () {
            const health = backend.name === "real"
              // The bus subscribes in the background: wait for it.
              ? yield* eventually(Effect.map(asAdmin.get(PATHS.health), ok), (h) => h.bus.connected === true, "10 seconds")
              : ok(yield* asAdmin.get(PATHS.health))
            expect(health.status).toBe("healthy")
            expect(health.tiers.l1).toMatchObject({ status: "up", maxEntries: DEFAULTS.maxEntries, maxBytes: DEFAULTS.maxBytes })
            expect(health.tiers.l1.entries).toBeGreaterThanOrEqual(0)
            expect(health.tiers.l1.bytes).toBeGreaterThanOrEqual(0)
            expect(health.pendingInvalidations).toBe(0)
            expect(typeof health.bus.instanceId).toBe("string")
            if (backend.name === "embedded") {
              expect(health.tiers.l2).toEqual({ status: "disabled", latencyMs: null })
              expect(health.bus.connected).toBe(false)
              expect(health.breaker).toBeNull()
              expect(health.staleBoundSeconds).toBe(0)
            } else {
              expect(health.tiers.l2.status).toBe("up")
              expect(typeof health.tiers.l2.latencyMs).toBe("number")
              expect(health.tiers.l2.latencyMs).toBeGreaterThanOrEqual(0)
              expect(health.breaker).toMatchObject({ state: "closed" })
              expect(health.staleBoundSeconds).toBe(DEFAULTS.l1TtlSeconds)
            }
            // What is seeded shows in the memory tier's figures.
            const before = health.tiers.l1.entries as number
            yield* seed(cacheKey("health"), user(), 1)
            const after = ok(yield* asAdmin.get(PATHS.health))
            expect(after.tiers.l1.entries).toBe(before + 1)
            expect(after.tiers.l1.bytes).toBeGreaterThan(0)
          }))

      it.effect("GET /monitoring/cache/stats answers every counter; a miss then a memory hit count by tier and kind", () =>
        Effect.gen(function* () {
          const before = yield* statsOf
          expect(Object.keys(before).sort()).toEqual([
            "byKind", "evictions", "hitRatePct", "hits", "invalidations", "l2Errors", "l2HitRatePct", "latencyMs",
            "loaderCalls", "loaderFailures", "misses", "staleServed"
          ])
          expect(Object.keys(before.byKind).sort()).toEqual(["leaderboard", "narrative", "transactions", "user_energy", "user_stats"])
          for (const counts of Object.values(before.byKind as Record<string, Json>)) {
            expect(Object.keys(counts).sort()).toEqual(["l1Hits", "l2Hits", "misses"])
          }
          for (const tier of ["l1", "l2", "loader"]) expectPercentiles(before.latencyMs[tier])

          const cache = yield* Cache
          const key = cacheKey("stats")
          let loads = 0
          const load = Effect.sync(() => ({ n: ++loads }))
          const options = { kind: "leaderboard", schema: Seeded, tags: [userTag(user())] } as const
          expect(yield* cache.getOrSet(key, load, options)).toEqual({ n: 1 })
          expect(yield* cache.getOrSet(key, load, options)).toEqual({ n: 1 })
          expect(loads).toBe(1)

          const after = yield* statsOf
          expect(after.misses - before.misses).toBe(1)
          expect(after.hits.l1 - before.hits.l1).toBe(1)
          expect(after.hits.l2 - before.hits.l2).toBe(0)
          expect(after.loaderCalls - before.loaderCalls).toBe(1)
          expect(after.loaderFailures - before.loaderFailures).toBe(0)
          expect(after.byKind.leaderboard.misses - before.byKind.leaderboard.misses).toBe(1)
          expect(after.byKind.leaderboard.l1Hits - before.byKind.leaderboard.l1Hits).toBe(1)
          expect(after.byKind.transactions).toEqual(before.byKind.transactions)
          expect(after.hitRatePct).toBeGreaterThan(0)
          expect(after.hitRatePct).toBeLessThanOrEqual(100)
          expect(after.latencyMs.loader.samples).toBeGreaterThan(0)
          expect(after.l2Errors).toBe(0)
          if (backend.name === "real") expect(after.latencyMs.l2.samples).toBeGreaterThan(0)
          else expect(after.l2HitRatePct).toBeNull()
        }))

      it.effect("POST /monitoring/cache/invalidate/{user_id} drops the user's entries (memory and Redis) and no one else's", () =>
        Effect.gen(function* () {
          const u = user()
          const other = user()
          const [mine1, mine2, theirs] = [cacheKey("mine-1"), cacheKey("mine-2"), cacheKey("theirs")]
          yield* seed(mine1, u, 1)
          yield* seed(mine2, u, 2)
          yield* seed(theirs, other, 3)
          const before = yield* statsOf

          expect(ok(yield* asAdmin.invalidate(u))).toEqual({ userId: u, tag: `user:${u}`, l1EntriesRemoved: 2, propagated: true })
          expect(yield* cached(mine1)).toEqual(Option.none())
          expect(yield* cached(mine2)).toEqual(Option.none())
          expect(yield* cached(theirs)).toEqual(Option.some({ n: 3 }))
          // Redis (real backend) no longer answers it either: the next lookup runs the loader.
          const cache = yield* Cache
          const reloaded = yield* cache.getOrSet(mine1, Effect.succeed({ n: 10 }), { kind: "transactions", schema: Seeded, tags: [userTag(u)] })
          expect(reloaded).toEqual({ n: 10 })

          // Idempotent: again, only what was cached since goes.
          expect(ok(yield* asAdmin.invalidate(u))).toEqual({ userId: u, tag: `user:${u}`, l1EntriesRemoved: 1, propagated: true })
          expect(ok(yield* asAdmin.invalidate(u))).toMatchObject({ l1EntriesRemoved: 0, propagated: true })
          const nobody = user("nobody")
          expect(ok(yield* asAdmin.invalidate(nobody))).toEqual({ userId: nobody, tag: `user:${nobody}`, l1EntriesRemoved: 0, propagated: true })
          expect((yield* statsOf).invalidations - before.invalidations).toBe(4)
          expect(ok(yield* asAdmin.get(PATHS.health)).pendingInvalidations).toBe(0)
        }))

      it.effect("a malformed user id answers 400 InvalidRequest naming user_id, and invalidates nothing", () =>
        Effect.gen(function* () {
          const before = yield* statsOf
          for (const bad of ["bad%20user", "-starts-with-dash", "a".repeat(65), "u%3Bx", "%C3%A9t%C3%A9"]) {
            const answer = yield* asAdmin.invalidate(bad)
            expectError(answer, 400, "InvalidRequest", bad)
            expect(errorOf(answer).field, bad).toBe("user_id")
          }
          expect((yield* statsOf).invalidations).toBe(before.invalidations)
        }))

      it.effect("service and admin keys are let through; a user token (even for its own user) and a narrower key get 403; no credential 401", () =>
        Effect.gen(function* () {
          const service = yield* createKey(["service"])
          const narrow = yield* createKey(["energy:read", "events:read"])
          const u = user()
          const token = yield* Effect.promise(() => userToken(u))
          const requests = [
            ["GET health", (credential: string | undefined) => get(PATHS.health, credential)],
            ["GET stats", (credential: string | undefined) => get(PATHS.stats, credential)],
            ["POST invalidate", (credential: string | undefined) => invalidate(u, credential)]
          ] as const
          for (const [label, send] of requests) {
            expect((yield* send(service)).status, `${label} with a service key`).toBe(200)
            expect((yield* send(TEST_ADMIN_KEY)).status, `${label} with the admin key`).toBe(200)
            expectError(yield* send(token), 403, "Forbidden", `${label} with the user's own token`)
            expectError(yield* send(narrow), 403, "Forbidden", `${label} with an energy:read + events:read key`)
            const none = yield* send(undefined)
            expectError(none, 401, "Unauthorized", `${label} without credentials`)
            expect(errorOf(none).reason).toBe("missing")
            expect(none.headers.get("www-authenticate"), label).toBe("Bearer realm=\"luna-hub\"")
          }
        }))

      it.effect("/metrics shows hits by tier and kind, misses and the hit rate after energy reads went through the cache", () =>
        Effect.gen(function* () {
          const u = user()
          expect((yield* call(`/energy/${u}/account`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(200)
          ok(yield* call(`/energy/${u}/transactions`)) // a miss
          ok(yield* call(`/energy/${u}/transactions`)) // a memory hit
          yield* statsOf // publishes the gauges now rather than at the next 5 s tick
          const text = (yield* call("/metrics")).text
          const value = (pattern: RegExp) => Number(text.match(pattern)?.[1] ?? Number.NaN)
          expect(value(/^phoenix_cache_hits_total\{(?=[^}]*kind="transactions")(?=[^}]*tier="l1")[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(1)
          expect(value(/^phoenix_cache_misses_total\{[^}]*kind="transactions"[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(1)
          const rate = value(/^phoenix_redis_hit_rate_pct(?:\{[^}]*\})? ([\d.]+)/m)
          expect(rate).toBeGreaterThan(0)
          expect(rate).toBeLessThanOrEqual(100)
          expect(value(/^phoenix_cache_l1_entries(?:\{[^}]*\})? (\d+)/m)).toBeGreaterThanOrEqual(1)
          if (backend.name === "real") expect(value(/^phoenix_redis_latency_ms(?:\{[^}]*\})? ([\d.]+)/m)).toBeGreaterThan(0)
        }))

      it.effect("/openapi.json lists the three endpoints under the Cache tag with their success bodies and errors", () =>
        Effect.gen(function* () {
          const spec = (yield* callAs(undefined, "/openapi.json")).json as Json
          const operations = {
            [PATHS.health]: ["get", "CacheHealth"],
            [PATHS.stats]: ["get", "CacheStats"],
            "/monitoring/cache/invalidate/{user_id}": ["post", "CacheInvalidated"]
          } as const
          for (const [path, [method, success]] of Object.entries(operations)) {
            const operation = spec.paths[path]?.[method] as Json | undefined
            expect(operation, path).toBeDefined()
            expect(operation!.tags, path).toEqual(["Cache"])
            expect(operation!.summary, path).toEqual(expect.any(String))
            expect(operation!.description, path).toContain("`service` or `admin`")
            expect(operation!.security, path).toEqual([{ bearer: [] }])
            const responses = operation!.responses as Json
            expect(JSON.stringify(responses["200"]), path).toContain(`#/components/schemas/${success}"`)
            expect(JSON.stringify(responses["400"]), path).toContain("#/components/schemas/InvalidRequestError\"")
            expect(JSON.stringify(responses["401"]), path).toContain("#/components/schemas/Unauthorized\"")
            expect(JSON.stringify(responses["403"]), path).toContain("#/components/schemas/Forbidden\"")
            expect(JSON.stringify(responses["503"]), path).toContain("#/components/schemas/ServiceUnavailable")
            expect(responses["500"], path).toBeDefined()
            expect(responses["413"], `${path} reads no body`).toBeUndefined()
          }
          const invalidateOp = spec.paths["/monitoring/cache/invalidate/{user_id}"].post as Json
          expect(invalidateOp.parameters).toEqual([
            expect.objectContaining({ name: "user_id", in: "path", required: true })
          ])
          const schemas = spec.components.schemas as Json
          expect(schemas.CacheInvalidated.required).toEqual(expect.arrayContaining(["userId", "tag", "l1EntriesRemoved", "propagated"]))
          expect(schemas.CacheHealth.properties.tiers).toBeDefined()
          expect(schemas.CacheStats.properties.byKind).toBeDefined()
        }))
    })
  })
}
