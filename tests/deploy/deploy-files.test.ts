/**
 * The deployment files (deploy/) agree with the Hub they deploy:
 * - every metric the Grafana dashboard and the Prometheus rules query is in the Hub's exposition
 *   (an embedded Hub, driven until its metrics exist), or, for the few no cheap request can make
 *   appear, declared in src/;
 * - the alert rules mirror the Hub's built-in rules (thresholds, severities, `for`);
 * - the compose file runs three Hub runners on one database and Redis, with settings the Hub
 *   accepts, all scraped by Prometheus, with Grafana showing the dashboard;
 * - the Dockerfile builds in stages, runs as a non-root user and checks /monitoring/health/v2.
 * Images cannot be pulled where these files were written, so they are checked statically, plus
 * `docker compose config` when docker compose is installed.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import { randomUUID } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"
import { loadSettings } from "../../src/config.js"
import { eventually } from "../support/database.js"
import { call, type HttpAnswer, testHubLayer } from "../support/hub.js"
import { GENEROUS_LIMITS_ENV } from "../support/limits-env.js"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const DEPLOY = path.join(ROOT, "deploy")
const read = (file: string): string => readFileSync(path.join(DEPLOY, file), "utf8")
/** YAML with merge keys (`<<: *hub`), as docker compose reads it. */
const readYaml = (file: string): any => parse(read(file), { merge: true })

// ---------------------------------------------------------------------------------------------
// Metric names in PromQL

/** Words of PromQL that look like metric names but are not (functions are recognised by their `(`). */
const PROMQL_WORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan"])

/** The metric names an expression (or a Grafana `label_values(...)` query) selects. */
const metricNamesOf = (expr: string): ReadonlyArray<string> => {
  const bare = expr
    .replace(/label_values\(([^,()]+),\s*\w+\)/g, " $1 ") // Grafana variable query: the selector, not the label
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, " ") // strings: label values, regexes
    .replace(/\{[^}]*\}/g, " ") // label matchers
    .replace(/\[[^\]]*\]/g, " ") // range and subquery windows
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ") // label lists
    .replace(/\$\{[^}]*\}|\$\w+/g, " ") // Grafana variables
  const names = new Set<string>()
  // An identifier not glued to a number (1e3, 0.5) and not followed by `(` (a function call).
  for (const match of bare.matchAll(/(?<![\w.:])([A-Za-z_:][\w:]*)(?!\s*\(|[\w:])/g)) {
    const name = match[1]!
    if (!PROMQL_WORDS.has(name.toLowerCase())) names.add(name)
  }
  return [...names]
}

/** Series names of a Prometheus text exposition (`name{labels} value` lines). */
const exposedNames = (text: string): Set<string> =>
  new Set(text.split("\n").filter((line) => line !== "" && !line.startsWith("#")).map((line) => /^[A-Za-z_:][\w:]*/.exec(line)?.[0] ?? ""))

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : /\.(ts|mjs)$/.test(entry.name) ? [path.join(dir, entry.name)] : [])

const SOURCE = sourceFiles(path.join(ROOT, "src")).map((file) => readFileSync(file, "utf8")).join("\n")

/** Whether src/ declares the metric behind a series name: counters gain `_total`, histograms `_bucket`/`_sum`/`_count`. */
const declaredInSource = (series: string): boolean =>
  [series, series.replace(/_(total|bucket|sum|count)$/, "")].some((declared) => SOURCE.includes(`"${declared}"`))

/**
 * Metrics no cheap request makes appear in an embedded Hub, checked against src/ instead.
 * Keep this list short: every other name must be seen in a real exposition.
 */
const SOURCE_ONLY: Record<string, string> = {
  // Set by a named event consumer after each batch; the Hub runs none of its own yet.
  phoenix_event_consumer_lag_events: "set by a running event consumer",
  // The p95 of the cache's Redis calls: an embedded Hub has no Redis.
  phoenix_redis_latency_ms: "needs Redis"
}

const dashboard = JSON.parse(read("grafana/luna-hub-dashboard.json"))
const dashboardPanels: Array<any> = dashboard.panels.filter((panel: any) => panel.type !== "row")
const dashboardQueries: Array<string> = [
  ...dashboardPanels.flatMap((panel) => (panel.targets ?? []).map((target: any) => String(target.expr))),
  ...dashboard.templating.list.filter((v: any) => v.type === "query").map((v: any) => String(v.query?.query ?? v.query))
]
const alertRules: Array<any> = readYaml("prometheus/alert-rules.yml").groups.flatMap((group: any) => group.rules)

const referencedNames = (): Array<string> =>
  [...new Set([...dashboardQueries, ...alertRules.map((rule) => String(rule.expr))].flatMap(metricNamesOf))].sort()

describe("metric names in PromQL", () => {
  it("are found past functions, label lists, matchers, windows and Grafana variables", () => {
    expect(metricNamesOf('histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{instance=~"$instance",x="y{"}[5m])))')).toEqual(["a_bucket"])
    expect(metricNamesOf("sum(rate(b_total[1m])) * 60 > 1e3 and on (instance) c == bool 2")).toEqual(["b_total", "c"])
    expect(metricNamesOf("max(d) > 0 unless e offset 5m")).toEqual(["d", "e"])
    expect(metricNamesOf("label_values(f_total, instance)")).toEqual(["f_total"])
    expect(metricNamesOf("rate(g[${__rate_interval}])")).toEqual(["g"])
  })

  it("the dashboard and the rules name only phoenix_ metrics, and the dashboard a good many", () => {
    const names = referencedNames()
    expect(names.filter((name) => !name.startsWith("phoenix_"))).toEqual([])
    expect(names.length).toBeGreaterThanOrEqual(15)
  })
})

// Allowances no suite reaches, but API_CV_GENERATION small enough to refuse the 4th generation (a block to count).
const limitsEnv = {
  RATE_LIMIT_SCOPES: JSON.stringify({ ...JSON.parse(GENEROUS_LIMITS_ENV.RATE_LIMIT_SCOPES!), API_CV_GENERATION: { limit: 3, windowSeconds: 3600 } })
}

const postJson = (route: string, body: unknown) =>
  call(route, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
const expectStatus = (answer: HttpAnswer, status: number, what: string) => expect(answer.status, `${what}: ${answer.text}`).toBe(status)

layer(testHubLayer("embedded", { env: limitsEnv }), { timeout: 60_000, excludeTestServices: true })("the Hub's exposition", (it) => {
  it.effect("has every metric the dashboard and the alert rules query", () =>
    Effect.gen(function* () {
      // Requests that make the lazily created series exist.
      expectStatus(yield* call("/monitoring/health"), 200, "health") // request histogram and counter
      const user = `deploy-${randomUUID()}`
      expectStatus(yield* postJson(`/energy/${user}/account`, {}), 200, "open") // energy operations, events appended
      for (let i = 1; i <= 3; i++) {
        expectStatus(yield* postJson(`/energy/${user}/consume`, { action: "cv_generation", idempotencyKey: randomUUID() }), 200, `generation ${i}`)
      }
      expectStatus(yield* postJson(`/energy/${user}/consume`, { action: "cv_generation", idempotencyKey: randomUUID() }), 429, "4th generation") // a block
      expectStatus(yield* postJson(`/energy/${user}/consume`, { action: "career_transition_plan", idempotencyKey: randomUUID() }), 402, "30 of 25 left") // refused, insufficient
      for (let i = 0; i < 2; i++) expectStatus(yield* call(`/energy/${user}/transactions`), 200, "transactions") // cache lookups
      expectStatus(yield* call("/admin/keys/status"), 200, "key status") // keys expiring soon

      // The cache publishes its hit rate every 5 seconds.
      const scrape = Effect.map(call("/monitoring/metrics/prometheus/v2"), (answer) => exposedNames(answer.text))
      const exposed = yield* eventually(Effect.zipRight(Effect.sleep("250 millis"), scrape), (names) => names.has("phoenix_redis_hit_rate_pct"), "15 seconds")

      const referenced = referencedNames()
      const missing = referenced.filter((name) => !exposed.has(name) && !(name in SOURCE_ONLY))
      expect(
        missing.map((name) => `${name} (${declaredInSource(name) ? "declared in src/ but not exposed" : "not in src/"})`),
        "queried by deploy/ but absent from /monitoring/metrics/prometheus/v2"
      ).toEqual([])
      for (const name of Object.keys(SOURCE_ONLY)) {
        expect(referenced, `${name} is listed as source-only but nothing queries it`).toContain(name)
        expect(declaredInSource(name), `${name} (${SOURCE_ONLY[name]}) is not declared in src/`).toBe(true)
      }
    }))
})

// ---------------------------------------------------------------------------------------------
// Alert rules

interface BuiltInRule {
  readonly rule: string
  /** The PromQL compared with the thresholds (aggregated where the Hub evaluates cluster-wide). */
  readonly signal: string
  readonly op: ">" | "=="
  readonly warning?: number
  readonly critical?: number
  readonly for: string
}

/** The Hub's built-in rules (GET /monitoring/alerts): deploy/prometheus/alert-rules.yml must say the same. */
const BUILT_IN_RULES: ReadonlyArray<BuiltInRule> = [
  { rule: "api_latency_p95", signal: "phoenix_api_request_duration_p95", op: ">", warning: 500, critical: 2000, for: "2m" },
  { rule: "api_error_rate", signal: "phoenix_api_error_rate_pct", op: ">", warning: 1, critical: 5, for: "2m" },
  { rule: "redis_unavailable", signal: 'phoenix_dependency_up{dependency="redis"}', op: "==", critical: 0, for: "30s" },
  { rule: "db_breaker_open", signal: 'phoenix_circuit_breaker_state{breaker="database"}', op: "==", critical: 2, for: "0s" },
  { rule: "rate_limit_block_surge", signal: "sum(rate(phoenix_rate_limiter_refusals_total[1m])) * 60", op: ">", warning: 100, critical: 1000, for: "1m" },
  { rule: "keys_expiring", signal: "max(phoenix_api_keys_expiring_soon)", op: ">", warning: 0, for: "0s" },
  { rule: "gdpr_job_failed", signal: "max(phoenix_gdpr_job_failed)", op: ">", warning: 0, for: "0s" },
  { rule: "event_follower_lag", signal: "max(phoenix_event_consumer_lag_events)", op: ">", warning: 1000, critical: 10000, for: "2m" }
]

/** A Prometheus duration (`2m`, `30s`, `1h30m`; absent = 0) in seconds. */
const seconds = (duration: unknown): number => {
  if (duration === undefined || duration === null) return 0
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }
  const parts = [...String(duration).matchAll(/(\d+)(ms|s|m|h|d)/g)]
  expect(parts.map((p) => p[0]).join(""), `duration ${String(duration)}`).toBe(String(duration))
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit!]!, 0)
}

const normalised = (expr: string) => expr.replace(/\s+/g, " ").trim()

describe("deploy/prometheus/alert-rules.yml", () => {
  it("has one rule per built-in rule and severity, with the Hub's threshold and duration", () => {
    const expected = BUILT_IN_RULES.flatMap((built) =>
      (["warning", "critical"] as const).flatMap((severity) => {
        const threshold = built[severity]
        return threshold === undefined ? [] : [{ rule: built.rule, severity, expr: `${built.signal} ${built.op} ${threshold}`, for: seconds(built.for) }]
      }))
    const actual = alertRules.map((rule) => ({
      rule: rule.labels?.rule,
      severity: rule.labels?.severity,
      expr: normalised(String(rule.expr)),
      for: seconds(rule.for)
    }))
    const byKey = (a: { rule: string; severity: string }, b: { rule: string; severity: string }) =>
      `${a.rule}/${a.severity}`.localeCompare(`${b.rule}/${b.severity}`)
    expect([...actual].sort(byKey)).toEqual([...expected].sort(byKey))
  })

  it("every rule is named and annotated", () => {
    for (const rule of alertRules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^\w+$/)
      expect(String(rule.annotations?.summary ?? ""), rule.alert).not.toBe("")
      expect(String(rule.annotations?.description ?? ""), rule.alert).not.toBe("")
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Grafana

describe("deploy/grafana", () => {
  it("the dashboard has the four rows, every panel on the ${DS_PROMETHEUS} datasource", () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39)
    expect(dashboard.panels.filter((panel: any) => panel.type === "row").map((row: any) => row.title)).toEqual([
      "Performance", "Errors", "Infrastructure", "Business"
    ])
    expect(dashboard.templating.list.find((v: any) => v.name === "DS_PROMETHEUS")).toMatchObject({ type: "datasource", query: "prometheus" })
    for (const panel of dashboardPanels) {
      expect(panel.datasource, panel.title).toEqual({ type: "prometheus", uid: "${DS_PROMETHEUS}" })
      expect(panel.targets.length, panel.title).toBeGreaterThan(0)
      for (const target of panel.targets) expect(target.datasource, panel.title).toEqual(panel.datasource)
    }
    const ids = dashboard.panels.map((panel: any) => panel.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("the provisioning points Grafana at the compose Prometheus and at the mounted dashboard folder", () => {
    const compose = readYaml("docker-compose.yml")
    const [datasource] = readYaml("grafana/provisioning/datasources/prometheus.yml").datasources
    expect(datasource).toMatchObject({ type: "prometheus", url: "http://prometheus:9090" })
    expect(compose.services).toHaveProperty("prometheus")
    const [provider] = readYaml("grafana/provisioning/dashboards/luna-hub.yml").providers
    expect(provider.type).toBe("file")
    const mounts = volumesOf(compose.services.grafana)
    expect(mounts).toContainEqual({ source: "grafana/provisioning", target: "/etc/grafana/provisioning" })
    const dashboardMount = mounts.find((mount) => mount.source === "grafana/luna-hub-dashboard.json")
    expect(dashboardMount, "Grafana mounts the dashboard").toBeDefined()
    expect(path.posix.dirname(dashboardMount!.target)).toBe(provider.options.path)
  })
})

// ---------------------------------------------------------------------------------------------
// Compose

/** A service's bind mounts, sources relative to deploy/ (named volumes keep their name). */
const volumesOf = (service: any): Array<{ source: string; target: string }> =>
  (service.volumes ?? []).map((volume: any) => {
    const [source, target] = typeof volume === "string" ? volume.split(":") : [volume.source, volume.target]
    return { source: source.startsWith(".") ? path.posix.normalize(source) : source, target }
  })

const environmentOf = (service: any): Record<string, string> =>
  Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((entry: string) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]))
    : { ...service.environment }

const dotEnv = (text: string): Record<string, string> =>
  Object.fromEntries(text.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]))

/** Compose's interpolation: `${X}`, `${X:-default}`, `${X:?message}` (and their forms without `:`), `$$`. */
const interpolate = (value: string, env: Record<string, string>): string =>
  value.replace(/\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g, (whole, name: string | undefined, colon: string, kind: string, rest: string) => {
    if (name === undefined) return "$"
    const set = colon === ":" ? env[name] !== undefined && env[name] !== "" : env[name] !== undefined
    if (set) return env[name]!
    if (kind === "-") return rest
    throw new Error(`${whole}: ${name} is not set${kind === "?" ? ` (${rest})` : ""}`)
  })

const dockerfile = read("Dockerfile")
/** Instructions, continuation lines joined, comments dropped. */
const instructions = dockerfile.replace(/\\\n/g, " ").split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"))

describe("deploy/docker-compose.yml", () => {
  const compose = readYaml("docker-compose.yml")
  const services: Record<string, any> = compose.services
  const hubs = Object.keys(services).filter((name) => services[name].build?.dockerfile === "deploy/Dockerfile")

  it("runs three Hubs from the Dockerfile, each a runner of its own on the same database and Redis", () => {
    expect(hubs).toEqual(["hub-1", "hub-2", "hub-3"])
    const dockerfileChecksHealth = instructions.some((line) => line.startsWith("HEALTHCHECK"))
    for (const hub of hubs) {
      const service = services[hub]
      expect(path.posix.normalize(service.build.context), hub).toBe("..") // the repository root
      expect(service.healthcheck?.disable !== true && (service.healthcheck?.test !== undefined || dockerfileChecksHealth), `${hub} has a healthcheck`).toBe(true)
      expect(environmentOf(service).CLUSTER_RUNNER_HOST, `${hub} is reached by its service name`).toBe(hub)
      for (const dependency of ["postgres", "redis"]) {
        expect(service.depends_on?.[dependency], `${hub} waits for ${dependency}`).toEqual({ condition: "service_healthy" })
        expect(services[dependency].healthcheck?.test, `${dependency} has a healthcheck`).toBeDefined()
      }
    }
    const envs = hubs.map((hub) => environmentOf(services[hub]))
    expect(new Set(envs.map((env) => env.CLUSTER_RUNNER_HOST)).size).toBe(3)
    for (const variable of ["DATABASE_URL", "REDIS_URL", "CLUSTER_RUNNER_PORT"]) {
      expect(new Set(envs.map((env) => env[variable])).size, `one ${variable} for all`).toBe(1)
    }
    expect(new URL(envs[0]!.DATABASE_URL!.replace(/\$\{[^}]*\}/g, "x")).hostname).toBe("postgres")
    expect(new URL(envs[0]!.REDIS_URL!).hostname).toBe("redis")
    expect(services.postgres.image).toMatch(/^postgres:15/)
    expect(services.redis.image).toMatch(/^redis:7/)
  })

  it("with .env.example, every Hub's settings are accepted by the Hub in production mode", async () => {
    const env = dotEnv(read(".env.example"))
    for (const hub of hubs) {
      const settings = Object.fromEntries(Object.entries(environmentOf(services[hub])).map(([name, value]) => [name, interpolate(String(value), env)]))
      const loaded = await Effect.runPromise(Effect.either(loadSettings(settings)))
      expect(loaded._tag === "Left" ? String(loaded.left) : "", hub).toBe("")
      if (loaded._tag === "Right") {
        expect(loaded.right.mode).toBe("production")
        expect(loaded.right.cluster.runnerHost).toBe(hub)
      }
    }
  })

  it("Prometheus scrapes every Hub at the metrics path and loads the rules file", () => {
    const prometheus = readYaml("prometheus/prometheus.yml")
    const [job] = prometheus.scrape_configs
    expect(job.metrics_path).toBe("/monitoring/metrics/prometheus/v2")
    const targets = job.static_configs.flatMap((config: any) => config.targets)
    const port = /ENV .*\bPORT=(\d+)/.exec(instructions.join("\n"))?.[1]
    expect(port).toBe("8000")
    expect([...targets].sort()).toEqual(hubs.map((hub) => `${hub}:${port}`))
    // The rules file is read from the folder the compose file mounts.
    const mount = volumesOf(services.prometheus).find((volume) => volume.source === "prometheus")
    expect(mount, "Prometheus mounts deploy/prometheus").toBeDefined()
    expect(prometheus.rule_files).toEqual([`${mount!.target}/alert-rules.yml`])
    expect(services.prometheus.command).toContain(`--config.file=${mount!.target}/prometheus.yml`)
  })

  it("is accepted by `docker compose config` where docker compose exists", async ({ annotate }) => {
    const version = spawnSync("docker", ["compose", "version"], { encoding: "utf8", timeout: 20_000 })
    if (version.status !== 0) {
      // No docker compose here: the static checks of this file are all there is.
      await annotate("docker compose not available: static checks only")
      return
    }
    const config = spawnSync("docker", ["compose", "-f", "deploy/docker-compose.yml", "--env-file", "deploy/.env.example", "config", "-q"], {
      cwd: ROOT, encoding: "utf8", timeout: 60_000
    })
    await annotate(`docker compose config -q: exit ${config.status}`)
    expect(config.status, config.stderr).toBe(0)
  })
})

// ---------------------------------------------------------------------------------------------
// Dockerfile

describe("deploy/Dockerfile", () => {
  it("builds in stages and runs as a non-root user, checking /monitoring/health/v2 with node", () => {
    const froms = instructions.filter((line) => line.startsWith("FROM "))
    expect(froms.length).toBeGreaterThanOrEqual(2)
    expect(froms.at(-1)).toMatch(/^FROM node:20[\w.-]*slim\b/)
    const runtime = instructions.slice(instructions.lastIndexOf(froms.at(-1)!))
    const user = runtime.filter((line) => line.startsWith("USER ")).at(-1)
    expect(user, "the runtime stage sets a USER").toBeDefined()
    expect(user!.split(/\s+/)[1]).not.toMatch(/^(root|0)(:|$)/)
    const healthcheck = runtime.find((line) => line.startsWith("HEALTHCHECK"))
    expect(healthcheck).toContain("/monitoring/health/v2")
    expect(healthcheck).toContain("127.0.0.1")
    expect(healthcheck).toMatch(/CMD \["node"/)
    expect(runtime).toContain('CMD ["npm", "start"]')
    expect(instructions.some((line) => /^RUN .*npm ci\b/.test(line))).toBe(true)
  })

  it("its ignore file lets in exactly what the Dockerfile copies from the context", () => {
    const ignore = read("Dockerfile.dockerignore").split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"))
    expect(ignore[0], "an allow list: everything is out unless let in").toBe("*")
    const allowed = ignore.filter((line) => line.startsWith("!")).map((line) => line.slice(1).replace(/\/$/, "")).sort()
    const copied = instructions
      .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
      .flatMap((line) => line.split(/\s+/).slice(1, -1).filter((part) => !part.startsWith("--")))
      .map((source) => source.replace(/\/$/, ""))
    expect([...new Set(copied)].sort()).toEqual(allowed)
  })
})
