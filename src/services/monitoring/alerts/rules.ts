/**
 * The built-in alert rules, and their overrides from `ALERT_RULES_FILE`. A rule reads one signal
 * (a number, see signals.ts); it is breached when the signal exceeds a threshold (`>`), critical
 * before warning. `deploy/prometheus/alert-rules.yml` mirrors these for Prometheus.
 */
import { Effect, Either, Schema } from "effect"
import * as fs from "node:fs"
import type { AlertRuleView } from "./schema.js"

export interface AlertRule {
  readonly name: string
  readonly summary: string
  readonly description: string
  /** What is read, and its unit (shown to operators). */
  readonly signal: string
  readonly warning: number | null
  readonly critical: number | null
  /** How long the breach must last before the alert fires (pending until then). */
  readonly forSeconds: number
  /** How long the signal must stay clear before a firing alert resolves (damps flapping). */
  readonly keepFiringForSeconds: number
  readonly enabled: boolean
}

export type RuleName =
  | "api_latency_p95"
  | "api_error_rate"
  | "redis_unavailable"
  | "db_breaker_open"
  | "rate_limit_block_surge"
  | "keys_expiring"
  | "gdpr_job_failed"
  | "event_follower_lag"

const rule = (name: RuleName, fields: Omit<AlertRule, "name" | "enabled" | "keepFiringForSeconds"> & { readonly keepFiringForSeconds?: number }): AlertRule => ({
  name,
  enabled: true,
  keepFiringForSeconds: 30,
  ...fields
})

export const DEFAULT_RULES: ReadonlyArray<AlertRule> = [
  rule("api_latency_p95", {
    summary: "API latency p95 is high",
    description: "The 95th percentile of request latency over five minutes, across instances, is over its threshold.",
    signal: "request latency p95 over 5 minutes (ms)",
    warning: 500,
    critical: 2000,
    forSeconds: 120
  }),
  rule("api_error_rate", {
    summary: "API error rate is high",
    description: "The share of 5xx answers over five minutes, across instances, is over its threshold.",
    signal: "5xx answers over 5 minutes (% of requests)",
    warning: 1,
    critical: 5,
    forSeconds: 120
  }),
  rule("redis_unavailable", {
    summary: "Redis is unavailable",
    description: "Redis does not answer or its breaker is open: caches serve from memory and rate limits fail open.",
    signal: "1 when Redis is down or its breaker open, else 0",
    warning: null,
    critical: 0,
    forSeconds: 30
  }),
  rule("db_breaker_open", {
    summary: "Database circuit breaker is open",
    description: "The database breaker opened after repeated failures: writes answer 503 until it closes.",
    signal: "1 when the database breaker is open, else 0",
    warning: null,
    critical: 0,
    forSeconds: 0
  }),
  rule("rate_limit_block_surge", {
    summary: "Rate-limit refusals surge",
    description: "Rate-limit refusals per minute are over their threshold: an abusive client or a misconfigured one.",
    signal: "rate-limit refusals per minute",
    warning: 100,
    critical: 1000,
    forSeconds: 60
  }),
  rule("keys_expiring", {
    summary: "API keys expire soon",
    description: "Working API keys stop within API_KEY_EXPIRY_WARNING_DAYS: rotate them (GET /admin/keys/status).",
    signal: "working keys expiring within the warning window",
    warning: 0,
    critical: null,
    forSeconds: 0,
    keepFiringForSeconds: 0
  }),
  rule("gdpr_job_failed", {
    summary: "A GDPR job failed",
    description: "The last GDPR retention pass failed; personal data past its retention may remain until one succeeds.",
    signal: "1 when the last retention pass failed, else 0",
    warning: 0,
    critical: null,
    forSeconds: 0,
    keepFiringForSeconds: 0
  }),
  rule("event_follower_lag", {
    summary: "An event consumer lags",
    description: "A named event consumer's checkpoint is far behind the latest event.",
    signal: "events stored after the furthest-behind consumer's checkpoint",
    warning: 1000,
    critical: 10000,
    forSeconds: 120
  })
]

/** What `ALERT_RULES_FILE` may say about a rule: any field but its name, signal and texts. */
const RuleOverride = Schema.Struct({
  warning: Schema.optional(Schema.NullOr(Schema.Number)),
  critical: Schema.optional(Schema.NullOr(Schema.Number)),
  forSeconds: Schema.optional(Schema.Number.pipe(Schema.between(0, 86_400))),
  keepFiringForSeconds: Schema.optional(Schema.Number.pipe(Schema.between(0, 86_400))),
  enabled: Schema.optional(Schema.Boolean)
})

/** `{ "rules": { "<name>": { … } } }`; unknown rule names are refused (a typo would silently do nothing). */
export const RulesFile = Schema.Struct({
  rules: Schema.Record({ key: Schema.String, value: RuleOverride })
})

/** A rules file that cannot be used: the Hub refuses to start rather than run without the alerts asked for. */
export class RulesFileInvalid extends Schema.TaggedError<RulesFileInvalid>()("RulesFileInvalid", {
  path: Schema.String,
  problem: Schema.String
}) {
  override get message(): string {
    return `ALERT_RULES_FILE=${this.path}: ${this.problem}`
  }
}

export const applyOverrides = (
  rules: ReadonlyArray<AlertRule>,
  overrides: typeof RulesFile.Type,
  path: string
): Either.Either<ReadonlyArray<AlertRule>, RulesFileInvalid> => {
  const known = new Set(rules.map((r) => r.name))
  const unknown = Object.keys(overrides.rules).filter((name) => !known.has(name))
  if (unknown.length > 0) {
    return Either.left(new RulesFileInvalid({ path, problem: `unknown rule(s) ${unknown.join(", ")}; known: ${[...known].join(", ")}` }))
  }
  return Either.right(rules.map((r): AlertRule => ({ ...r, ...(stripUndefined(overrides.rules[r.name] ?? {}) as Partial<AlertRule>) })))
}

const stripUndefined = <A extends object>(value: A): Partial<A> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<A>

const decodeRulesFile = Schema.decodeUnknownEither(Schema.parseJson(RulesFile))

/** The built-in rules with the file's overrides, read once at start. */
export const loadRules = (path: string | undefined): Effect.Effect<ReadonlyArray<AlertRule>, RulesFileInvalid> =>
  Effect.gen(function* () {
    if (path === undefined) return DEFAULT_RULES
    const text = yield* Effect.try({
      try: () => fs.readFileSync(path, "utf8"),
      catch: (error) => new RulesFileInvalid({ path, problem: `cannot be read (${(error as Error).message})` })
    })
    const parsed = decodeRulesFile(text)
    if (Either.isLeft(parsed)) return yield* new RulesFileInvalid({ path, problem: `is not a valid rules file: ${parsed.left.message}` })
    return yield* applyOverrides(DEFAULT_RULES, parsed.right, path)
  })

export const ruleView = (r: AlertRule): AlertRuleView => ({
  name: r.name,
  summary: r.summary,
  signal: r.signal,
  warning: r.warning,
  critical: r.critical,
  forSeconds: r.forSeconds,
  enabled: r.enabled
})
