/**
 * `Retention` on Postgres, and the job that runs it: a cluster singleton (one runner runs it) that
 * runs a pass at start, once migrations are applied, then every RETENTION_INTERVAL. A failed pass is
 * logged and the next interval tries again; every rule is idempotent, so a pass cut short loses nothing.
 */
import * as Singleton from "@effect/cluster/Singleton"
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as Sharding from "@effect/cluster/Sharding"
import { Clock, DateTime, Duration, Effect, Layer, Metric } from "effect"
import { HubConfig } from "../../../config.js"
import { builtOnRealTime } from "../../cluster/real-time.js"
import type { ServiceUnavailable } from "../../common/errors.js"
import { Database } from "../../database/Database.js"
import { awaitMigrated } from "../../database/live.js"
import { gdprJobFailed, retentionLastRunSeconds, retentionRows } from "./metrics.js"
import { Retention, type RetentionReport } from "./Retention.js"
import { RETENTION_RULES, type RetentionRule, type RetentionTable } from "./rules.js"

export const RETENTION_INTERVAL = Duration.hours(24)
/** Rows per batch: each batch is its own short transaction (locks held briefly on large tables). */
export const RETENTION_BATCH_ROWS = 1_000
/** Batches per table per pass (a million rows with the default batch); the rest waits for the next pass. */
const MAX_BATCHES_PER_TABLE = 1_000
const DAY_MS = 86_400_000

const withLogger = Effect.annotateLogs({ logger: "gdpr" })

const makeRetention = (batchRows: number) =>
  Effect.gen(function*() {
    if (!Number.isInteger(batchRows) || batchRows < 1) return yield* Effect.dieMessage(`batchRows must be a positive integer (got ${batchRows})`)
    const retentionDays = (yield* HubConfig).gdpr.retentionDays
    const db = yield* Database
    const sql = yield* PgClient.PgClient
    // Two passes in one process would only split the counts between them.
    const onePass = yield* Effect.makeSemaphore(1)

    const applyRule = (rule: RetentionRule, cutoff: Date): Effect.Effect<number, ServiceUnavailable> =>
      Effect.gen(function*() {
        const counted = retentionRows({ table: rule.table })
        let after = rule.start
        let total = 0
        for (let batch = 1; batch <= MAX_BATCHES_PER_TABLE; batch++) {
          const done = yield* db.guard(sql.withTransaction(rule.batch(sql, cutoff, after, batchRows)))
          // Counted per committed batch, so a pass that fails later still reports what it did.
          yield* Metric.incrementBy(counted, done.rows)
          total += done.rows
          if (done.rows < batchRows) return total
          after = done.last ?? after
          yield* Effect.logInfo("GDPR retention in progress").pipe(Effect.annotateLogs({ table: rule.table, rows: total, batch }))
        }
        yield* Effect.logWarning("GDPR retention stopped at its batch limit; the next pass goes on").pipe(
          Effect.annotateLogs({ table: rule.table, rows: total })
        )
        return total
      }).pipe(
        Effect.tap((rows) =>
          Effect.logInfo(`GDPR retention: ${rule.table} ${rule.action}`).pipe(Effect.annotateLogs({ table: rule.table, action: rule.action, rows }))
        )
      )

    const pass = Effect.gen(function*() {
      const nowMs = yield* Clock.currentTimeMillis
      const cutoff = new Date(nowMs - retentionDays * DAY_MS)
      const counts = {} as Record<RetentionTable, number>
      for (const rule of RETENTION_RULES) counts[rule.table] = yield* applyRule(rule, cutoff)
      return { cutoff: DateTime.unsafeFromDate(cutoff), counts, nowMs }
    })

    const runOnce: Effect.Effect<RetentionReport, ServiceUnavailable> = onePass.withPermits(1)(
      Effect.gen(function*() {
        const [elapsed, { cutoff, counts, nowMs }] = yield* Effect.timed(pass)
        const report: RetentionReport = { cutoff, counts, durationMs: Duration.toMillis(elapsed) }
        yield* Metric.set(retentionLastRunSeconds, Math.floor(nowMs / 1000))
        yield* Effect.logInfo("GDPR retention pass done").pipe(
          Effect.annotateLogs({
            cutoff: DateTime.formatIso(cutoff),
            retentionDays,
            rows: Object.values(counts).reduce((sum, n) => sum + n, 0),
            durationMs: report.durationMs
          })
        )
        return report
      })
    ).pipe(withLogger)

    return Retention.of({ runOnce })
  })

/** Runs a pass at start and every `interval` on one runner of the cluster, at `clock`'s time. */
const RetentionJob = (clock: Clock.Clock, interval: Duration.Duration) =>
  Singleton.make(
    "gdpr-retention",
    Effect.gen(function*() {
      const retention = yield* Retention
      yield* awaitMigrated
      yield* Effect.withClock(retention.runOnce, clock).pipe(
        Effect.zipRight(Metric.set(gdprJobFailed, 0)),
        Effect.catchAllCause((cause) =>
          Metric.set(gdprJobFailed, 1).pipe(
            Effect.zipRight(Effect.logWarning("GDPR retention pass failed; next one in the next interval", cause))
          )
        ),
        Effect.zipRight(Effect.sleep(interval)),
        Effect.forever
      )
    }).pipe(withLogger)
  )

export interface RetentionLayerOptions {
  /** Overrides RETENTION_INTERVAL (tests). */
  readonly interval?: Duration.DurationInput
  /** Overrides RETENTION_BATCH_ROWS (tests). */
  readonly batchRows?: number
}

type RetentionLayer = Layer.Layer<Retention, never, HubConfig | Database | PgClient.PgClient | Sharding.Sharding>

/**
 * The service and, unless GDPR_ENABLED=false, its daily job. The job's passes read the clock of
 * whoever builds the layer; its own loop keeps real time.
 */
export const makeRetentionLayer = (options: RetentionLayerOptions = {}): RetentionLayer =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const settings = yield* HubConfig
      const clock = yield* Effect.clock
      const service: RetentionLayer = Layer.effect(Retention, makeRetention(options.batchRows ?? RETENTION_BATCH_ROWS))
      if (!settings.gdpr.enabled) {
        yield* Effect.logWarning("GDPR retention job off (GDPR_ENABLED=false)").pipe(withLogger)
        return service
      }
      const job = builtOnRealTime(RetentionJob(clock, Duration.decode(options.interval ?? RETENTION_INTERVAL)))
      return Layer.provideMerge(job, service)
    })
  )

export const RetentionLive = makeRetentionLayer()
