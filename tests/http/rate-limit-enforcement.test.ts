/**
 * The scopes as the HTTP door applies them: GLOBAL_DDOS per client address before anything (the
 * probes excepted), AUTH_LOGIN on failed authentications (the sixth refused before any key lookup),
 * API_GENERAL per principal, API_CV_GENERATION on the generation charges (a replay not counted);
 * 429 with `Retry-After` and the `RateLimit-Policy`/`RateLimit` headers; the failure policy with
 * the limit store unreachable; `RATE_LIMIT_ENABLED=false`.
 * Each test speaks from addresses of its own, through a trusted proxy's `X-Forwarded-For`.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { backendsUnderTest } from "../support/backends.js"
import { key, openAccount, userIds } from "../support/energy.js"
import { callAs, errorOf, type HttpAnswer, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

const SCOPES = {
  GLOBAL_DDOS: { limit: 20, windowSeconds: 60 },
  API_GENERAL: { limit: 10, windowSeconds: 60 },
  API_CV_GENERATION: { limit: 2, windowSeconds: 3600 },
  AUTH_LOGIN: { limit: 5, windowSeconds: 900 }
}

const limitedHub = (backend: Parameters<typeof testHubLayer>[0], env: Record<string, string> = {}) =>
  testHubLayer(backend, { env: { TRUSTED_PROXIES: "127.0.0.1,::1", RATE_LIMIT_SCOPES: JSON.stringify(SCOPES), ...env } })

let lastOctet = 0
/** A client address no other test uses. */
const freshIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${++lastOctet}`

const from = (ip: string, credential: string | undefined, path: string, init: RequestInit = {}) =>
  callAs(credential, path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), "x-forwarded-for": ip } })

const tokenFor = (userId: string) => Effect.promise(() => userToken(userId))

const post = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const expectRefused = (answer: HttpAnswer, scope: string) => {
  expect(answer.status, answer.text).toBe(429)
  expect(errorOf(answer)).toMatchObject({ tag: "RateLimited", scope, retryAfterSeconds: expect.any(Number) })
  const retryAfter = Number(answer.headers.get("retry-after"))
  expect(retryAfter).toBe(errorOf(answer).retryAfterSeconds)
  expect(retryAfter).toBeGreaterThan(0)
  expect(answer.headers.get("ratelimit")).toContain(`"${scope}";r=0;t=${retryAfter}`)
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`rate limits at the HTTP door (${backend.name})`, () => {
    layer(limitedHub(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      const user = userIds()

      it.effect("GLOBAL_DDOS counts every request of an address, answered or not, and refuses the 21st; probes are never limited", () =>
        Effect.gen(function* () {
          const ip = freshIp()
          for (let i = 1; i <= 20; i++) {
            const answer = yield* from(ip, undefined, i % 2 === 0 ? "/monitoring/version" : "/no/such/route")
            expect(answer.status).toBe(i % 2 === 0 ? 200 : 404)
            expect(answer.headers.get("ratelimit-policy")).toBe('"global_ddos";q=20;w=60')
            expect(answer.headers.get("ratelimit")).toMatch(new RegExp(`^"global_ddos";r=${20 - i};t=\\d+$`))
          }
          expectRefused(yield* from(ip, undefined, "/monitoring/version"), "global_ddos")
          // Refused before authentication: even the admin key gets the 429.
          expectRefused(yield* from(ip, TEST_ADMIN_KEY, "/admin/keys"), "global_ddos")
          for (const probe of ["/monitoring/health", "/monitoring/health/v2", "/monitoring/ready"]) {
            const answer = yield* from(ip, undefined, probe)
            expect(answer.status, probe).toBe(200)
            expect(answer.headers.get("ratelimit-policy")).toBeNull()
          }
          // Another address is counted apart.
          expect((yield* from(freshIp(), undefined, "/monitoring/version")).status).toBe(200)
        }))

      it.effect("API_GENERAL counts per principal: a user's 11th call is refused, another user and the address are not", () =>
        Effect.gen(function* () {
          const ip = freshIp()
          const alice = yield* tokenFor(user())
          for (let i = 1; i <= 10; i++) {
            const answer = yield* from(ip, alice, "/energy/actions")
            expect(answer.status, answer.text).toBe(200)
            expect(answer.headers.get("ratelimit-policy")).toBe('"global_ddos";q=20;w=60, "api_general";q=10;w=60')
            expect(answer.headers.get("ratelimit")).toMatch(new RegExp(`^"global_ddos";r=${20 - i};t=\\d+, "api_general";r=${10 - i};t=\\d+$`))
          }
          const refused = yield* from(ip, alice, "/energy/actions")
          expectRefused(refused, "api_general")
          expect(refused.headers.get("ratelimit-policy")).toContain('"api_general";q=10;w=60')
          expect((yield* from(ip, yield* tokenFor(user()), "/energy/actions")).status).toBe(200)
        }))

      it.effect("AUTH_LOGIN: five failed authentications from an address, then even a valid key is refused before its lookup", () =>
        Effect.gen(function* () {
          const ip = freshIp()
          // No credential at all is not a login attempt.
          for (let i = 0; i < 3; i++) expect((yield* from(ip, undefined, "/admin/keys")).status).toBe(401)
          for (let i = 1; i <= 5; i++) {
            const answer = yield* from(ip, "luna_dev_not-a-real-key-0000000000000000", "/admin/keys")
            expect(answer.status).toBe(401)
            expect(answer.headers.get("ratelimit")).toContain(`"auth_login";r=${5 - i};`)
          }
          expectRefused(yield* from(ip, TEST_ADMIN_KEY, "/admin/keys"), "auth_login")
          expectRefused(yield* from(ip, yield* tokenFor(user()), "/energy/actions"), "auth_login")
          // The public routes stay open to that address, and other addresses may still log in.
          expect((yield* from(ip, undefined, "/monitoring/version")).status).toBe(200)
          const elsewhere = yield* from(freshIp(), TEST_ADMIN_KEY, "/admin/keys")
          expect(elsewhere.status).toBe(200)
          expect(elsewhere.headers.get("ratelimit-policy")).not.toContain("auth_login")
        }))

      it.effect("API_CV_GENERATION: two generation charges per user and hour, across consume and reserve; replays and other actions are not counted", () =>
        Effect.gen(function* () {
          const ip = freshIp()
          const u = user()
          yield* openAccount(u, "unlimited")
          const token = yield* tokenFor(u)
          const first = key()
          expect((yield* from(ip, token, `/energy/${u}/consume`, post({ action: "cv_generation", idempotencyKey: first }))).status).toBe(200)
          const replay = yield* from(ip, token, `/energy/${u}/consume`, post({ action: "cv_generation", idempotencyKey: first }))
          expect(replay.status).toBe(200)
          expect((replay.json as { replayed: boolean }).replayed).toBe(true)
          expect((yield* from(ip, token, `/energy/${u}/reservations`, post({ action: "cover_letter_generation", idempotencyKey: key() }))).status).toBe(200)
          expectRefused(yield* from(ip, token, `/energy/${u}/consume`, post({ action: "cv_generation", idempotencyKey: key() })), "api_cv_generation")
          expectRefused(
            yield* from(ip, token, `/energy/${u}/reservations`, post({ action: "cover_letter_generation", idempotencyKey: key() })),
            "api_cv_generation"
          )
          // A replay of a charge that was counted still answers its original result.
          expect((yield* from(ip, token, `/energy/${u}/consume`, post({ action: "cv_generation", idempotencyKey: first }))).status).toBe(200)
          expect((yield* from(ip, token, `/energy/${u}/consume`, post({ action: "coach_message", idempotencyKey: key() }))).status).toBe(200)
          // Per user: another user's generations are their own.
          const other = user()
          yield* openAccount(other, "unlimited")
          expect((yield* from(ip, TEST_ADMIN_KEY, `/energy/${other}/consume`, post({ action: "cv_generation", idempotencyKey: key() }))).status).toBe(200)
        }))
    })

    describe("with the limit store unreachable", () => {
      const unreachable = { RATE_LIMIT_REDIS_URL: "redis://127.0.0.1:1", REDIS_TIMEOUT: "0.2" }

      layer(limitedHub(backend.name, { ...unreachable, RATE_LIMIT_FAIL_OPEN: "true" }), { timeout: 60_000, excludeTestServices: true })((it) => {
        it.effect("RATE_LIMIT_FAIL_OPEN=true lets requests through, with the policy but no state in the headers", () =>
          Effect.gen(function* () {
            for (let i = 0; i < 25; i++) {
              const answer = yield* from("10.250.0.1", TEST_ADMIN_KEY, "/admin/keys")
              expect(answer.status, answer.text).toBe(200)
              expect(answer.headers.get("ratelimit-policy")).toBe('"global_ddos";q=20;w=60, "api_general";q=10;w=60')
              expect(answer.headers.get("ratelimit")).toBeNull()
            }
          }))
      })

      layer(limitedHub(backend.name, { ...unreachable, RATE_LIMIT_FAIL_OPEN: "false" }), { timeout: 60_000, excludeTestServices: true })((it) => {
        it.effect("RATE_LIMIT_FAIL_OPEN=false answers 503 with Retry-After; the probes still answer", () =>
          Effect.gen(function* () {
            const answer = yield* from("10.250.0.2", TEST_ADMIN_KEY, "/admin/keys")
            expect(answer.status, answer.text).toBe(503)
            expect(errorOf(answer)).toMatchObject({ tag: "ServiceUnavailable" })
            expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0)
            expect((yield* from("10.250.0.2", undefined, "/monitoring/health")).status).toBe(200)
          }))
      })
    })

    layer(limitedHub(backend.name, { RATE_LIMIT_ENABLED: "false" }), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("RATE_LIMIT_ENABLED=false: nothing is limited and no header is written", () =>
        Effect.gen(function* () {
          for (let i = 0; i < 25; i++) {
            const answer = yield* from("10.250.0.3", "luna_dev_not-a-real-key-0000000000000000", "/admin/keys")
            expect(answer.status).toBe(401)
            expect(answer.headers.get("ratelimit-policy")).toBeNull()
          }
          expect((yield* from("10.250.0.3", TEST_ADMIN_KEY, "/admin/keys")).status).toBe(200)
        }))
    })
  })
}
