/**
 * Rate-limiting administration through both doors: an identifier's state in every scope, resets
 * (one scope or all) recorded in the event store under a keyed hash of the identifier, and who may
 * call. The scopes' own behaviour is tested in tests/services/rate-limit.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { HubClient } from "../../src/rpc/client.js"
import { RateLimits } from "../../src/services/rate-limit/RateLimits.js"
import { TEST_ADMIN_KEY } from "../support/auth.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { call, callAs, errorOf, type Json, ok, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const remainingIn = (status: Json, scope: string): number => status.scopes.find((s: Json) => s.scope === scope).remaining

for (const backend of backends) {
  describe.skipIf(backend.skip)(`rate-limiting administration (${backend.name})`, () => {
    // The default scopes, whose rules the assertions name.
    layer(testHubLayer(backend.name, { env: { RATE_LIMIT_SCOPES: "{}" } }), { timeout: 60_000, excludeTestServices: true })((it) => {
      const identifier = () => `u-rl-${runToken()}`

      it.effect("status shows every scope's rule and state without spending; reset forgets one scope, then all, and is audited", () =>
        Effect.gen(function* () {
          const id = identifier()
          const limits = yield* RateLimits
          for (let i = 0; i < 3; i++) yield* limits.check("API_CV_GENERATION", id)
          yield* limits.check("API_GENERAL", id)

          const status = ok(yield* call(`/admin/rate-limiting/status/${id}`))
          expect(status.identifier).toBe(id)
          expect(status.enabled).toBe(true)
          expect(status.scopes.map((s: Json) => s.scope)).toEqual(["GLOBAL_DDOS", "API_GENERAL", "API_CV_GENERATION", "AUTH_LOGIN"])
          expect(status.scopes.find((s: Json) => s.scope === "API_CV_GENERATION")).toMatchObject({
            algorithm: "fixed_window", limit: 10, windowSeconds: 3600, per: "user", allowed: true, remaining: 7
          })
          expect(remainingIn(status, "API_GENERAL")).toBe(99)
          expect(remainingIn(ok(yield* call(`/admin/rate-limiting/status/${id}`)), "API_CV_GENERATION")).toBe(7) // reading spent nothing

          const one = ok(yield* call(`/admin/rate-limiting/reset/${id}?scope=API_CV_GENERATION`, { method: "POST" }))
          expect(one.reset).toEqual(["API_CV_GENERATION"])
          const afterOne = ok(yield* call(`/admin/rate-limiting/status/${id}`))
          expect(remainingIn(afterOne, "API_CV_GENERATION")).toBe(10)
          expect(remainingIn(afterOne, "API_GENERAL")).toBe(99)

          const all = ok(yield* call(`/admin/rate-limiting/reset/${id}`, { method: "POST" }))
          expect(all.reset).toHaveLength(4)
          expect(remainingIn(ok(yield* call(`/admin/rate-limiting/status/${id}`)), "API_GENERAL")).toBe(100)

          // Both resets are in the audit stream, which names the identifier only by its hash.
          expect(all.auditStream).toBe(one.auditStream)
          expect(all.auditStream).not.toContain(id)
          const audit = ok(yield* call(`/admin/events/streams/${all.auditStream}`))
          const events = (Array.isArray(audit) ? audit : audit.events) as Array<Json>
          expect(events.map((e) => e.type)).toEqual(["RateLimitReset", "RateLimitReset"])
          expect(events[0]!.data.scopes).toEqual(["API_CV_GENERATION"])
          expect(JSON.stringify(events)).not.toContain(id)
        }))

      it.effect("a bad scope or identifier is 400; only admin keys may call (401 without credentials, 403 for a service key)", () =>
        Effect.gen(function* () {
          const bad = yield* call(`/admin/rate-limiting/reset/x?scope=NOPE`, { method: "POST" })
          expect(bad.status).toBe(400)
          expect(errorOf(bad).tag).toBe("InvalidRequest")
          expect((yield* callAs(undefined, `/admin/rate-limiting/status/x`)).status).toBe(401)
          const created = yield* call("/admin/keys", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ name: `rl ${runToken()}`, env: "dev", scopes: ["service"] })
          })
          const serviceKey = (created.json as { key: string }).key
          expect((yield* callAs(serviceKey, `/admin/rate-limiting/status/x`)).status).toBe(403)
          expect((yield* callAs(serviceKey, `/admin/rate-limiting/reset/x`, { method: "POST" })).status).toBe(403)
        }))

      it.effect("the same operations over RPC", () =>
        Effect.gen(function* () {
          const id = identifier()
          const limits = yield* RateLimits
          yield* limits.check("API_GENERAL", id)
          const hub = yield* TestHub
          const status = yield* Effect.scoped(Effect.flatMap(Layer.build(HubClient.layer({ url: hub.url, credential: TEST_ADMIN_KEY })), (context) =>
            Effect.gen(function* () {
              const rpc = Context.get(context, HubClient)
              const before = yield* rpc.RateLimiting.Status({ identifier: id })
              const reset = yield* rpc.RateLimiting.Reset({ identifier: id, scope: "API_GENERAL" })
              const after = yield* rpc.RateLimiting.Status({ identifier: id })
              return { before, reset, after }
            })))
          expect(status.before.scopes.find((s) => s.scope === "API_GENERAL")!.remaining).toBe(99)
          expect(status.reset.reset).toEqual(["API_GENERAL"])
          expect(status.after.scopes.find((s) => s.scope === "API_GENERAL")!.remaining).toBe(100)
        }))
    })
  })
}
