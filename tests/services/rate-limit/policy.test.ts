/**
 * The scopes as the doors apply them (`RateLimits`): refusal as `RateLimited`, the block cache that
 * answers a refused identifier without the store, the gate that spends nothing, the failure policy
 * (open or closed) when the store cannot answer, the switch that turns limiting off, status and
 * reset. Over the memory store, with `TestClock`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, Metric, Option, TestClock } from "effect"
import { loadSettings } from "../../../src/config.js"
import { ServiceUnavailable } from "../../../src/services/common/errors.js"
import { counterTotal } from "../../../src/services/monitoring/metric-reader.js"
import { makeMemoryRedisStore, type RedisStoreService } from "../../../src/services/redis/memory.js"
import { makeRateLimiter } from "../../../src/services/rate-limit/live.js"
import { makeRateLimits, type RateLimitPolicy } from "../../../src/services/rate-limit/policy.js"
import { RateLimited } from "../../../src/services/rate-limit/schema.js"
import { DEFAULT_SCOPES, parseScopes } from "../../../src/services/rate-limit/scopes.js"

/** A memory store that counts script calls and can be made to fail like an unreachable Redis. */
const flakyStore = Effect.gen(function*() {
  const memory = yield* makeMemoryRedisStore({ keyPrefix: "t:" })
  const state = { calls: 0, down: false }
  const store: RedisStoreService = {
    ...memory.service,
    runScript: (script, keys, args) =>
      Effect.suspend(() => {
        state.calls++
        return state.down
          ? Effect.fail(new ServiceUnavailable({ dependency: "redis", reason: "not connected", retryAfterSeconds: 1 }))
          : memory.service.runScript(script, keys, args)
      })
  }
  return { store, state }
})

const captureLogs = () => {
  const lines: Array<string> = []
  return { lines, logger: Logger.make(({ message }) => void lines.push((Array.isArray(message) ? message : [message]).map(String).join(" "))) }
}

const policy = (overrides: Partial<RateLimitPolicy> = {}): RateLimitPolicy => ({ enabled: true, failOpen: true, scopes: DEFAULT_SCOPES, ...overrides })

const setup = (overrides: Partial<RateLimitPolicy> = {}, logger?: Logger.Logger<unknown, void>) =>
  Effect.gen(function*() {
    const { state, store } = yield* flakyStore
    const build = makeRateLimits(policy(overrides), makeRateLimiter(store))
    const limits = yield* (logger === undefined ? build : Effect.provide(build, Logger.replace(Logger.defaultLogger, logger)))
    return { limits, state }
  })

describe("RateLimits", () => {
  it.scoped("refuses past the scope's limit with RateLimited naming the scope and the wait; the block cache answers again without the store", () =>
    Effect.gen(function*() {
      // A one-minute window (the scope's hour would make TestClock step the store's sweeper 3,600 times).
      const { limits, state } = yield* setup({
        scopes: { ...DEFAULT_SCOPES, API_CV_GENERATION: { ...DEFAULT_SCOPES.API_CV_GENERATION, windowMs: 60_000 } }
      })
      for (let i = 0; i < 10; i++) {
        const passed = yield* limits.check("API_CV_GENERATION", "u-1")
        expect(Option.getOrThrow(passed.decision).remaining).toBe(9 - i)
      }
      const refused = yield* Effect.flip(limits.check("API_CV_GENERATION", "u-1"))
      expect(refused).toBeInstanceOf(RateLimited)
      expect(refused).toMatchObject({ scope: "api_cv_generation" })
      expect((refused as RateLimited).retryAfterSeconds).toBeGreaterThan(0)
      const callsAfterRefusal = state.calls
      const refusalsBefore = counterTotal(Metric.unsafeSnapshot(), "phoenix_rate_limiter_refusals", { scope: "API_CV_GENERATION" })
      const checksBefore = counterTotal(Metric.unsafeSnapshot(), "phoenix_rate_limiter_checks", { scope: "API_CV_GENERATION" })
      for (let i = 0; i < 3; i++) expect(yield* Effect.flip(limits.check("API_CV_GENERATION", "u-1"))).toBeInstanceOf(RateLimited)
      expect(state.calls).toBe(callsAfterRefusal) // answered from memory
      // ... and still counted, as checks and refusals (the figures and alerts would miss a flood otherwise).
      expect(counterTotal(Metric.unsafeSnapshot(), "phoenix_rate_limiter_refusals", { scope: "API_CV_GENERATION" })).toBe(refusalsBefore + 3)
      expect(counterTotal(Metric.unsafeSnapshot(), "phoenix_rate_limiter_checks", { scope: "API_CV_GENERATION" })).toBe(checksBefore + 3)
      expect((yield* limits.check("API_CV_GENERATION", "u-2")).decision).not.toEqual(Option.none()) // others unaffected
      // Once the window has passed, the store is asked again and the user may generate again.
      yield* TestClock.adjust("1 minute")
      yield* limits.check("API_CV_GENERATION", "u-1")
      expect(state.calls).toBe(callsAfterRefusal + 2)
    }))

  it.scoped("the gate refuses once nothing is left and never spends", () =>
    Effect.gen(function*() {
      const { limits } = yield* setup()
      for (let i = 0; i < 20; i++) yield* limits.guard("AUTH_LOGIN", "203.0.113.7") // spends nothing
      for (let i = 0; i < 5; i++) yield* limits.check("AUTH_LOGIN", "203.0.113.7") // five failed logins
      const gated = yield* Effect.flip(limits.guard("AUTH_LOGIN", "203.0.113.7"))
      expect(gated).toMatchObject({ _tag: "RateLimited", scope: "auth_login" })
    }))

  it.scoped("store unreachable, failing open: the check passes with no decision, one log line per scope per 10 s", () =>
    Effect.gen(function*() {
      const logs = captureLogs()
      const { limits, state } = yield* setup({ failOpen: true }, logs.logger)
      state.down = true
      for (let i = 0; i < 3; i++) expect((yield* limits.check("API_GENERAL", "key-1")).decision).toEqual(Option.none())
      yield* Effect.yieldNow()
      expect(logs.lines.filter((line) => line.startsWith("Rate limit store unavailable"))).toHaveLength(1)
      yield* TestClock.adjust("11 seconds")
      yield* limits.check("API_GENERAL", "key-1")
      yield* Effect.yieldNow()
      expect(logs.lines.filter((line) => line.startsWith("Rate limit store unavailable"))).toHaveLength(2)
    }))

  it.scoped("store unreachable, failing closed: ServiceUnavailable", () =>
    Effect.gen(function*() {
      const { limits, state } = yield* setup({ failOpen: false })
      state.down = true
      expect(yield* Effect.flip(limits.check("API_GENERAL", "key-1"))).toBeInstanceOf(ServiceUnavailable)
    }))

  it.scoped("disabled: every check passes and the store is never asked", () =>
    Effect.gen(function*() {
      const { limits, state } = yield* setup({ enabled: false })
      for (let i = 0; i < 50; i++) yield* limits.check("API_CV_GENERATION", "u-1")
      expect(state.calls).toBe(0)
      expect(limits.enabled).toBe(false)
    }))

  it.scoped("status shows every scope without spending; reset forgets one scope or all, and the block cache with them", () =>
    Effect.gen(function*() {
      const { limits } = yield* setup()
      for (let i = 0; i < 10; i++) yield* limits.check("API_CV_GENERATION", "u-1")
      yield* limits.check("API_GENERAL", "u-1")
      yield* Effect.flip(limits.check("API_CV_GENERATION", "u-1")) // blocked now, in memory too
      const status = yield* limits.status("u-1")
      expect(status.map((s) => s.scope)).toEqual(["GLOBAL_DDOS", "API_GENERAL", "API_CV_GENERATION", "AUTH_LOGIN"])
      expect(status.find((s) => s.scope === "API_CV_GENERATION")!.decision.remaining).toBe(0)
      expect(status.find((s) => s.scope === "API_GENERAL")!.decision.remaining).toBe(99)
      expect(yield* limits.reset("u-1", "API_CV_GENERATION")).toEqual(["API_CV_GENERATION"])
      expect((yield* limits.check("API_CV_GENERATION", "u-1")).decision).not.toEqual(Option.none())
      expect((yield* limits.status("u-1")).find((s) => s.scope === "API_GENERAL")!.decision.remaining).toBe(99)
      expect(yield* limits.reset("u-1")).toHaveLength(4)
      expect((yield* limits.status("u-1")).every((s) => s.decision.remaining === s.rule.limit)).toBe(true)
    }))
})

describe("RATE_LIMIT_SCOPES", () => {
  it("overrides any part of a scope's rule; the rest keeps the seed's defaults", () => {
    const scopes = parseScopes('{"API_GENERAL":{"limit":200},"AUTH_LOGIN":{"algorithm":"fixed_window","windowSeconds":60}}')
    expect(scopes).toMatchObject({
      API_GENERAL: { algorithm: "token_bucket", limit: 200, windowMs: 60_000, per: "principal" },
      AUTH_LOGIN: { algorithm: "fixed_window", limit: 5, windowMs: 60_000, per: "client_ip" },
      GLOBAL_DDOS: DEFAULT_SCOPES.GLOBAL_DDOS
    })
  })

  it.effect("a bad value stops the start with one line naming the setting", () =>
    Effect.gen(function*() {
      for (const [raw, problem] of [
        ['{"API_GENERL":{"limit":1}}', "API_GENERL"],
        ['{"API_GENERAL":{"limit":0}}', "API_GENERAL"],
        ['{"API_GENERAL":{"algorithm":"leaky"}}', "leaky"],
        ["not json", "RATE_LIMIT_SCOPES"]
      ] as const) {
        const error = yield* Effect.flip(loadSettings({ RATE_LIMIT_SCOPES: raw }))
        const line = String(error)
        expect(line, raw).toContain("RATE_LIMIT_SCOPES")
        expect(line, raw).toContain(problem)
        expect(line.split("\n"), raw).toHaveLength(1)
      }
      const settings = yield* loadSettings({})
      expect(settings.rateLimit.scopes).toEqual(DEFAULT_SCOPES)
    }))
})
