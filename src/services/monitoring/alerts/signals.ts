/**
 * The numbers the alert rules read. Each instance measures its own (`localSignals`) and publishes
 * them; the evaluator combines its own with the other instances' fresh ones: requests and errors
 * add up, the worst p95 and the worst of every other signal count.
 */
import { Effect, Either, Metric } from "effect"
import { Database } from "../../database/Database.js"
import { RedisStore } from "../../redis/RedisStore.js"
import { Figures } from "../figures.js"
import { gaugeMax } from "../metric-reader.js"
import type { RuleName } from "./rules.js"

export interface InstanceSignals {
  /** Requests and 5xx answers of the last five minutes. */
  readonly requests: number
  readonly serverErrors: number
  readonly latencyP95Ms: number | null
  readonly rateLimitBlockedPerMinute: number
  readonly keysExpiring: number | null
  readonly gdprJobFailed: number | null
  readonly consumerLagEvents: number | null
  readonly redisDown: number
  readonly dbBreakerOpen: number
}

const FIVE_MINUTES = 300
const ONE_MINUTE_MS = 60_000

export const localSignals: Effect.Effect<InstanceSignals, never, Figures | Database | RedisStore> = Effect.gen(function* () {
  const figures = yield* Figures
  const db = yield* Database
  const kv = yield* RedisStore
  const [window, series, dbBreaker, kvBreaker] = yield* Effect.all([figures.window(FIVE_MINUTES), figures.series, db.breaker, kv.breaker])
  const redisAnswers = kv.backend === "memory" || (kvBreaker.state !== "open" && Either.isRight(yield* Effect.either(kv.ping)))
  const pairs = Metric.unsafeSnapshot()
  const since = Date.now() - ONE_MINUTE_MS
  return {
    requests: window.requests,
    serverErrors: window.serverErrors,
    latencyP95Ms: window.latencyMs.p95,
    rateLimitBlockedPerMinute: series
      .filter((point) => Date.parse(point.at) >= since)
      .reduce((sum, point) => sum + point.rateLimitBlocked, 0),
    keysExpiring: gaugeMax(pairs, "phoenix_api_keys_expiring_soon"),
    gdprJobFailed: gaugeMax(pairs, "phoenix_gdpr_job_failed"),
    consumerLagEvents: gaugeMax(pairs, "phoenix_event_consumer_lag_events"),
    redisDown: redisAnswers ? 0 : 1,
    dbBreakerOpen: dbBreaker.state === "open" ? 1 : 0
  }
})

const worst = (values: ReadonlyArray<number | null>): number | null =>
  values.reduce<number | null>((max, v) => (v === null ? max : max === null || v > max ? v : max), null)

/** Each rule's value for the cluster (null: no instance could measure it). */
export const ruleValues = (all: ReadonlyArray<InstanceSignals>): Record<RuleName, number | null> => {
  const requests = all.reduce((sum, s) => sum + s.requests, 0)
  const serverErrors = all.reduce((sum, s) => sum + s.serverErrors, 0)
  return {
    // No request in five minutes: nothing is slow.
    api_latency_p95: worst(all.map((s) => s.latencyP95Ms)) ?? 0,
    api_error_rate: requests === 0 ? 0 : (serverErrors / requests) * 100,
    redis_unavailable: worst(all.map((s) => s.redisDown)),
    db_breaker_open: worst(all.map((s) => s.dbBreakerOpen)),
    rate_limit_block_surge: all.reduce((sum, s) => sum + s.rateLimitBlockedPerMinute, 0),
    keys_expiring: worst(all.map((s) => s.keysExpiring)),
    gdpr_job_failed: worst(all.map((s) => s.gdprJobFailed)),
    event_follower_lag: worst(all.map((s) => s.consumerLagEvents))
  }
}
