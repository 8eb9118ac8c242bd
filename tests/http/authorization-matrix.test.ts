/**
 * The authorisation matrix, from an explicit table: every HTTP route and every RPC with the policy it
 * must have, written here by hand (not read from the `AccessAnnotation`s it checks), so that
 * - a route or RPC added without an entry, or an entry whose route is gone, fails the test;
 * - the table and the annotations (and PUBLIC_ENDPOINTS, and the RPC middleware) must agree;
 * - every route and RPC, called by each kind of caller, refuses or lets through as its table policy
 *   says: nobody → 401 unless public; another user's token on a user-scoped route → 403; a key
 *   holding every scope but `admin` on an admin route → 403; and the rest of the matrix (user
 *   tokens on key-only routes, keys without the route's scope, the route's own scope, the admin key).
 * "Let through" means the answer is neither a 401 nor a `Forbidden` 403: the handler ran, whatever
 * it answered (a 400 for the sample body, a 404 for a sample id, a 403 `ConsentRequired`).
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Arbitrary, Context, Effect, Either, FastCheck as fc, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { LunaApi } from "../../src/http/api.js"
import { accessPolicies, PUBLIC_ENDPOINTS } from "../../src/http/authentication.js"
import { RpcAuthentication } from "../../src/rpc/authentication.js"
import { HubRpcs } from "../../src/rpc/group.js"
import { AccessAnnotation } from "../../src/services/auth/schema.js"
import { SCOPES, type Scope } from "../../src/services/keys/schema.js"
import { TEST_ADMIN_KEY, userToken } from "../support/auth.js"
import { reflectEndpoints } from "../support/fuzz-requests.js"
import { callAs, type HttpAnswer, TestHub, testHubLayer } from "../support/hub.js"

// ---------------------------------------------------------------------------------------------
// The table

type Policy =
  | { readonly kind: "public" }
  | { readonly kind: "authenticated" }
  | { readonly kind: "anyKey" }
  | { readonly kind: "admin" }
  | { readonly kind: "service"; readonly scopes: ReadonlyArray<Scope> }
  | { readonly kind: "user"; readonly scopes: ReadonlyArray<Scope> }

/** No credentials needed. */
const PUBLIC: Policy = { kind: "public" }
/** Any working key or any valid user token. */
const AUTHENTICATED: Policy = { kind: "authenticated" }
/** Any working key, whatever its scopes; no user token. */
const ANY_KEY: Policy = { kind: "anyKey" }
/** A key with the `admin` scope. */
const ADMIN: Policy = { kind: "admin" }
/** A key with `service`, `admin` or one of `scopes`; no user token. */
const service = (...scopes: ReadonlyArray<Scope>): Policy => ({ kind: "service", scopes })
/** The user named by the route with their own token, or a key as for `service`. */
const user = (...scopes: ReadonlyArray<Scope>): Policy => ({ kind: "user", scopes })

const HTTP_ROUTES: Readonly<Record<string, Policy>> = {
  // Probes, version and metrics: what orchestrators and scrapers reach without a key.
  "GET /monitoring/health": PUBLIC,
  "GET /monitoring/health/v2": PUBLIC,
  "GET /monitoring/health/watch": PUBLIC,
  "GET /monitoring/ready": PUBLIC,
  "GET /monitoring/version": PUBLIC,
  "GET /monitoring/metrics/prometheus/v2": PUBLIC,
  "GET /monitoring/metrics/current": PUBLIC,
  "GET /monitoring/performance": PUBLIC,
  "GET /monitoring/alerts": PUBLIC,
  "GET /monitoring/dashboard": PUBLIC,
  // Reaches outside (a test alert) or shows the configuration: operators only.
  "POST /monitoring/alerts/test": ADMIN,
  "GET /monitoring/system-info": ADMIN,

  "GET /admin/events": service("events:read"),
  "GET /admin/events/streams/:streamId": service("events:read"),

  "POST /admin/keys": ADMIN,
  "GET /admin/keys": ADMIN,
  "GET /admin/keys/status": ADMIN,
  "POST /admin/keys/rotate": ADMIN,
  "POST /admin/keys/schedule-rotation": ADMIN,
  "GET /admin/keys/:keyId": ADMIN,
  "POST /admin/keys/:keyId/revoke": ADMIN,
  "GET /admin/keys/:keyId/audit": ADMIN,
  "GET /keys/self": ANY_KEY,
  "POST /keys/successor": ANY_KEY,

  "GET /energy/actions": AUTHENTICATED,
  "GET /energy/plans": AUTHENTICATED,
  "GET /energy/leaderboard": service("energy:read"),
  "POST /energy/:userId/account": service("energy:write"),
  "GET /energy/:userId/balance": user("energy:read"),
  "POST /energy/:userId/check": user("energy:read"),
  "POST /energy/:userId/consume": user("energy:write"),
  "POST /energy/:userId/refund": service("energy:write"),
  "POST /energy/:userId/purchase": service("energy:write"),
  "POST /energy/:userId/credit": service("energy:write"),
  "POST /energy/:userId/reservations": user("energy:write"),
  "POST /energy/:userId/reservations/:reservationId/commit": user("energy:write"),
  "POST /energy/:userId/reservations/:reservationId/release": user("energy:write"),
  "GET /energy/:userId/transactions": user("energy:read"),
  "GET /energy/:userId/stats": user("energy:read"),
  "PUT /admin/energy/actions/:action": ADMIN,
  "PUT /admin/energy/plans/:plan": ADMIN,
  "PUT /admin/energy/users/:userId/plan": ADMIN,

  "GET /monitoring/cache/health": service(),
  "GET /monitoring/cache/stats": service(),
  "POST /monitoring/cache/invalidate/:user_id": service(),

  "GET /admin/rate-limiting/status/:identifier": ADMIN,
  "POST /admin/rate-limiting/reset/:identifier": ADMIN,

  "GET /gdpr/info/consent-types": AUTHENTICATED,
  "POST /gdpr/consent": service("gdpr:manage"),
  "GET /gdpr/consent/:userId": user("gdpr:manage"),
  "GET /gdpr/check-consent/:userId": user("gdpr:manage"),
  "DELETE /gdpr/delete/:userId": service(),
  "GET /gdpr/requests/:requestId": service(),
  "GET /gdpr/export/:userId": user("gdpr:manage"),

  "POST /narrative/analyze": service("narrative:analyze"),
  "POST /narrative/analyze/batch": service("narrative:analyze"),
  "POST /narrative/:userId/analyze": user("narrative:analyze"),
  "GET /narrative/:userId/insights": user("narrative:analyze")
}

/** The RPC twins: the user is the payload's `userId` instead of a path parameter. */
const RPCS: Readonly<Record<string, Policy>> = {
  "Monitoring.Health": PUBLIC,
  "Monitoring.Ready": PUBLIC,
  "Monitoring.Version": PUBLIC,
  "Monitoring.WatchHealth": PUBLIC,
  "Monitoring.MetricsCurrent": PUBLIC,
  "Monitoring.Performance": PUBLIC,
  "Monitoring.Alerts": PUBLIC,
  "Monitoring.TestAlert": ADMIN,
  "Monitoring.SystemInfo": ADMIN,

  "Events.ReadStream": service("events:read"),
  "Events.ReadAll": service("events:read"),
  "Events.Follow": service("events:read"),

  "Keys.Create": ADMIN,
  "Keys.List": ADMIN,
  "Keys.Status": ADMIN,
  "Keys.Rotate": ADMIN,
  "Keys.ScheduleRotation": ADMIN,
  "Keys.Get": ADMIN,
  "Keys.Revoke": ADMIN,
  "Keys.Audit": ADMIN,
  "Keys.Self": ANY_KEY,
  "Keys.ClaimSuccessor": ANY_KEY,

  "Energy.Actions": AUTHENTICATED,
  "Energy.Plans": AUTHENTICATED,
  "Energy.Leaderboard": service("energy:read"),
  "Energy.Open": service("energy:write"),
  "Energy.Refund": service("energy:write"),
  "Energy.Purchase": service("energy:write"),
  "Energy.Credit": service("energy:write"),
  "Energy.Balance": user("energy:read"),
  "Energy.Check": user("energy:read"),
  "Energy.Transactions": user("energy:read"),
  "Energy.Stats": user("energy:read"),
  "Energy.Consume": user("energy:write"),
  "Energy.Reserve": user("energy:write"),
  "Energy.Commit": user("energy:write"),
  "Energy.Release": user("energy:write"),
  "Energy.SetActionCost": ADMIN,
  "Energy.SetPlanRules": ADMIN,
  "Energy.ChangePlan": ADMIN,

  "Cache.Health": service(),
  "Cache.Stats": service(),
  "Cache.InvalidateUser": service(),

  "RateLimiting.Status": ADMIN,
  "RateLimiting.Reset": ADMIN,

  "Gdpr.ConsentTypes": AUTHENTICATED,
  "Gdpr.RecordConsent": service("gdpr:manage"),
  "Gdpr.UserConsents": user("gdpr:manage"),
  "Gdpr.CheckConsent": user("gdpr:manage"),
  "Gdpr.Erase": service(),
  "Gdpr.ErasureStatus": service(),
  "Gdpr.Export": user("gdpr:manage"),

  "Narrative.Analyze": service("narrative:analyze"),
  "Narrative.AnalyzeBatch": service("narrative:analyze"),
  "Narrative.AnalyzeStream": service("narrative:analyze"),
  "Narrative.AnalyzeForUser": user("narrative:analyze"),
  "Narrative.Insights": user("narrative:analyze")
}

// ---------------------------------------------------------------------------------------------
// What the Hub declares, to hold the table against

/** A policy as the annotations spell it (scopes sorted), for comparison with the table's. */
const normalised = (policy: Policy): string =>
  JSON.stringify("scopes" in policy ? { ...policy, scopes: [...policy.scopes].sort() } : policy)

const declaredHttpPolicies = (): ReadonlyMap<string, Policy> => {
  const annotated = accessPolicies(LunaApi)
  return new Map(reflectEndpoints(LunaApi).map((e) => [e.key, PUBLIC_ENDPOINTS.has(e.key) ? PUBLIC : (annotated.get(e.key) ?? ADMIN) as Policy]))
}

/** Public RPCs are those without the authentication middleware (which, without a policy, is admin-only). */
const declaredRpcPolicies = (): ReadonlyMap<string, Policy> =>
  new Map([...HubRpcs.requests].map(([tag, rpc]) => [
    tag,
    ![...rpc.middlewares].some((m) => m.key === RpcAuthentication.key)
      ? PUBLIC
      : Option.getOrElse(Context.getOption(rpc.annotations, AccessAnnotation), (): Policy => ADMIN) as Policy
  ]))

/** Entries missing from the table, entries naming nothing, and disagreements, as readable lines. */
const tableMismatches = (table: Readonly<Record<string, Policy>>, declared: ReadonlyMap<string, Policy>): Array<string> => {
  const lines: Array<string> = []
  for (const [key, policy] of declared) {
    const expected = table[key]
    if (expected === undefined) lines.push(`${key}: served with policy ${normalised(policy)} but has no entry in the table`)
    else if (normalised(expected) !== normalised(policy)) lines.push(`${key}: the table says ${normalised(expected)}, the Hub declares ${normalised(policy)}`)
  }
  for (const key of Object.keys(table)) if (!declared.has(key)) lines.push(`${key}: in the table but not served`)
  return lines
}

// ---------------------------------------------------------------------------------------------
// Callers and what each policy must answer them

const SELF = "matrix-self"
const OTHER = "matrix-other"

type Caller =
  | { readonly kind: "nobody" }
  | { readonly kind: "ownUser" }
  | { readonly kind: "otherUser" }
  | { readonly kind: "adminKey" }
  /** Every scope but `admin`: the widest key that is not an admin's. */
  | { readonly kind: "serviceKey" }
  /** A key holding just this one narrow scope (never `admin` or `service`). */
  | { readonly kind: "scopedKey"; readonly scope: Scope }

type Outcome = "401" | "403" | "through"

const expectedOutcome = (policy: Policy, caller: Caller): Outcome => {
  if (policy.kind === "public") return "through"
  switch (caller.kind) {
    case "nobody":
      return "401"
    case "adminKey":
      return "through"
    case "serviceKey":
      return policy.kind === "admin" ? "403" : "through"
    case "scopedKey":
      if (policy.kind === "admin") return "403"
      if (policy.kind === "service" || policy.kind === "user") return policy.scopes.includes(caller.scope) ? "through" : "403"
      return "through"
    case "ownUser":
    case "otherUser":
      if (policy.kind === "authenticated") return "through"
      if (policy.kind === "user") return caller.kind === "ownUser" ? "through" : "403"
      return "403"
  }
}

/** The scopes below `service`: each grants some routes only. */
const NARROW_SCOPES = SCOPES.filter((s) => s !== "admin" && s !== "service")

/** The scoped keys worth trying on a route: its own scopes (let through), and one it does not list (refused). */
const scopedCallers = (policy: Policy): Array<Caller> => {
  const listed = "scopes" in policy ? policy.scopes : []
  const unlisted = NARROW_SCOPES.find((s) => !listed.includes(s))!
  return [...listed, unlisted].map((scope) => ({ kind: "scopedKey", scope }))
}

const callersFor = (policy: Policy): Array<Caller> => [
  { kind: "nobody" },
  { kind: "ownUser" },
  { kind: "otherUser" },
  { kind: "adminKey" },
  { kind: "serviceKey" },
  ...scopedCallers(policy)
]

const describeCaller = (caller: Caller): string => (caller.kind === "scopedKey" ? `a key with only ${caller.scope}` : caller.kind)

interface Credentials {
  readonly serviceKey: string
  readonly scopedKeys: ReadonlyMap<Scope, string>
  readonly ownToken: string
  readonly otherToken: string
}

const credentialOf = (credentials: Credentials, caller: Caller): string | undefined => {
  switch (caller.kind) {
    case "nobody":
      return undefined
    case "ownUser":
      return credentials.ownToken
    case "otherUser":
      return credentials.otherToken
    case "adminKey":
      return TEST_ADMIN_KEY
    case "serviceKey":
      return credentials.serviceKey
    case "scopedKey":
      return credentials.scopedKeys.get(caller.scope)!
  }
}

const createKey = (scopes: ReadonlyArray<Scope>) =>
  Effect.gen(function* () {
    const answer = yield* callAs(TEST_ADMIN_KEY, "/admin/keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `matrix ${scopes.join(" ")}`, env: "dev", scopes })
    })
    expect(answer.status, answer.text).toBe(201)
    return (answer.json as { readonly key: string }).key
  })

let madeCredentials: Credentials | undefined

/** Keys made through the keys API with the admin key, and the two users' tokens; made once per Hub. */
const theCredentials = Effect.gen(function* () {
  if (madeCredentials !== undefined) return madeCredentials
  const scopedKeys = new Map<Scope, string>()
  for (const scope of NARROW_SCOPES) scopedKeys.set(scope, yield* createKey([scope]))
  madeCredentials = {
    serviceKey: yield* createKey(SCOPES.filter((s) => s !== "admin")),
    scopedKeys,
    ownToken: yield* Effect.promise(() => userToken(SELF)),
    otherToken: yield* Effect.promise(() => userToken(OTHER))
  }
  return madeCredentials
})

const outcomeOfHttp = (answer: HttpAnswer): Outcome => {
  if (answer.status === 401) return "401"
  const tag = (answer.json as { error?: { tag?: unknown } } | undefined)?.error?.tag
  return answer.status === 403 && tag === "Forbidden" ? "403" : "through"
}

// ---------------------------------------------------------------------------------------------
// HTTP requests: a path naming SELF (the route's user), a small JSON body for writes

const samplePathValue = (name: string): string => {
  switch (name) {
    case "userId":
    case "user_id":
      return SELF
    case "keyId":
    case "reservationId":
    case "requestId":
      return randomUUID()
    case "action":
      return "matrix_action"
    case "plan":
      return "pack"
    case "streamId":
      return `energy:${SELF}`
    case "identifier":
      return "203.0.113.7"
    default:
      throw new Error(`no sample value for the path parameter :${name}: add one to the authorisation matrix`)
  }
}

/** Query strings a route needs to answer at all. */
const SAMPLE_QUERIES: Readonly<Record<string, string>> = {
  "GET /monitoring/health/watch": "?intervalMs=100&limit=1",
  "GET /gdpr/check-consent/:userId": "?data_category=behavioral"
}

const httpRequest = (key: string, credential: string | undefined) => {
  const [method, path] = key.split(" ") as [string, string]
  const url = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(samplePathValue(name))) + (SAMPLE_QUERIES[key] ?? "")
  const init: RequestInit = method === "GET" || method === "DELETE"
    ? { method }
    : { method, headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: SELF }) }
  return callAs(credential, url, init)
}

/** Routes naming a user in their path: the IDOR surface. */
const isUserScoped = (key: string): boolean => /:(userId|user_id)\b/.test(key)

// ---------------------------------------------------------------------------------------------
// RPC calls: one ndjson request to /rpc, with a payload the RPC's schema accepts, naming SELF

const rpcPayload = (tag: string): unknown => {
  const rpc = HubRpcs.requests.get(tag)!
  const schema = rpc.payloadSchema as Schema.Schema<unknown, unknown, never>
  // Bounded, so a stream the caller is let into answers at once.
  if (tag === "Monitoring.WatchHealth") return { intervalMs: 100, limit: 1 }
  if (tag === "Events.Follow") return {}
  const encode = Schema.encodeEither(schema)
  const encoded = fc.sample(Arbitrary.make(schema), { seed: 7, numRuns: 50 }).map((value) => encode(value)).find(Either.isRight)
  if (encoded === undefined) throw new Error(`no encodable sample payload for ${tag}`)
  const payload = encoded.right
  return payload !== null && typeof payload === "object" && "userId" in payload ? { ...payload, userId: SELF } : payload
}

/** The first message the RPC door answers (a refusal is always the first), then the rest is dropped. */
const firstRpcMessage = (url: string, tag: string, credential: string | undefined) =>
  Effect.promise(async () => {
    const headers: Record<string, string> = { "content-type": "application/ndjson" }
    if (credential !== undefined) headers.authorization = `Bearer ${credential}`
    const request = { _tag: "Request", id: "1", tag, payload: rpcPayload(tag), headers: [] }
    const response = await fetch(`${url}/rpc`, { method: "POST", headers, body: `${JSON.stringify(request)}\n`, signal: AbortSignal.timeout(15_000) })
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let text = ""
    while (!text.includes("\n")) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
    await reader.cancel()
    return JSON.parse(text.split("\n")[0]!) as Record<string, any>
  })

const outcomeOfRpc = (message: Record<string, any>): Outcome | `defect: ${string}` => {
  const cause = message._tag === "Exit" && message.exit?._tag === "Failure" ? message.exit.cause : undefined
  if (message._tag === "Defect" || cause?._tag === "Die") return `defect: ${JSON.stringify(message).slice(0, 300)}`
  const tag = cause?._tag === "Fail" ? cause.error?._tag : undefined
  return tag === "Unauthorized" ? "401" : tag === "Forbidden" ? "403" : "through"
}

// ---------------------------------------------------------------------------------------------

const httpDeclared = declaredHttpPolicies()
const rpcDeclared = declaredRpcPolicies()
/** The table's routes the Hub serves (one it does not serve already fails the agreement test). */
const servedRoutes = Object.entries(HTTP_ROUTES).filter(([key]) => httpDeclared.has(key))
const servedRpcs = Object.entries(RPCS).filter(([tag]) => rpcDeclared.has(tag))

describe("Authorisation matrix (HTTP routes and RPCs, from an explicit table)", () => {
  // The table against the Hub's own declarations: no route or RPC without an entry, none stale, none disagreeing.
  it("every HTTP route has an entry, every entry is a served route, and each agrees with AccessAnnotation and PUBLIC_ENDPOINTS", () => {
    expect(tableMismatches(HTTP_ROUTES, httpDeclared)).toEqual([])
  })

  it("every RPC has an entry, every entry is a served RPC, and each agrees with its AccessAnnotation and middleware", () => {
    expect(tableMismatches(RPCS, rpcDeclared)).toEqual([])
  })

  layer(testHubLayer("embedded"), { timeout: 60_000, excludeTestServices: true })((it) => {
    it.effect("without credentials every route answers 401, except the public ones", () =>
      Effect.gen(function* () {
        const wrong: Array<string> = []
        for (const [key, policy] of servedRoutes) {
          const answer = yield* httpRequest(key, undefined)
          const expected = policy.kind === "public" ? "through" : "401"
          if (outcomeOfHttp(answer) !== expected) wrong.push(`${key}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 120)}`)
          if (policy.kind === "public" && answer.status !== 200) wrong.push(`${key}: public, but answered ${answer.status}`)
        }
        expect(wrong).toEqual([])
      }))

    it.effect("every route naming a user refuses another user's token with 403", () =>
      Effect.gen(function* () {
        const other = yield* Effect.promise(() => userToken(OTHER))
        const userScoped = servedRoutes.filter(([key]) => isUserScoped(key))
        expect(userScoped.length).toBeGreaterThan(0)
        const wrong: Array<string> = []
        for (const [key] of userScoped) {
          const answer = yield* httpRequest(key, other)
          if (outcomeOfHttp(answer) !== "403") wrong.push(`${key}: ${answer.status} ${answer.text.slice(0, 120)}`)
        }
        expect(wrong).toEqual([])
      }))

    it.effect("every admin route refuses a key with every scope but admin with 403", () =>
      Effect.gen(function* () {
        const { serviceKey } = yield* theCredentials
        const adminRoutes = servedRoutes.filter(([, policy]) => policy.kind === "admin")
        expect(adminRoutes.length).toBeGreaterThan(0)
        const wrong: Array<string> = []
        for (const [key] of adminRoutes) {
          const answer = yield* httpRequest(key, serviceKey)
          if (outcomeOfHttp(answer) !== "403") wrong.push(`${key}: ${answer.status} ${answer.text.slice(0, 120)}`)
        }
        expect(wrong).toEqual([])
      }))

    it.effect("every route answers every kind of caller as its table policy says", () =>
      Effect.gen(function* () {
        const credentials = yield* theCredentials
        const wrong: Array<string> = []
        for (const [key, policy] of servedRoutes) {
          for (const caller of callersFor(policy)) {
            const answer = yield* httpRequest(key, credentialOf(credentials, caller))
            const expected = expectedOutcome(policy, caller)
            const got = outcomeOfHttp(answer)
            if (got !== expected) wrong.push(`${key} as ${describeCaller(caller)}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 120)}`)
          }
        }
        expect(wrong).toEqual([])
      }), 120_000)

    it.effect("every RPC answers every kind of caller as its table policy says (the payload's userId is the user)", () =>
      Effect.gen(function* () {
        const { url } = yield* TestHub
        const credentials = yield* theCredentials
        const wrong: Array<string> = []
        for (const [tag, policy] of servedRpcs) {
          for (const caller of callersFor(policy)) {
            const got = outcomeOfRpc(yield* firstRpcMessage(url, tag, credentialOf(credentials, caller)))
            const expected = expectedOutcome(policy, caller)
            if (got !== expected) wrong.push(`${tag} as ${describeCaller(caller)}: expected ${expected}, got ${got}`)
          }
        }
        expect(wrong).toEqual([])
      }), 120_000)
  })
})

