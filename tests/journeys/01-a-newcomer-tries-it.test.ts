/**
 * Journey 1 (JOURNEYS.md): a newcomer tries it. "Clones, runs `npm install && npm start`, opens the
 * printed docs URL, finds the one-time admin key in the console, creates a service key for
 * "Phoenix CV" in `dev`, and calls `GET /monitoring/health/v2` and an energy balance with it by
 * copying examples from `/docs`."
 *
 * The Hub runs as the README starts it: `npm start` in a child process, on a fresh DATA_DIR and a
 * free PORT, nothing else set (embedded mode). Everything the newcomer uses is read from what the
 * Hub prints (the docs URL, the admin key) and from what it documents (`/docs`, `/openapi.json`):
 * each request's path and body are taken from the OpenAPI document, so the test proves the docs
 * show them. Against real Postgres and Redis the same journey runs in production mode, where the
 * admin key is the configured HUB_BOOTSTRAP_ADMIN_KEY instead of a printed one.
 */
import { describe, expect, it } from "@effect/vitest"
import { Redis } from "ioredis"
import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Duration, Effect, type Scope } from "effect"
import { getFreePort } from "../../bench/lib/net.js"
import { generateApiKey, parseApiKey } from "../../src/services/keys/format.js"
import { TEST_AUTH_ENV } from "../support/auth.js"
import { backendsUnderTest, type BackendName, runToken, TEST_REDIS_URL } from "../support/backends.js"
import { emptyDataDir, testDatabaseUrl } from "../support/database.js"
import { deleteKeysWithPrefix } from "../support/redis.js"

const backends = await backendsUnderTest()

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** The Hub's own settings: whatever the developer's shell holds of them is not the newcomer's. */
const HUB_SETTINGS = [
  "API_KEY_CACHE_SECONDS", "API_KEY_EXPIRY_WARNING_DAYS", "API_KEY_ROTATION_CHECK_SECONDS", "API_KEY_TTL_DAYS", "BUILD_TIME",
  "CACHE_TTL_LEADERBOARD", "CACHE_TTL_NARRATIVE", "CACHE_TTL_TRANSACTIONS", "CACHE_TTL_USER_ENERGY", "CACHE_TTL_USER_STATS", "CLUSTER_RUNNER_HOST",
  "CLUSTER_RUNNER_PORT", "CORS_ORIGINS", "DATABASE_URL", "DATA_DIR", "GDPR_ANONYMIZATION_SALT", "GDPR_ENABLED", "GDPR_MASTER_KEY",
  "GDPR_RETENTION_DAYS", "GIT_COMMIT", "HOST", "HTTP_MAX_BODY_BYTES", "HUB_BOOTSTRAP_ADMIN_KEY", "JWT_AUDIENCE", "JWT_ISSUER", "NARRATIVE_WORKERS",
  "JWT_SECRET", "LOG_FORMAT", "LOG_LEVEL", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "PORT", "RATE_LIMIT_ENABLED",
  "RATE_LIMIT_FAIL_OPEN", "RATE_LIMIT_REDIS_URL", "REDIS_DB", "REDIS_KEY_PREFIX", "REDIS_PASSWORD", "REDIS_POOL_SIZE",
  "REDIS_RETRY_ATTEMPTS", "REDIS_TIMEOUT", "REDIS_URL", "SHUTDOWN_DRAIN_SECONDS", "SUPABASE_POOL_SIZE",
  "SUPABASE_RETRY_ATTEMPTS", "SUPABASE_STATEMENT_TIMEOUT", "SUPABASE_TIMEOUT"
]

interface StartedHub {
  readonly child: ChildProcess
  /** Every line the Hub (and npm) printed on stdout so far. */
  readonly stdout: Array<string>
  readonly stderr: Array<string>
  readonly exited: Promise<unknown>
  readonly orphaned: () => void
}

const linesInto = (sink: Array<string>) => {
  let partial = ""
  return (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n")
    partial = parts.pop() ?? ""
    sink.push(...parts)
  }
}

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal)
  } catch {
    // already gone
  }
}

/**
 * `npm start` with exactly `settings`, in a process group of its own (npm, its shell, tsx and the
 * Hub), stopped as a group when the scope closes: SIGTERM, then SIGKILL if it lingers.
 */
const npmStart = (settings: Readonly<Record<string, string>>): Effect.Effect<StartedHub, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const env: Record<string, string | undefined> = { ...process.env }
      for (const name of HUB_SETTINGS) delete env[name]
      const child = spawn("npm", ["start"], {
        cwd: ROOT,
        env: { ...env, ...settings },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"]
      })
      const stdout: Array<string> = []
      const stderr: Array<string> = []
      child.stdout!.on("data", linesInto(stdout))
      child.stderr!.on("data", linesInto(stderr))
      const exited = once(child, "exit")
      exited.catch(() => {})
      // A detached group outlives its parent: should the test process end first, take the Hub down with it.
      const orphaned = () => child.pid !== undefined && signalGroup(child.pid, "SIGKILL")
      process.once("exit", orphaned)
      return { child, stdout, stderr, exited, orphaned }
    }),
    (hub) =>
      Effect.promise(async () => {
        process.off("exit", hub.orphaned)
        const pid = hub.child.pid
        if (pid === undefined) return
        signalGroup(pid, "SIGTERM")
        const deadline = Date.now() + 15_000
        while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
        if (groupAlive(pid)) signalGroup(pid, "SIGKILL")
      })
  )

/** Waits until `find` picks something out of the Hub's output; dies (with the output) if the Hub exits or time runs out. */
const awaitOutput = <A>(hub: StartedHub, what: string, find: (stdout: ReadonlyArray<string>) => A | undefined) =>
  Effect.gen(function* () {
    while (true) {
      const found = find(hub.stdout)
      if (found !== undefined) return found
      if (hub.child.exitCode !== null || hub.child.signalCode !== null) {
        return yield* Effect.dieMessage(`the Hub exited before printing ${what}:\n${[...hub.stdout, ...hub.stderr].join("\n")}`)
      }
      yield* Effect.sleep("50 millis")
    }
  }).pipe(
    Effect.timeoutFail({
      duration: Duration.seconds(45),
      onTimeout: () => new Error(`the Hub did not print ${what} within 45 s:\n${[...hub.stdout, ...hub.stderr].join("\n")}`)
    }),
    Effect.orDie
  )

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

/** What the newcomer does with curl: one request, optionally with a bearer credential and a JSON body. */
const request = (url: string, options: { readonly method?: string; readonly key?: string; readonly body?: unknown } = {}) =>
  Effect.promise(async (): Promise<Answer> => {
    const headers = new Headers()
    if (options.key !== undefined) headers.set("authorization", `Bearer ${options.key}`)
    if (options.body !== undefined) headers.set("content-type", "application/json")
    const response = await fetch(url, {
      method: options.method ?? "GET",
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
    })
    const text = await response.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

/** Re-sends `self` until `until` holds (the Hub answers at once; migrations and the bootstrap key land in the background). */
const until = <A>(self: Effect.Effect<A>, ok: (a: A) => boolean, what: string) =>
  Effect.gen(function* () {
    while (true) {
      const a = yield* self
      if (ok(a)) return a
      yield* Effect.sleep("100 millis")
    }
  }).pipe(
    Effect.timeoutFail({ duration: Duration.seconds(45), onTimeout: () => new Error(`${what} did not happen within 45 s`) }),
    Effect.orDie
  )

/** An operation of the OpenAPI document, which must exist. */
const operation = (spec: any, template: string, method: string) => {
  expect(Object.keys(spec.paths), `the docs list ${template}`).toContain(template)
  expect(Object.keys(spec.paths[template]), `the docs list ${method.toUpperCase()} ${template}`).toContain(method)
  return spec.paths[template][method]
}

/** A documented path with its parameters filled in, as the docs page's "try it" does. */
const fill = (template: string, params: Readonly<Record<string, string>>) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => {
    expect(params, `a value for {${name}}`).toHaveProperty(name)
    return encodeURIComponent(params[name]!)
  })

/** A named component schema of the document (`$ref` resolved once). */
const schemaOf = (spec: any, schema: any) => {
  const ref: string | undefined = schema?.$ref
  return ref === undefined ? schema : spec.components.schemas[ref.replace("#/components/schemas/", "")]
}

const requestSchema = (spec: any, op: any) => schemaOf(spec, op.requestBody?.content?.["application/json"]?.schema)

const USER = "u-123"

/** What the newcomer sets: nothing in embedded mode; the production secrets against real services. */
const settingsFor = (backend: BackendName) =>
  Effect.gen(function* () {
    const port = String(yield* Effect.promise(getFreePort))
    if (backend === "embedded") return { settings: { DATA_DIR: yield* emptyDataDir, PORT: port }, adminKey: undefined }
    const adminKey = generateApiKey("dev")
    // A key prefix of its own on the shared Redis (other suites and a benchmark may use it too), removed at the end.
    const prefix = `luna_t_${runToken()}:`
    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        const admin = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 })
        admin.on("error", () => {})
        try {
          await deleteKeysWithPrefix(admin, prefix)
        } finally {
          admin.disconnect()
        }
      }).pipe(Effect.timeout("5 seconds"), Effect.catchAllCause(() => Effect.void))
    )
    return {
      settings: {
        DATABASE_URL: yield* testDatabaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        ...TEST_AUTH_ENV,
        HUB_BOOTSTRAP_ADMIN_KEY: adminKey,
        CLUSTER_RUNNER_PORT: String(yield* Effect.promise(getFreePort)),
        PORT: port
      },
      adminKey
    }
  })

for (const backend of backends) {
  const mode = backend.name === "embedded" ? "embedded" : "production"
  describe.skipIf(backend.skip)(`journey 1: a newcomer tries it (${backend.name})`, () => {
    it.scopedLive(`npm start, the printed docs URL and admin key, a Phoenix CV key, health and an energy balance copied from /docs`, () =>
      Effect.gen(function* () {
        const { settings, adminKey: configuredKey } = yield* settingsFor(backend.name)
        const hub = yield* npmStart(settings)

        // `npm start` prints one line with the URL and the docs page.
        const startup = yield* awaitOutput(hub, "the start-up line", (lines) => {
          const line = lines.find((l) => l.includes("Luna Hub listening on"))
          return line === undefined ? undefined : (JSON.parse(line) as { message: string }).message
        })
        const [, url, printedMode, docsUrl] = /^Luna Hub listening on (http:\/\/\S+) \(mode (\w+)\); docs at (\S+)$/.exec(startup) ?? []
        expect(url).toBe(`http://127.0.0.1:${settings.PORT}`)
        expect(printedMode).toBe(mode)
        expect(docsUrl).toBe(`${url}/docs`)

        // The one-time admin key is in the console (embedded); production installs the configured one and prints none.
        let adminKey: string
        if (configuredKey === undefined) {
          const printed = yield* awaitOutput(hub, "the admin key", (lines) => {
            const keys = lines.flatMap((l) => /^\s+(luna_dev_[0-9A-Za-z]+)\s*$/.exec(l)?.slice(1) ?? [])
            return keys.length > 0 ? keys : undefined
          })
          expect(printed).toHaveLength(1)
          adminKey = printed[0]!
          expect(parseApiKey(adminKey)).toMatchObject({ env: "dev" })
        } else {
          yield* awaitOutput(hub, "the bootstrap key's installation", (lines) =>
            lines.find((l) => l.includes("Bootstrap admin key installed from HUB_BOOTSTRAP_ADMIN_KEY")))
          expect(hub.stdout.join("\n")).not.toContain(configuredKey)
          expect(hub.stdout.some((l) => /luna_(dev|staging|prod)_[0-9A-Za-z]{20,}/.test(l))).toBe(false)
          adminKey = configuredKey
        }

        // The docs page opens and shows the API (served offline: the document is in the page).
        const docs = yield* request(docsUrl!)
        expect(docs.status).toBe(200)
        expect(docs.headers.get("content-type")).toContain("text/html")
        expect(docs.text).toContain("Luna Hub")
        for (const shown of ["/admin/keys", "/monitoring/health/v2", "/energy/{userId}/account", "/energy/{userId}/balance"]) {
          expect(docs.text, `the docs page shows ${shown}`).toContain(`"${shown}"`)
        }
        const document = yield* request(`${url}/openapi.json`)
        expect(document.status).toBe(200)
        const spec = document.json
        expect(spec.openapi).toMatch(/^3\.1/)

        // With the admin key, a service key for Phoenix CV in dev, built from the documented request body.
        const createKey = operation(spec, "/admin/keys", "post")
        expect(createKey.security).toEqual([{ bearer: [] }])
        const keyRequest = requestSchema(spec, createKey)
        expect(keyRequest.required).toEqual(expect.arrayContaining(["name", "env", "scopes"]))
        expect(keyRequest.properties.env.enum).toContain("dev")
        expect(keyRequest.properties.scopes.items.enum).toContain("service")
        const body = { name: "Phoenix CV", env: "dev", scopes: ["service"] }
        expect(Object.keys(body).sort()).toEqual([...keyRequest.required].sort())
        // The admin key works once the Hub has installed it (at once in embedded mode: it was printed after).
        yield* until(request(`${url}/keys/self`, { key: adminKey }), (a) => a.status === 200, "the admin key working")
        const created = yield* request(`${url}${fill("/admin/keys", {})}`, { method: "POST", key: adminKey, body })
        expect(created.status, created.text).toBe(201)
        expect(Object.keys(createKey.responses)).toContain("201")
        expect(created.json.info).toMatchObject({ name: "Phoenix CV", env: "dev", scopes: ["service"], status: "active" })
        const serviceKey: string = created.json.key
        expect(parseApiKey(serviceKey)).toMatchObject({ env: "dev" })

        // Health with it.
        const healthOp = operation(spec, "/monitoring/health/v2", "get")
        expect(healthOp.responses).toHaveProperty("200")
        const health = yield* request(`${url}/monitoring/health/v2`, { key: serviceKey })
        expect(health.status, health.text).toBe(200)
        expect(health.json).toMatchObject({ mode, dependencies: { database: { status: "up" }, redis: { status: "up" } } })
        expect(health.json.status).toBe("healthy")

        // An energy account for u-123, then its balance, as the Energy section of the docs shows them.
        const openOp = operation(spec, "/energy/{userId}/account", "post")
        expect(openOp.security).toEqual([{ bearer: [] }])
        const openRequest = requestSchema(spec, openOp)
        expect(openRequest.required ?? []).toEqual([]) // every field has a default: `{}` opens on the free plan
        expect(openRequest.properties.plan.enum).toContain("free")
        const opened = yield* request(`${url}${fill("/energy/{userId}/account", { userId: USER })}`, { method: "POST", key: serviceKey, body: {} })
        expect(opened.status, opened.text).toBe(200)
        expect(opened.json).toMatchObject({ opened: true, account: { userId: USER, plan: "free" } })

        const balanceOp = operation(spec, "/energy/{userId}/balance", "get")
        expect(schemaOf(spec, balanceOp.responses["200"].content["application/json"].schema).required).toEqual(
          expect.arrayContaining(["userId", "plan", "balance", "available"])
        )
        const balance = yield* request(`${url}${fill("/energy/{userId}/balance", { userId: USER })}`, { key: serviceKey })
        expect(balance.status, balance.text).toBe(200)
        expect(balance.json).toMatchObject({ userId: USER, plan: "free", balance: 100, available: 100, reserved: 0 })

        // 100 is the free plan's documented opening balance.
        operation(spec, "/energy/plans", "get")
        const plans = yield* request(`${url}/energy/plans`, { key: serviceKey })
        expect(plans.status, plans.text).toBe(200)
        expect(plans.json.plans.find((p: { plan: string }) => p.plan === "free")).toMatchObject({ openingBalance: balance.json.balance })

        expect(hub.child.exitCode).toBeNull()
      }), 60_000)
  })
}
