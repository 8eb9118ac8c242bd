/**
 * The HTTP access matrix, generated from the API itself (`HttpApi.reflect`): every endpoint is
 * public or behind `Authentication` with an explicit policy, and every protected endpoint refuses
 * missing, malformed, unknown, revoked and invalid credentials, and principals its policy does not
 * let through. A route added later joins the matrix without touching this file (unless its path
 * names a parameter no sample is known for: then the matrix asks for one).
 */
import { HttpApi } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { Context, Effect, Option, Redacted } from "effect"
import { randomUUID } from "node:crypto"
import { LunaApi } from "../../src/http/api.js"
import { Authentication, PUBLIC_ENDPOINTS, PUBLIC_PATHS, routeKey } from "../../src/http/authentication.js"
import { AccessAnnotation, type AccessPolicy } from "../../src/services/auth/schema.js"
import { signUserToken } from "../../src/services/auth/tokens.js"
import { generateApiKey } from "../../src/services/keys/format.js"
import { SCOPES } from "../../src/services/keys/schema.js"
import { TEST_ADMIN_KEY, TEST_JWT, TEST_JWT_SECRET, userToken } from "../support/auth.js"
import { backendsUnderTest } from "../support/backends.js"
import { call, callAs, errorOf, type HttpAnswer, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

type Json = Record<string, any>

interface Endpoint {
  readonly key: string
  readonly method: string
  readonly path: string
  readonly isPublic: boolean
  readonly authenticated: boolean
  readonly policy: Option.Option<AccessPolicy>
  readonly hasPayload: boolean
}

const endpoints: ReadonlyArray<Endpoint> = (() => {
  const found: Array<Endpoint> = []
  HttpApi.reflect(LunaApi, {
    onGroup: () => undefined,
    onEndpoint: ({ endpoint, mergedAnnotations, middleware }) => {
      const key = routeKey(endpoint.method, endpoint.path)
      found.push({
        key,
        method: endpoint.method,
        path: endpoint.path,
        isPublic: PUBLIC_ENDPOINTS.has(key),
        authenticated: [...middleware].some((tag) => tag.key === Authentication.key),
        policy: Context.getOption(mergedAnnotations, AccessAnnotation),
        hasPayload: Option.isSome(endpoint.payloadSchema)
      })
    }
  })
  return found
})()

const protectedEndpoints = endpoints.filter((e) => !e.isPublic)
const policyOf = (endpoint: Endpoint): AccessPolicy["kind"] | undefined => Option.getOrUndefined(endpoint.policy)?.kind
const adminEndpoints = protectedEndpoints.filter((e) => policyOf(e) === "admin")
const serviceEndpoints = protectedEndpoints.filter((e) => policyOf(e) === "service")
const userEndpoints = protectedEndpoints.filter((e) => policyOf(e) === "user")
const sharedEndpoints = protectedEndpoints.filter((e) => policyOf(e) === "authenticated")
/** The parameter the middleware checks a user token against. */
const namesUserId = (endpoint: Endpoint) => endpoint.path.includes(":userId")
/** Any path about one user, however it spells the parameter (`/monitoring/cache/invalidate/:user_id` keeps SPEC's). */
const namesUser = (endpoint: Endpoint) => namesUserId(endpoint) || endpoint.path.includes(":user_id")

/** Valid values for path parameters, by name; `userId` is the user the request is about. */
const samplePathValue = (name: string, userId: string): string => {
  switch (name) {
    case "keyId":
    case "reservationId":
    case "requestId":
      return randomUUID()
    case "action":
      return "matrix_action"
    case "plan":
      return "pack"
    case "streamId":
      return "account:u-1"
    case "userId":
    case "user_id":
      return userId
    case "identifier":
      return "203.0.113.7"
    default:
      throw new Error(`no sample value for the path parameter :${name}: add one to the access matrix`)
  }
}

/** Query strings an endpoint needs to answer at all (required url parameters). */
const SAMPLE_QUERIES: Readonly<Record<string, string>> = {
  "GET /monitoring/health/watch": "?intervalMs=100&limit=1"
}

const urlOf = (endpoint: Endpoint, userId = "u-self"): string =>
  endpoint.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(samplePathValue(name, userId))) +
  (SAMPLE_QUERIES[endpoint.key] ?? "")

/** POSTs send a JSON body (naming `userId` for user routes); the middleware answers before it is read. */
const initOf = (endpoint: Endpoint, userId = "u-self"): RequestInit =>
  endpoint.method === "GET"
    ? { method: endpoint.method }
    : {
        method: endpoint.method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(namesUser(endpoint) || policyOf(endpoint) === "user" ? { userId } : {})
      }

const request = (credential: string | undefined, endpoint: Endpoint, userId = "u-self") =>
  callAs(credential, urlOf(endpoint, userId), initOf(endpoint, userId))

const expectUnauthorized = (answer: HttpAnswer, reason: string, label: string) => {
  expect(answer.status, label).toBe(401)
  expect(errorOf(answer), label).toMatchObject({ tag: "Unauthorized", reason })
}

const expectForbidden = (answer: HttpAnswer, label: string) => {
  expect(answer.status, label).toBe(403)
  expect(errorOf(answer), label).toMatchObject({ tag: "Forbidden" })
}

const expectLetThrough = (answer: HttpAnswer, label: string) => {
  expect(answer.status, `${label}: ${answer.text}`).not.toBe(401)
  expect(answer.status, `${label}: ${answer.text}`).not.toBe(403)
}

/** A well-formed key whose checksum (the last 6 characters) is wrong. */
const withBadChecksum = (key: string): string => {
  const last = key.at(-1)!
  return key.slice(0, -1) + (last === "A" ? "B" : "A")
}

const createKey = (scopes: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const answer = yield* call("/admin/keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `matrix ${scopes.join(" ")}`, env: "dev", scopes })
    })
    expect(answer.status, answer.text).toBe(201)
    return answer.json as { readonly key: string; readonly info: Json }
  })

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")

/** An unsigned token (`alg: none`) naming u-self: must never be accepted. */
const unsignedToken = (): string => {
  const nowSeconds = Math.floor(Date.now() / 1000)
  return `${base64url({ alg: "none", typ: "JWT" })}.${base64url({
    sub: "u-self",
    iss: TEST_JWT.issuer,
    aud: TEST_JWT.audience,
    iat: nowSeconds,
    exp: nowSeconds + 3600
  })}.`
}

/** The OpenAPI path of an endpoint path (`:id` → `{id}`). */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}")

for (const backend of backends) {
  describe.skipIf(backend.skip)(`HTTP access matrix (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { timeout: 60_000, excludeTestServices: true })((it) => {
      it("every endpoint is public (in PUBLIC_ENDPOINTS) or behind Authentication with an explicit access policy", () => {
        expect(endpoints.length).toBeGreaterThan(0)
        for (const endpoint of endpoints) {
          if (endpoint.isPublic) {
            expect(endpoint.authenticated, `${endpoint.key} is public but behind Authentication`).toBe(false)
          } else {
            expect(endpoint.authenticated, `${endpoint.key} is neither public nor behind Authentication`).toBe(true)
            expect(Option.isSome(endpoint.policy), `${endpoint.key} has no AccessAnnotation policy`).toBe(true)
          }
        }
        // No stale entry: every public endpoint named exists.
        const keys = new Set(endpoints.map((e) => e.key))
        for (const key of PUBLIC_ENDPOINTS) expect(keys.has(key), `${key} is in PUBLIC_ENDPOINTS but not an endpoint`).toBe(true)
      })

      it("every user-policy endpoint names :userId, and a path naming a user (:userId, :user_id) is never open to every key or token", () => {
        // The IDOR matrix below covers the user routes; service and admin ones refuse user tokens outright.
        for (const endpoint of userEndpoints) {
          expect(namesUserId(endpoint), `${endpoint.key} has the user policy but names no :userId`).toBe(true)
        }
        for (const endpoint of endpoints.filter(namesUser)) {
          expect(["user", "service", "admin"], `${endpoint.key} names a user but its policy is ${policyOf(endpoint)}`).toContain(policyOf(endpoint))
        }
      })

      it.effect("without credentials every protected endpoint answers 401 Unauthorized (missing)", () =>
        Effect.gen(function* () {
          expect(protectedEndpoints.length).toBeGreaterThan(0)
          for (const endpoint of protectedEndpoints) {
            expectUnauthorized(yield* request(undefined, endpoint), "missing", endpoint.key)
            // An empty bearer is no credential either.
            expectUnauthorized(yield* callAs(undefined, urlOf(endpoint), { ...initOf(endpoint), headers: { authorization: "Bearer " } }), "missing", `${endpoint.key} (empty bearer)`)
          }
        }))

      it.effect("every 401 carries WWW-Authenticate: Bearer realm=\"luna-hub\"", () =>
        Effect.gen(function* () {
          for (const endpoint of protectedEndpoints) {
            for (const credential of [undefined, "luna_garbage", generateApiKey("dev")]) {
              const answer = yield* request(credential, endpoint)
              expect(answer.status, endpoint.key).toBe(401)
              expect(answer.headers.get("www-authenticate"), `${endpoint.key} with ${credential === undefined ? "no" : "a bad"} credential`).toBe(
                "Bearer realm=\"luna-hub\""
              )
            }
          }
        }))

      it.effect("a malformed key, a key with a bad checksum and an unknown key answer 401 malformed, malformed, unknown", () =>
        Effect.gen(function* () {
          const unknown = generateApiKey("prod")
          for (const endpoint of protectedEndpoints) {
            for (const garbage of ["luna_garbage", "luna_dev_tooShort", "luna_test_0123456789ABCDEFGHIJKLMNOPQRSTUVabcdef", `${generateApiKey("dev")}x`]) {
              expectUnauthorized(yield* request(garbage, endpoint), "malformed", `${endpoint.key} with ${garbage}`)
            }
            expectUnauthorized(yield* request(withBadChecksum(generateApiKey("dev")), endpoint), "malformed", `${endpoint.key} with a bad checksum`)
            expectUnauthorized(yield* request(unknown, endpoint), "unknown", `${endpoint.key} with an unknown key`)
          }
        }))

      it.effect("a bearer that is neither a key nor a token answers 401 invalid_token (anything not `luna_…` is read as a token)", () =>
        Effect.gen(function* () {
          for (const endpoint of protectedEndpoints) {
            for (const garbage of ["garbage", "a.b.c", "Bearer"]) {
              expectUnauthorized(yield* request(garbage, endpoint), "invalid_token", `${endpoint.key} with ${garbage}`)
            }
          }
        }))

      it.effect("only the Bearer scheme carries a credential: the admin key under another scheme answers 401", () =>
        Effect.gen(function* () {
          const target = protectedEndpoints.find((e) => e.key === "GET /admin/keys") ?? protectedEndpoints[0]!
          // The scheme is case-insensitive (RFC 9110).
          expectLetThrough(yield* callAs(undefined, urlOf(target), { headers: { authorization: `bearer ${TEST_ADMIN_KEY}` } }), "lower-case bearer")
          const statuses: Record<string, number> = {}
          for (const header of [`Basic  ${TEST_ADMIN_KEY}`, `Token  ${TEST_ADMIN_KEY}`, `Bearer:${TEST_ADMIN_KEY}`, `xBearer ${TEST_ADMIN_KEY}`, TEST_ADMIN_KEY]) {
            const answer = yield* callAs(undefined, urlOf(target), { ...initOf(target), headers: { authorization: header } })
            statuses[`Authorization: ${header.replace(TEST_ADMIN_KEY, "<admin key>")}`] = answer.status
          }
          expect(statuses).toEqual(Object.fromEntries(Object.keys(statuses).map((k) => [k, 401])))
        }))

      it.effect("a token signed with another secret, expired, for another audience or issuer, or unsigned answers 401 invalid_token", () =>
        Effect.gen(function* () {
          const nowMs = Date.now()
          const sign = (overrides: { secret?: string; issuer?: string; audience?: string }, options = { nowMs, ttlSeconds: 3600 }) =>
            Effect.promise(() =>
              signUserToken(
                {
                  secret: Redacted.make(overrides.secret ?? TEST_JWT_SECRET),
                  issuer: overrides.issuer ?? TEST_JWT.issuer,
                  audience: overrides.audience ?? TEST_JWT.audience
                },
                "u-self",
                options
              )
            )
          const bad = {
            "another secret": yield* sign({ secret: "another-secret-0123456789abcdef-0123" }),
            expired: yield* Effect.promise(() => userToken("u-self", { nowMs: nowMs - 2 * 3600_000, ttlSeconds: 3600 })),
            "wrong audience": yield* sign({ audience: "someone-else" }),
            "wrong issuer": yield* sign({ issuer: "someone-else" }),
            unsigned: unsignedToken()
          }
          for (const endpoint of protectedEndpoints) {
            for (const [label, token] of Object.entries(bad)) {
              expectUnauthorized(yield* request(token, endpoint), "invalid_token", `${endpoint.key} with a token: ${label}`)
            }
          }
        }))

      it.effect("admin endpoints refuse a service key, a narrower key and a user token with 403, and let the admin key through", () =>
        Effect.gen(function* () {
          expect(adminEndpoints.length).toBeGreaterThan(0)
          const service = yield* createKey(["service"])
          const narrow = yield* createKey(["events:read"])
          const user = yield* Effect.promise(() => userToken("u-self"))
          for (const endpoint of adminEndpoints) {
            expectForbidden(yield* request(service.key, endpoint), `${endpoint.key} with a service key`)
            expectForbidden(yield* request(narrow.key, endpoint), `${endpoint.key} with an events:read key`)
            expectForbidden(yield* request(user, endpoint), `${endpoint.key} with a user token`)
            expectLetThrough(yield* request(TEST_ADMIN_KEY, endpoint), `${endpoint.key} with the admin key`)
          }
        }))

      it.effect("service endpoints refuse a user token and a key without their scopes with 403, and let service and admin keys through", () =>
        Effect.gen(function* () {
          expect(serviceEndpoints.length).toBeGreaterThan(0)
          const user = yield* Effect.promise(() => userToken("u-self"))
          const service = yield* createKey(["service"])
          for (const endpoint of serviceEndpoints) {
            const wanted = (Option.getOrThrow(endpoint.policy) as Extract<AccessPolicy, { kind: "service" }>).scopes
            const other = SCOPES.find((scope) => scope !== "admin" && scope !== "service" && !wanted.includes(scope))
            expectForbidden(yield* request(user, endpoint), `${endpoint.key} with a user token`)
            if (other !== undefined) {
              const narrow = yield* createKey([other])
              expectForbidden(yield* request(narrow.key, endpoint), `${endpoint.key} with a ${other} key`)
            }
            expectLetThrough(yield* request(service.key, endpoint), `${endpoint.key} with a service key`)
            expectLetThrough(yield* request(TEST_ADMIN_KEY, endpoint), `${endpoint.key} with the admin key`)
          }
        }))

      it.effect("user endpoints: a user token reaches its own user only (IDOR), a service key reaches any", () =>
        Effect.gen(function* () {
          expect(userEndpoints.length).toBeGreaterThan(0)
          const self = yield* Effect.promise(() => userToken("u-self"))
          const service = yield* createKey(["service"])
          // Stats also need consent (a 403 of its own): granted, so only access decides here.
          for (const userId of ["u-self", "u-other"]) {
            const granted = yield* call("/gdpr/consent", {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ userId, consentType: "behavioral", granted: true, source: "api" })
            })
            expect(granted.status).toBe(201)
          }
          for (const endpoint of userEndpoints) {
            expectForbidden(yield* request(self, endpoint, "u-other"), `${endpoint.key}: u-self's token naming u-other`)
            expectLetThrough(yield* request(self, endpoint, "u-self"), `${endpoint.key}: u-self's token naming u-self`)
            expectLetThrough(yield* request(service.key, endpoint, "u-other"), `${endpoint.key}: a service key naming u-other`)
          }
        }))

      it.effect("shared (authenticated) endpoints let any key, whatever its scopes, and any user token through", () =>
        Effect.gen(function* () {
          expect(sharedEndpoints.length).toBeGreaterThan(0)
          const user = yield* Effect.promise(() => userToken("u-self"))
          const narrow = yield* createKey(["events:read"])
          const service = yield* createKey(["service"])
          for (const endpoint of sharedEndpoints) {
            expect(namesUser(endpoint), `${endpoint.key} is shared but names a user`).toBe(false)
            for (const [label, credential] of [["a user token", user], ["an events:read key", narrow.key], ["a service key", service.key], ["the admin key", TEST_ADMIN_KEY]]) {
              expectLetThrough(yield* request(credential, endpoint), `${endpoint.key} with ${label}`)
            }
          }
        }))

      it.effect("a revoked key answers 401 revoked at once on the instance that revoked it", () =>
        Effect.gen(function* () {
          const admin = yield* createKey(["admin"])
          const target = adminEndpoints.find((e) => e.key === "GET /admin/keys") ?? adminEndpoints[0]!
          expect((yield* request(admin.key, target)).status).toBe(200)
          const revoked = yield* call(`/admin/keys/${admin.info.id}/revoke`, { method: "POST" })
          expect(revoked.status, revoked.text).toBe(200)
          for (const endpoint of protectedEndpoints) {
            expectUnauthorized(yield* request(admin.key, endpoint), "revoked", `${endpoint.key} with a revoked key`)
          }
        }))

      it.effect("the public paths and endpoints answer without credentials, and ignore a bad one", () =>
        Effect.gen(function* () {
          const publicEndpoints = endpoints.filter((e) => e.isPublic)
          expect(publicEndpoints.map((e) => e.key).sort()).toEqual([...PUBLIC_ENDPOINTS].sort())
          for (const credential of [undefined, "luna_garbage", generateApiKey("dev")]) {
            for (const endpoint of publicEndpoints) {
              const answer = yield* request(credential, endpoint)
              expect(answer.status, `${endpoint.key}: ${answer.text}`).toBe(200)
            }
            for (const path of PUBLIC_PATHS) {
              const answer = yield* callAs(credential, path)
              expect(answer.status, path).toBe(200)
            }
          }
        }))

      it.effect("/openapi.json declares the bearer scheme; protected operations require it and list 401 and 403, public ones none", () =>
        Effect.gen(function* () {
          const spec = (yield* callAs(undefined, "/openapi.json")).json as Json
          expect(spec.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" })
          for (const endpoint of endpoints) {
            const operation = spec.paths[openApiPath(endpoint.path)]?.[endpoint.method.toLowerCase()] as Json | undefined
            expect(operation, endpoint.key).toBeDefined()
            if (endpoint.isPublic) {
              expect(operation!.security ?? [], endpoint.key).toEqual([])
              expect(operation!.responses["401"], endpoint.key).toBeUndefined()
            } else {
              expect(operation!.security, endpoint.key).toEqual([{ bearer: [] }])
              expect(JSON.stringify(operation!.responses["401"]), endpoint.key).toContain("#/components/schemas/Unauthorized\"")
              expect(JSON.stringify(operation!.responses["403"]), endpoint.key).toContain("#/components/schemas/Forbidden\"")
            }
          }
          // Both are documented as the error envelope; the 401 names its reason.
          const schemas = spec.components.schemas as Json
          expect(schemas.Unauthorized.properties.error.properties.tag.enum).toEqual(["Unauthorized"])
          expect(schemas.Unauthorized.properties.error.required).toEqual(expect.arrayContaining(["tag", "message", "reason"]))
          expect(schemas.Forbidden.properties.error.properties.tag.enum).toEqual(["Forbidden"])
        }))
    })
  })
}
