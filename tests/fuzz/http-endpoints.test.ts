/**
 * Every HTTP endpoint, fuzzed: requests generated from the API's own schemas (valid ones, and valid
 * ones with one part broken), sent to an embedded Hub as the admin, as the user the request is about
 * and without credentials, and each answer held to what `/openapi.json` declares for the operation:
 * - never a 500;
 * - never a status the operation does not declare. The document already declares, per operation,
 *   the statuses the edge and the security middleware add (400 everywhere, 401/403/503 behind
 *   Authentication, 413 where a body is read, 429 everywhere but the probes, 500 everywhere: see
 *   src/http/openapi.ts), so no status is allowed beyond the document;
 * - never a body outside the schema declared for that status (ajv, $refs resolved in the document).
 *
 * Bounded: FUZZ_RUNS cases per endpoint (default 12) from FUZZ_SEED (default fixed), so a run is
 * repeatable; raise FUZZ_RUNS (or change FUZZ_SEED) to search further, and set FUZZ_ONLY to a part
 * of a route key (e.g. `/energy/`) to fuzz only those endpoints. A failing case is shrunk by
 * fast-check and saved under tests/fuzz/regressions/ (one fixture per kind of failure), and every
 * saved case is replayed on every run.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, FastCheck as fc } from "effect"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { LunaApi } from "../../src/http/api.js"
import { TEST_ADMIN_KEY } from "../support/auth.js"
import { type ContractProblem, contractProblems, describeProblem, type OpenApiDocument, readOpenApiDocument } from "../support/fuzz-openapi.js"
import { type Hints, reflectEndpoints, requestCases, type RequestCase, sendCase } from "../support/fuzz-requests.js"
import { TestHub, testHubLayer } from "../support/hub.js"

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 12)
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 424242)
const FUZZ_ONLY = process.env.FUZZ_ONLY ?? ""
const REGRESSIONS_DIR = fileURLToPath(new URL("./regressions", import.meta.url))

const endpoints = reflectEndpoints(LunaApi)
const endpointsByKey = new Map(endpoints.map((e) => [e.key, e]))

// ---------------------------------------------------------------------------------------------
// The Hub under test, prepared once: the document, and a few users, keys and transactions whose
// ids the generators pick now and then (random ids name nobody, and stop valid requests at 404).

/** Users with an account and consent; `FUZZ_USERS[0]` is also who `owner` tokens name when a request names no user. */
const FUZZ_USERS = ["fuzz-alice", "fuzz-bob"] as const
/** Erasure gets a user of its own: erasing the others would leave later endpoints nobody to find. */
const ERASABLE_USER = "fuzz-carol"
const HINTS_BY_ENDPOINT: Readonly<Record<string, Hints>> = {
  "DELETE /gdpr/delete/:userId": { userId: [ERASABLE_USER] }
}

interface World {
  readonly url: string
  readonly document: OpenApiDocument
  readonly hints: Hints
}

const asAdmin = async (url: string, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  if (response.status >= 300) throw new Error(`setup: ${method} ${path} answered ${response.status}: ${text}`)
  return JSON.parse(text) as Record<string, any>
}

const prepareHub = async (url: string): Promise<Hints> => {
  const actions = ((await asAdmin(url, "GET", "/energy/actions")).actions as Array<{ action: string }>).map((a) => a.action)
  const consentTypes = (await asAdmin(url, "GET", "/gdpr/info/consent-types")).consentTypes as Array<{ code: string; dataCategory: string }>
  const transactions: Array<string> = []
  for (const [i, userId] of [...FUZZ_USERS, ERASABLE_USER].entries()) {
    await asAdmin(url, "POST", `/energy/${userId}/account`, { plan: i === 1 ? "unlimited" : "free" })
    for (const { code } of consentTypes) await asAdmin(url, "POST", "/gdpr/consent", { userId, consentType: code, granted: true, source: "api" })
    const consumed = await asAdmin(url, "POST", `/energy/${userId}/consume`, { action: actions[0], idempotencyKey: `fuzz-setup-${i}` })
    const reserved = await asAdmin(url, "POST", `/energy/${userId}/reservations`, { amount: 1, idempotencyKey: `fuzz-setup-r${i}` })
    transactions.push(consumed.transaction.transactionId, reserved.transaction.transactionId)
  }
  // A key for the key endpoints to rotate and revoke: never the admin key the fuzzer calls with.
  const target = await asAdmin(url, "POST", "/admin/keys", { name: "fuzz target", env: "dev", scopes: ["events:read"] })
  const erasure = await asAdmin(url, "DELETE", "/gdpr/delete/fuzz-erased")
  const streams = [...new Set(((await asAdmin(url, "GET", "/admin/events?limit=100")).events as Array<{ streamId: string }>).map((e) => e.streamId))]
  return {
    userId: FUZZ_USERS,
    user_id: FUZZ_USERS,
    action: actions,
    consentType: consentTypes.map((t) => t.code),
    data_category: consentTypes.map((t) => t.dataCategory),
    keyId: [target.info.id],
    transactionId: transactions,
    reservationId: transactions,
    requestId: [erasure.requestId],
    streamId: streams
  }
}

let world: Promise<World> | undefined
const theWorld = Effect.flatMap(TestHub, (hub) =>
  Effect.promise(() => {
    world ??= (async () => {
      const spec = (await (await fetch(`${hub.url}/openapi.json`)).json()) as Record<string, any>
      return { url: hub.url, document: readOpenApiDocument(spec), hints: await prepareHub(hub.url) }
    })()
    return world
  })
)

// ---------------------------------------------------------------------------------------------
// One case: send it, list how the answer breaks the document.

const problemsOf = async ({ url, document }: World, c: RequestCase): Promise<Array<ContractProblem>> => {
  const endpoint = endpointsByKey.get(c.endpoint)
  const operation = document.operations.get(c.endpoint)
  if (endpoint === undefined || operation === undefined) {
    return [{ kind: "no answer", status: 0, detail: `${c.endpoint} is not an endpoint of the API and the document` }]
  }
  try {
    return contractProblems(operation, await sendCase(url, endpoint.path, c))
  } catch (error) {
    return [{ kind: "no answer", status: 0, detail: String(error) }]
  }
}

// ---------------------------------------------------------------------------------------------
// Regression fixtures: one JSON file per kind of failure (its signature), holding the shrunk case.

interface Regression {
  /** What kind of input broke what (e.g. `path.raw:* → undeclared status 404`): one fixture is kept per signature. */
  readonly signature: string
  readonly problem: string
  readonly seed: number
  readonly case: RequestCase
}

/** The mutation without the field it hit, and the kind of problem: the same bug found on another endpoint or field has the same signature. */
const signatureOf = (c: RequestCase, problem: ContractProblem): string =>
  `${c.mutation.replace(/:.*$/, ":*")} → ${problem.kind} ${problem.status}`

const slug = (endpoint: string) => endpoint.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")

const readRegression = (file: string): Regression => JSON.parse(readFileSync(join(REGRESSIONS_DIR, file), "utf8")) as Regression

const regressionFiles = (): Array<string> =>
  existsSync(REGRESSIONS_DIR) ? readdirSync(REGRESSIONS_DIR).filter((f) => f.endsWith(".json")).sort() : []

/**
 * Saves a shrunk failing case, unless a fixture with the same signature exists: the fuzzer finds
 * one bug on every endpoint it reaches, and one fixture per bug keeps the replay readable.
 */
const saveRegression = (c: RequestCase, problem: ContractProblem): string => {
  const signature = signatureOf(c, problem)
  const existing = regressionFiles().find((f) => readRegression(f).signature === signature)
  if (existing !== undefined) return `${existing} (already saved with the signature ${signature})`
  mkdirSync(REGRESSIONS_DIR, { recursive: true })
  const digest = createHash("sha256").update(JSON.stringify(c)).digest("hex").slice(0, 10)
  const file = `${slug(c.endpoint)}-${digest}.json`
  const regression: Regression = { signature, problem: describeProblem(problem), seed: FUZZ_SEED, case: c }
  writeFileSync(join(REGRESSIONS_DIR, file), `${JSON.stringify(regression, null, 2)}\n`)
  return file
}

const savedRegressions: ReadonlyArray<string> = regressionFiles()

// ---------------------------------------------------------------------------------------------

describe("HTTP fuzzing: every endpoint answers only what /openapi.json declares", () => {
  layer(testHubLayer("embedded"), { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("the document lists exactly the endpoints the API serves (so none escapes the fuzzer)", () =>
      Effect.gen(function* () {
        const { document } = yield* theWorld
        expect([...document.operations.keys()].sort()).toEqual(endpoints.map((e) => e.key).sort())
      }))

    for (const file of savedRegressions) {
      it.effect(`regression ${file} no longer breaks the document`, () =>
        Effect.gen(function* () {
          const saved = readRegression(file)
          const w = yield* theWorld
          const problems = yield* Effect.promise(() => problemsOf(w, saved.case))
          expect(problems.map(describeProblem), `${saved.case.endpoint} (${saved.signature}), first seen as: ${saved.problem}`).toEqual([])
        }), 60_000)
    }

    for (const endpoint of endpoints.filter((e) => e.key.includes(FUZZ_ONLY))) {
      it.effect(`fuzz ${endpoint.key}`, () =>
        Effect.gen(function* () {
          const w = yield* theWorld
          const operation = w.document.operations.get(endpoint.key)
          expect(operation, `${endpoint.key} is missing from /openapi.json`).toBeDefined()
          const hints = { ...w.hints, ...HINTS_BY_ENDPOINT[endpoint.key] }
          const cases = requestCases(endpoint, { hints, queryNames: operation!.queryParameters, fallbackUser: FUZZ_USERS[0] })
          const property = fc.asyncProperty(cases, async (c) => {
            const problems = await problemsOf(w, c)
            if (problems.length > 0) throw new Error(problems.map(describeProblem).join("\n"))
          })
          const result = yield* Effect.promise(() => fc.check(property, { seed: FUZZ_SEED, numRuns: FUZZ_RUNS }))
          if (result.failed && result.counterexample !== null) {
            const [shrunk] = result.counterexample
            // Sent once more for its problem as data (fast-check keeps only the message).
            const [problem] = yield* Effect.promise(() => problemsOf(w, shrunk))
            const saved = problem === undefined ? "not saved: the shrunk case no longer fails" : saveRegression(shrunk, problem)
            expect.fail(`${fc.defaultReportMessage(result)}\nRegression fixture: ${saved}`)
          }
        }), 120_000)
    }
  })
})
