/**
 * A reset reaches every instance: two `RateLimits` sharing one store (as two Hubs share Redis)
 * each remember a refused identifier in their block cache; a reset made on one lets the identifier
 * through on the other at once, not at the end of the refusal's retry time.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { makeRateLimiter } from "../../../src/services/rate-limit/live.js"
import { makeRateLimits, storeResetBus } from "../../../src/services/rate-limit/policy.js"
import { DEFAULT_SCOPES } from "../../../src/services/rate-limit/scopes.js"
import { backendsUnderTest, runToken } from "../../support/backends.js"
import { eventually } from "../../support/database.js"
import { makeTestRedis } from "../../support/redis.js"

const backends = await backendsUnderTest()

const policy = {
  enabled: true,
  failOpen: false,
  scopes: { ...DEFAULT_SCOPES, AUTH_LOGIN: { ...DEFAULT_SCOPES.AUTH_LOGIN, limit: 2 } }
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`rate-limit resets across instances (${backend.name})`, () => {
    it.live("a reset on one instance clears the other's block cache", () =>
      Effect.scoped(Effect.gen(function*() {
        const prefix = `luna_t_${runToken()}:`
        // Embedded: one memory store, as one process has; real: a connection each on one prefix.
        const first = yield* makeTestRedis(backend.name, { prefix })
        const second = backend.name === "embedded" ? first : yield* makeTestRedis(backend.name, { prefix })
        const a = yield* makeRateLimits(policy, makeRateLimiter(first.store), storeResetBus(first.store))
        const b = yield* makeRateLimits(policy, makeRateLimiter(second.store), storeResetBus(second.store))
        const ip = "198.51.100.9"

        yield* a.check("AUTH_LOGIN", ip)
        yield* a.check("AUTH_LOGIN", ip)
        for (const instance of [a, b]) {
          expect(yield* Effect.flip(instance.check("AUTH_LOGIN", ip))).toMatchObject({ _tag: "RateLimited" })
        }
        // Both now refuse from memory; let the subscriptions settle before announcing.
        yield* Effect.sleep("200 millis")
        yield* a.reset(ip, "AUTH_LOGIN")
        const passed = yield* eventually(Effect.either(b.check("AUTH_LOGIN", ip)), (result) => result._tag === "Right", "5 seconds")
        expect(passed._tag === "Right" && Option.isSome(passed.right.decision)).toBe(true)
      })))
  })
}
