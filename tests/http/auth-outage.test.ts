/**
 * Security decisions fail secure: while the key store cannot be read, a key that must be looked up
 * is answered 503 (never let through, never 401). A non-critical check that fails (recording a
 * key's last use) lets the request through, with a warning line and a metric.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { backendsUnderTest } from "../support/backends.js"
import { adjustableClock } from "../support/clock.js"
import { eventually } from "../support/database.js"
import { call, callAs, errorOf, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const createKey = (scopes: ReadonlyArray<string>) =>
  Effect.map(
    call("/admin/keys", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "outage", env: "dev", scopes }) }),
    (answer) => (answer.json as { key: string }).key
  )

for (const backend of backends) {
  describe.skipIf(backend.skip)(`authentication while the database is cut (${backend.name})`, () => {
    const time = adjustableClock()
    // Keys stay trusted from memory for 5 minutes here, so a cached key outlives the last-use throttle (1 minute).
    const options = { databaseProxy: true, clock: time.clock, env: { API_KEY_CACHE_SECONDS: "300" } }
    layer(testHubLayer(backend.name, options), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      it.effect("an uncached key answers 503 with Retry-After, a cached one keeps working and its failed last-use write is logged", () =>
        Effect.gen(function* () {
          const hub = yield* TestHub
          const proxy = Option.getOrThrow(hub.databaseProxy)
          const cached = yield* createKey(["admin"])
          const uncached = yield* createKey(["admin"])
          expect((yield* callAs(cached, "/keys/self")).status).toBe(200) // cached, last use written
          yield* time.advance("61 seconds") // the next use writes its last use again

          yield* proxy.cut
          const refused = yield* callAs(uncached, "/admin/keys/status")
          expect(refused.status).toBe(503)
          expect(errorOf(refused)).toMatchObject({ tag: "ServiceUnavailable", dependency: "database" })
          expect(refused.headers.get("retry-after")).not.toBeNull()

          // The cached key is let through from memory (the handler then needs the database: 503 too);
          // its last use cannot be recorded, which fails open, visibly.
          const served = yield* callAs(cached, "/admin/keys/status")
          expect(served.status).toBe(503)
          yield* eventually(Effect.sync(() => hub.logs.filter((line) => line.includes("Security check failed open"))), (lines) => lines.length > 0, "15 seconds")
          const line = JSON.parse(hub.logs.find((l) => l.includes("Security check failed open"))!) as Record<string, unknown>
          expect(line).toMatchObject({ level: "WARNING", logger: "keys", check: "key_last_used", reason: expect.stringContaining("database is unavailable") })
          expect(JSON.stringify(line)).not.toContain(cached)
          yield* proxy.restore

          const metrics = yield* eventually(call("/metrics"), (answer) => answer.text.includes("phoenix_security_fail_open"), "15 seconds")
          expect(metrics.text).toMatch(/phoenix_security_fail_open[^\n]*check="key_last_used"[^\n]* [1-9]/)
          expect((yield* eventually(callAs(uncached, "/keys/self"), (a) => a.status === 200, "20 seconds")).status).toBe(200)
        }), 60_000)
    })
  })
}
