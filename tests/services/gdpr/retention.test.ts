/**
 * The GDPR retention on the TestClock (which starts at 0, 1970-01-01), against both backends: rows
 * are seeded at the clock's "now", the clock is moved past GDPR_RETENTION_DAYS (365), and exactly
 * the rules' rows change: consent records lose their network details but stay, completed export
 * requests and stopped instances go, erasure certificates stay, ledger rows and their events lose
 * their metadata but keep their amounts. Each test has a database of its own, built on real time.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, HashMap, Layer, Logger, Metric, TestClock } from "effect"
import { createHash, randomUUID } from "node:crypto"
import { ClusterSingleProcess } from "../../../src/services/cluster/live.js"
import { builtOnRealTime, onRealTime } from "../../../src/services/cluster/real-time.js"
import { makeRetentionLayer, type RetentionLayerOptions } from "../../../src/services/gdpr/retention/live.js"
import { retentionLastRunSeconds, retentionRows } from "../../../src/services/gdpr/retention/metrics.js"
import { Retention } from "../../../src/services/gdpr/retention/Retention.js"
import { RETENTION_RULES, type RetentionTable } from "../../../src/services/gdpr/retention/rules.js"
import { type BackendName, backendsUnderTest, runToken } from "../../support/backends.js"
import { eventually } from "../../support/database.js"
import { eventStoreLayer } from "../../support/events.js"

const backends = await backendsUnderTest()

const DAY_MS = 86_400_000
const TABLES = RETENTION_RULES.map((rule) => rule.table)

// --- the layer under test, logs and metrics ----------------------------------------------------

interface LogLine {
  readonly message: string
  readonly level: string
  readonly annotations: Readonly<Record<string, unknown>>
}

const logCollector = () => {
  const lines: Array<LogLine> = []
  const logger = Logger.make(({ annotations, logLevel, message }) => {
    lines.push({
      message: String(Array.isArray(message) ? message[0] : message),
      level: logLevel.label,
      annotations: Object.fromEntries(HashMap.toEntries(annotations))
    })
  })
  return { lines, layer: Logger.add(logger) }
}

/**
 * Runs `self` with the retention built under the test's clock, over a fresh database and a
 * one-runner cluster (both on real time). GDPR_ENABLED=false keeps the job from racing a test's own
 * `runOnce`.
 */
const withRetention = (
  backend: BackendName,
  env: Record<string, string>,
  options: RetentionLayerOptions = {},
  logs = logCollector()
) =>
<A, E, R>(self: Effect.Effect<A, E, R>) =>
  self.pipe(
    Effect.provide(
      makeRetentionLayer(options).pipe(
        Layer.provideMerge(ClusterSingleProcess),
        // No instance of its own in hub_instances: the suites compare that table row by row.
        Layer.provideMerge(builtOnRealTime(eventStoreLayer(backend, { env: { GDPR_RETENTION_DAYS: "365", ...env }, layer: { registerInstance: false } })))
      )
    ),
    Effect.provide(logs.layer)
  )

const rowsCounted = Effect.map(
  Effect.forEach(TABLES, (table) => Metric.value(retentionRows({ table }))),
  (states) => Object.fromEntries(TABLES.map((table, i) => [table, states[i]!.count])) as Record<RetentionTable, number>
)

/** Waits in real time (the test's own clock is simulated). */
const realPause = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

// --- fixtures -----------------------------------------------------------------------------------

/** The rows a pass is expected to change, by table. */
interface Targets {
  readonly consents: Array<string>
  readonly requests: Array<string>
  readonly ledger: Array<string>
  readonly events: Array<string>
  readonly analyses: Array<string>
  readonly instances: Array<string>
}

const noTargets = (): Targets => ({ consents: [], requests: [], ledger: [], events: [], analyses: [], instances: [] })

const userHash = (label: string) => createHash("sha256").update(label).digest("hex")

/**
 * `count` rows of each kind a rule concerns, dated at the clock's now, and next to them rows no rule
 * may ever change: a consent record without network details, an erasure certificate, a pending
 * export, a ledger row without metadata, energy events without metadata, another stream's event
 * with metadata, a running instance. Returns the ids of the former.
 */
const seed = (label: string, count: number) =>
  Effect.gen(function*() {
    const sql = yield* PgClient.PgClient
    const at = new Date(yield* Clock.currentTimeMillis)
    const user = `${label}-${runToken()}`
    const targets = noTargets()

    for (let i = 0; i < count; i++) {
      const [row] = yield* sql<{ readonly id: string }>`
        INSERT INTO gdpr_consent_records (user_id, consent_type, version, granted, source, ip_anonymised, user_agent_hash, recorded_at)
        VALUES (${user}, 'essential', 1, true, 'web', '203.0.113.0', ${userHash(`${user}-ua`)}, ${at}) RETURNING record_id::text AS id`
      targets.consents.push(row!.id)
    }
    yield* sql`
      INSERT INTO gdpr_consent_records (user_id, consent_type, version, granted, source, recorded_at)
      VALUES (${user}, 'marketing', 1, false, 'api', ${at})`

    for (let i = 0; i < count; i++) {
      const id = randomUUID()
      yield* sql`
        INSERT INTO gdpr_requests (request_id, kind, user_hash, status, counts, requested_at, completed_at)
        VALUES (${id}, 'export', ${userHash(user)}, 'completed', '{"events": 3}'::jsonb, ${at}, ${at})`
      targets.requests.push(id)
    }
    yield* sql`
      INSERT INTO gdpr_requests (request_id, kind, user_hash, status, requested_at, completed_at)
      VALUES (${randomUUID()}, 'erasure', ${userHash(user)}, 'completed', ${at}, ${at}),
             (${randomUUID()}, 'export', ${userHash(user)}, 'running', ${at}, NULL)`

    yield* sql`
      INSERT INTO energy_accounts (user_id, plan, balance, reserved, regenerated_at, version, created_at, updated_at)
      VALUES (${user}, 'pack', ${10 * (count + 1)}, 0, ${at}, ${count + 2}, ${at}, ${at})`
    const ledgerRow = (seq: number, metadata: unknown) => {
      const id = randomUUID()
      return Effect.as(
        sql`
          INSERT INTO energy_transactions (transaction_id, user_id, seq, kind, amount, balance_delta, reserved_delta,
            balance_after, reserved_after, idempotency_key, fingerprint, metadata, created_at)
          VALUES (${id}, ${user}, ${seq}, 'purchase', 10, 10, 0, ${10 * (seq - 1)}, 0, ${`k-${seq}`}, 'f',
            ${JSON.stringify(metadata)}::jsonb, ${at})`,
        id
      )
    }
    for (let i = 0; i < count; i++) targets.ledger.push(yield* ledgerRow(i + 2, { note: `for ${user}`, i }))
    yield* ledgerRow(count + 2, {})

    // The ledger's event shapes: an opening without metadata, rows with theirs (plain or sealed).
    const stream = `energy:${user}`
    const other = `keys:${user}`
    yield* sql`
      INSERT INTO streams (stream_id, stream_type, version) VALUES (${stream}, 'energy', ${count + 2}), (${other}, 'keys', 1)`
    const event = (streamId: string, version: number, type: string, data: unknown) => {
      const id = randomUUID()
      return Effect.as(
        sql`
          INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, created_at)
          VALUES (${streamId}, ${version}, ${id}, ${type}, ${JSON.stringify(data)}::jsonb, '{"actor": "test"}'::jsonb, ${at})`,
        id
      )
    }
    yield* event(stream, 1, "EnergyAccountOpened", { plan: "pack" })
    for (let i = 0; i < count; i++) {
      const metadata = i === 0 ? { $sealed: "v1.key.nonce.ciphertext" } : { note: `for ${user}`, i }
      targets.events.push(yield* event(stream, i + 2, "EnergyPurchased", { amount: 10, metadata }))
    }
    yield* event(stream, count + 2, "EnergyPurchased", { amount: 10, metadata: {} })
    yield* event(other, 1, "ApiKeyCreated", { name: "k", metadata: { note: `for ${user}` } })

    for (let i = 0; i < count; i++) {
      const id = randomUUID()
      yield* sql`
        INSERT INTO narrative_analyses (analysis_id, user_id, idempotency_key, fingerprint, kind, analyzer_version, result, created_at)
        VALUES (${id}, ${user}, ${`n-${i}`}, ${userHash(`${user}-${i}`)}, 'journal', 'test', '{"$sealed": "v1.key.body"}'::jsonb, ${at})`
      targets.analyses.push(id)
    }

    const instance = (stoppedAt: Date | null) => {
      const id = randomUUID()
      return Effect.as(
        sql`
          INSERT INTO hub_instances (instance_id, started_at, stopped_at, version, mode, hostname, pid)
          VALUES (${id}, ${at}, ${stoppedAt}, '0.0.0', 'embedded', ${label}, 1)`,
        id
      )
    }
    for (let i = 0; i < count; i++) targets.instances.push(yield* instance(at))
    yield* instance(null)
    return targets
  })

/** Every row of the six tables, by id, as the rules could change them. */
const snapshot = Effect.gen(function*() {
  const sql = yield* PgClient.PgClient
  const byId = <Row extends { readonly id: string }>(rows: ReadonlyArray<Row>) => Object.fromEntries(rows.map((row) => [row.id, row]))
  return {
    consents: byId(yield* sql<{ id: string; ip: string | null; ua: string | null; granted: boolean; recorded_at: Date }>`
      SELECT record_id::text AS id, ip_anonymised AS ip, user_agent_hash AS ua, granted, recorded_at FROM gdpr_consent_records`),
    requests: byId(yield* sql<{ id: string; kind: string; status: string }>`SELECT request_id AS id, kind, status FROM gdpr_requests`),
    ledger: byId(yield* sql<{ id: string; amount: string; balance_after: string; metadata: unknown }>`
      SELECT transaction_id AS id, amount::text, balance_after::text, metadata FROM energy_transactions`),
    events: byId(yield* sql<{ id: string; stream_id: string; data: Record<string, unknown>; metadata: unknown }>`
      SELECT event_id AS id, stream_id, data, metadata FROM events`),
    analyses: byId(yield* sql<{ id: string; created_at: Date }>`SELECT analysis_id AS id, created_at FROM narrative_analyses`),
    instances: byId(yield* sql<{ id: string; stopped_at: Date | null }>`SELECT instance_id AS id, stopped_at FROM hub_instances`)
  }
})

type Snapshot = Effect.Effect.Success<typeof snapshot>

const mapSome = <Row>(rows: Record<string, Row>, ids: ReadonlyArray<string>, f: (row: Row) => Row) =>
  Object.fromEntries(Object.entries(rows).map(([id, row]) => [id, ids.includes(id) ? f(row) : row]))

const without = <Row>(rows: Record<string, Row>, ids: ReadonlyArray<string>) =>
  Object.fromEntries(Object.entries(rows).filter(([id]) => !ids.includes(id)))

/** `before` with the rules applied to `targets` only. */
const afterRetention = (before: Snapshot, targets: Targets): Snapshot => ({
  consents: mapSome(before.consents, targets.consents, (row) => ({ ...row, ip: null, ua: null })),
  requests: without(before.requests, targets.requests),
  ledger: mapSome(before.ledger, targets.ledger, (row) => ({ ...row, metadata: {} })),
  events: mapSome(before.events, targets.events, (row) => ({ ...row, data: { ...row.data, metadata: {} } })),
  analyses: without(before.analyses, targets.analyses),
  instances: without(before.instances, targets.instances)
})

const countsOf = (targets: Targets): Record<RetentionTable, number> => ({
  gdpr_consent_records: targets.consents.length,
  gdpr_requests: targets.requests.length,
  energy_transactions: targets.ledger.length,
  events: targets.events.length,
  narrative_analyses: targets.analyses.length,
  hub_instances: targets.instances.length
})

const ZERO = countsOf(noTargets())

// --- the suites ---------------------------------------------------------------------------------

for (const backend of backends) {
  describe.skipIf(backend.skip)(`GDPR retention (${backend.name})`, () => {
    it.effect("rows dated now are left alone; past GDPR_RETENTION_DAYS exactly the rules' rows change, in batches, counted", () => {
      const logs = logCollector()
      return withRetention(backend.name, { GDPR_ENABLED: "false" }, { batchRows: 2 }, logs)(Effect.gen(function*() {
        const retention = yield* Retention
        const old = yield* seed("old", 3)
        const untouched = yield* snapshot

        const early = yield* retention.runOnce
        expect(early.counts).toEqual(ZERO)
        expect(early.cutoff.epochMillis).toBe(-365 * DAY_MS)
        expect(yield* snapshot).toEqual(untouched)

        // One day later: rows that will sit exactly at the cutoff. A year after that: fresh rows.
        yield* TestClock.adjust("1 day")
        const atCutoff = yield* seed("edge", 1)
        yield* TestClock.adjust("365 days")
        yield* seed("new", 2)
        const before = yield* snapshot
        const countedBefore = yield* rowsCounted
        logs.lines.length = 0

        const report = yield* retention.runOnce
        expect(report.cutoff.epochMillis).toBe(DAY_MS)
        expect(report.counts).toEqual(countsOf(old))
        expect(yield* snapshot).toEqual(afterRetention(before, old))
        // Metrics: the rows by table, and the time of this pass.
        const countedAfter = yield* rowsCounted
        expect(Object.fromEntries(TABLES.map((t) => [t, countedAfter[t] - countedBefore[t]]))).toEqual(countsOf(old))
        expect((yield* Metric.value(retentionLastRunSeconds)).value).toBe(366 * 86_400)
        // Logs: a line per table with its count, progress for the tables that took several batches, one summary.
        const gdpr = logs.lines.filter((line) => line.annotations.logger === "gdpr")
        for (const table of TABLES) {
          expect(gdpr.filter((line) => line.message.startsWith("GDPR retention: ") && line.annotations.table === table).map((l) => l.annotations.rows))
            .toEqual([countsOf(old)[table]])
        }
        expect(gdpr.filter((line) => line.message === "GDPR retention in progress").length).toBeGreaterThanOrEqual(TABLES.length)
        expect(gdpr.filter((line) => line.message === "GDPR retention pass done")).toHaveLength(1)

        // A second pass finds nothing; a row exactly at the cutoff goes only once the cutoff is past it.
        const settled = yield* snapshot
        expect((yield* retention.runOnce).counts).toEqual(ZERO)
        expect(yield* snapshot).toEqual(settled)
        yield* TestClock.adjust("1 millis")
        expect((yield* retention.runOnce).counts).toEqual(countsOf(atCutoff))
        expect(yield* snapshot).toEqual(afterRetention(settled, atCutoff))
      }))
    }, 60_000)

    it.effect("the job runs a pass at start and then every interval; a failed pass is logged and the next one catches up", () => {
      const logs = logCollector()
      return withRetention(backend.name, {}, { interval: "200 millis" }, logs)(Effect.gen(function*() {
        const sql = yield* PgClient.PgClient
        yield* Metric.set(retentionLastRunSeconds, 0)
        // The pass at start, with nothing old yet.
        yield* onRealTime(eventually(Effect.sync(() => logs.lines.some((line) => line.message === "GDPR retention pass done")), Boolean))
        const old = yield* seed("old", 2)
        const before = yield* snapshot
        yield* sql`ALTER TABLE hub_instances RENAME TO hub_instances_away`
        yield* TestClock.adjust("400 days")
        yield* onRealTime(eventually(Effect.sync(() => logs.lines.some((line) => line.message.startsWith("GDPR retention pass failed"))), Boolean))
        expect((yield* Metric.value(retentionLastRunSeconds)).value).toBe(0)

        yield* sql`ALTER TABLE hub_instances_away RENAME TO hub_instances`
        yield* onRealTime(eventually(Metric.value(retentionLastRunSeconds), (gauge) => gauge.value === 400 * 86_400))
        expect(yield* snapshot).toEqual(afterRetention(before, old))
        expect(logs.lines.filter((line) => line.message.startsWith("GDPR retention pass failed")).every((line) => line.annotations.logger === "gdpr")).toBe(true)
      }))
    }, 60_000)

    it.effect("with GDPR_ENABLED=false the job does not run (and says so once)", () => {
      const logs = logCollector()
      return withRetention(backend.name, { GDPR_ENABLED: "false" }, { interval: "50 millis" }, logs)(Effect.gen(function*() {
        yield* seed("old", 1)
        yield* TestClock.adjust("400 days")
        const before = yield* snapshot
        yield* realPause(500)
        expect(yield* snapshot).toEqual(before)
        expect(logs.lines.filter((line) => line.message === "GDPR retention job off (GDPR_ENABLED=false)")).toHaveLength(1)
        expect(logs.lines.some((line) => line.message.startsWith("GDPR retention pass"))).toBe(false)
      }))
    }, 60_000)
  })
}
