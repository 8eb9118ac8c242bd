/**
 * GDPR retention (SPEC concern 9): data older than GDPR_RETENTION_DAYS is deleted or stripped of its
 * personal fields (the rules and their reasons: `rules.ts`), once a day for the whole cluster.
 */
import { Context, type DateTime, type Effect } from "effect"
import type { ServiceUnavailable } from "../../common/errors.js"
import type { RetentionTable } from "./rules.js"

export interface RetentionReport {
  /** Rows older than this were concerned: the clock's now minus GDPR_RETENTION_DAYS. */
  readonly cutoff: DateTime.Utc
  /** Rows deleted or anonymised, by table. */
  readonly counts: { readonly [T in RetentionTable]: number }
  readonly durationMs: number
}

export class Retention extends Context.Tag("luna/GdprRetention")<Retention, {
  /** One pass of every rule, at the caller's clock; safe to repeat (what it did no longer matches). */
  readonly runOnce: Effect.Effect<RetentionReport, ServiceUnavailable>
}>() {}
