/**
 * End-user tokens (HS256, issuer, audience, expiry) and the access decision shared by both doors.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, Redacted } from "effect"
import { decide } from "../../../src/services/auth/live.js"
import { Access, type Principal } from "../../../src/services/auth/schema.js"
import { makeTokenVerifier, signUserToken } from "../../../src/services/auth/tokens.js"
import { TEST_JWT, TEST_JWT_SECRET } from "../../support/auth.js"

const NOW = Date.UTC(2026, 10, 28)
const settings = { secret: Option.some(Redacted.make(TEST_JWT_SECRET)), ...TEST_JWT }
const verify = makeTokenVerifier(settings)
const sign = (userId: string, overrides: Partial<{ secret: string; issuer: string; audience: string; nowMs: number; ttlSeconds: number }> = {}) =>
  Effect.promise(() =>
    signUserToken(
      { secret: Redacted.make(overrides.secret ?? TEST_JWT_SECRET), issuer: overrides.issuer ?? TEST_JWT.issuer, audience: overrides.audience ?? TEST_JWT.audience },
      userId,
      { nowMs: overrides.nowMs ?? NOW, ttlSeconds: overrides.ttlSeconds ?? 600 }
    ))

describe("user tokens", () => {
  it.effect("a token signed with JWT_SECRET for the Hub's issuer and audience names its user until it expires", () =>
    Effect.gen(function* () {
      const token = yield* sign("u-123")
      expect(yield* verify(token, NOW)).toBe("u-123")
      expect(yield* verify(token, NOW + 599_000)).toBe("u-123")
      expect(Either.isLeft(yield* Effect.either(verify(token, NOW + 601_000)))).toBe(true)
    }))

  it.effect.each([
    ["another secret", { secret: "another-secret-of-enough-length-000000" }],
    ["another issuer", { issuer: "someone-else" }],
    ["another audience", { audience: "another-service" }],
    ["a user id the routes cannot name", { userId: "u 123/../x" }]
  ] as const)("a token with %s is invalid_token", ([, overrides]) =>
    Effect.gen(function* () {
      const { userId = "u-123", ...rest } = overrides as { userId?: string }
      const token = yield* sign(userId, rest)
      expect(yield* Effect.flip(verify(token, NOW))).toMatchObject({ _tag: "Unauthorized", reason: "invalid_token" })
    }))

  it.effect("garbage, an unsigned token, and any token when no JWT_SECRET is set are invalid_token", () =>
    Effect.gen(function* () {
      const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"u-1","exp":9999999999}').toString("base64url")}.`
      for (const token of ["x", "a.b.c", unsigned]) {
        expect(yield* Effect.flip(verify(token, NOW))).toMatchObject({ reason: "invalid_token" })
      }
      const withoutSecret = makeTokenVerifier({ ...settings, secret: Option.none() })
      expect(yield* Effect.flip(withoutSecret(yield* sign("u-123"), NOW))).toMatchObject({ reason: "invalid_token" })
    }))
})

describe("access decisions", () => {
  const admin: Principal = { kind: "key", keyId: "k1", env: "dev", scopes: ["admin"] }
  const service: Principal = { kind: "key", keyId: "k2", env: "dev", scopes: ["service"] }
  const energyOnly: Principal = { kind: "key", keyId: "k3", env: "dev", scopes: ["energy:read"] }
  const self: Principal = { kind: "user", userId: "u-self" }
  const allowed = (principal: Principal, policy: Parameters<typeof decide>[1], userId?: string) => decide(principal, policy, userId) === undefined

  it("admin endpoints: only the admin scope", () => {
    expect([admin, service, energyOnly, self].map((p) => allowed(p, Access.admin))).toEqual([true, false, false, false])
  })

  it("service endpoints: admin, service or a listed scope; never a user token", () => {
    const policy = Access.service("energy:read")
    expect([admin, service, energyOnly, self].map((p) => allowed(p, policy))).toEqual([true, true, true, false])
    expect(allowed(energyOnly, Access.service("energy:write"))).toBe(false)
  })

  it("user endpoints: the user's own token only, or a key as for service endpoints", () => {
    const policy = Access.user("energy:read")
    expect(allowed(self, policy, "u-self")).toBe(true)
    expect(allowed(self, policy, "u-other")).toBe(false)
    expect(allowed(self, policy, undefined)).toBe(false)
    expect(allowed(service, policy, "u-other")).toBe(true)
    expect(allowed(energyOnly, policy, "u-other")).toBe(true)
    expect(allowed(energyOnly, Access.user("energy:write"), "u-other")).toBe(false)
  })

  it("any-key endpoints: any key, never a user token", () => {
    expect([admin, energyOnly, self].map((p) => allowed(p, Access.anyKey))).toEqual([true, true, false])
  })
})
