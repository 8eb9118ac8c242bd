/**
 * Monitoring contract shared by the HTTP door, the RPC door and clients.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

export const LegacyHealth = Schema.Struct({
  status: Schema.Literal("healthy")
}).annotations({ identifier: "LegacyHealth", description: "Liveness: the process answers." })
export type LegacyHealth = typeof LegacyHealth.Type

export const BreakerSnapshot = Schema.Struct({
  name: Schema.String,
  state: Schema.Literal("closed", "open", "half_open"),
  consecutiveFailures: Schema.Int,
  windowCalls: Schema.Int,
  windowFailures: Schema.Int,
  openedAtMs: Schema.NullOr(Schema.Number),
  retryAfterMs: Schema.Number,
  transitions: Schema.Int
}).annotations({ identifier: "BreakerSnapshot" })

export const PoolFigures = Schema.Struct({
  total: Schema.Int,
  idle: Schema.Int,
  waiting: Schema.Int,
  max: Schema.Int
}).annotations({ identifier: "PoolFigures" })

const DependencyStatus = Schema.Literal("up", "down")

export const DatabaseHealth = Schema.Struct({
  status: DependencyStatus,
  backend: Schema.Literal("postgres", "pglite"),
  latencyMs: Schema.NullOr(Schema.Number),
  error: Schema.optional(Schema.String),
  migrated: Schema.Boolean,
  pool: PoolFigures,
  breaker: BreakerSnapshot
}).annotations({ identifier: "DatabaseHealth" })

export const KeyValueHealth = Schema.Struct({
  status: DependencyStatus,
  backend: Schema.Literal("redis", "memory"),
  latencyMs: Schema.NullOr(Schema.Number),
  error: Schema.optional(Schema.String),
  breaker: BreakerSnapshot
}).annotations({ identifier: "KeyValueHealth" })

const reportFields = {
  mode: Schema.Literal("embedded", "production"),
  version: Schema.String,
  uptimeSeconds: Schema.Number,
  checkedAt: Schema.String,
  dependencies: Schema.Struct({ database: DatabaseHealth, redis: KeyValueHealth })
}

/** 200: everything up, or `degraded` when only what may fail open (Redis) is down. */
export const HealthReport = Schema.Struct({
  status: Schema.Literal("healthy", "degraded"),
  ...reportFields
}).annotations({ identifier: "HealthReport" })

/** 503: a dependency the Hub cannot serve without (the database) is down. Same body shape. */
export const UnhealthyReport = Schema.Struct({
  status: Schema.Literal("unhealthy"),
  ...reportFields
}).annotations({
  identifier: "UnhealthyReport",
  description: "The database is down: same body as HealthReport, status 503",
  ...HttpApiSchema.annotations({ status: 503 })
})

export const HealthV2 = Schema.Union(HealthReport, UnhealthyReport)
export type HealthV2 = typeof HealthV2.Type

export const ReadyReport = Schema.Struct({
  ready: Schema.Literal(true),
  checks: Schema.Struct({ migrations: Schema.Boolean, database: Schema.Boolean, redis: Schema.Boolean })
}).annotations({ identifier: "ReadyReport" })
export type ReadyReport = typeof ReadyReport.Type

export class NotReady extends Schema.TaggedError<NotReady>()(
  "NotReady",
  {
    reasons: Schema.Array(Schema.String),
    retryAfterSeconds: Schema.Int.pipe(Schema.positive())
  },
  HttpApiSchema.annotations({ status: 503, description: "Not ready to serve traffic yet (or shutting down)." })
) {
  override get message(): string {
    return `Not ready: ${this.reasons.join("; ")}`
  }
}

export const VersionInfo = Schema.Struct({
  name: Schema.String,
  version: Schema.String,
  commit: Schema.NullOr(Schema.String),
  buildTime: Schema.String,
  node: Schema.String,
  mode: Schema.Literal("embedded", "production"),
  startedAt: Schema.String
}).annotations({ identifier: "VersionInfo" })
export type VersionInfo = typeof VersionInfo.Type

/** Milliseconds between two reports, and how many reports. */
const watchFields = {
  intervalMs: Schema.Int.pipe(Schema.between(100, 60_000)),
  limit: Schema.Int.pipe(Schema.between(1, 10_000))
}

export const WatchHealthRequest = Schema.Struct(watchFields)

/** The same request as query parameters (strings on the wire). */
export const WatchHealthParams = Schema.Struct({
  intervalMs: Schema.compose(Schema.NumberFromString, watchFields.intervalMs),
  limit: Schema.compose(Schema.NumberFromString, watchFields.limit)
})
