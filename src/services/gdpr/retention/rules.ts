/**
 * The retention rules (SPEC concern 9, GDPR_RETENTION_DAYS): what happens to each table's rows older
 * than the cutoff, and why. Each rule is one batch statement, run by the caller in a transaction of
 * its own and repeated until a batch comes back short. The cutoff is a parameter (never `now()`),
 * so the caller's clock decides what "old" means.
 *
 * Rules that anonymise walk the table in key order (`after`: the previous batch's last key), so a
 * run does not rescan the rows it (or an earlier run) already cleared; those no longer match anyway.
 */
import type { SqlError } from "@effect/sql/SqlError"
import type { Fragment } from "@effect/sql/Statement"
import type * as PgClient from "@effect/sql-pg/PgClient"
import { Effect } from "effect"

export type RetentionTable = "gdpr_consent_records" | "gdpr_requests" | "energy_transactions" | "events" | "narrative_analyses" | "hub_instances"

export interface RetentionBatch {
  /** Rows deleted or anonymised by this batch. */
  readonly rows: number
  /** The key to continue after (null: no walk, the rule's own condition excludes what it did). */
  readonly last: string | null
}

export interface RetentionRule {
  readonly table: RetentionTable
  readonly action: "anonymised" | "deleted"
  /** Where a run's walk starts (the smallest key; unused by the rules that delete). */
  readonly start: string
  /** At most `limit` rows older than `cutoff`, keys after `after`; to run inside a transaction. */
  readonly batch: (sql: PgClient.PgClient, cutoff: Date, after: string, limit: number) => Effect.Effect<RetentionBatch, SqlError>
}

interface BatchRow {
  readonly changed: number
  readonly last: string | null
}

const single = (rows: ReadonlyArray<BatchRow>): RetentionBatch => ({ rows: rows[0]?.changed ?? 0, last: rows[0]?.last ?? null })

/**
 * A rule that deletes, a batch at a time, the rows of `table` (by its key column) that `condition`
 * (given the cutoff) selects; nothing to walk: deleted rows no longer match.
 */
const deleting = (
  table: RetentionTable,
  key: string,
  condition: (sql: PgClient.PgClient, cutoff: Date) => Fragment
): RetentionRule => ({
  table,
  action: "deleted",
  start: "",
  batch: (sql, cutoff, _after, limit) =>
    Effect.map(
      sql<BatchRow>`
        WITH batch AS (
          SELECT ${sql(key)} AS id FROM ${sql(table)} WHERE ${condition(sql, cutoff)} LIMIT ${limit}
        ), deleted AS (
          DELETE FROM ${sql(table)} AS t USING batch WHERE t.${sql(key)} = batch.id RETURNING 1
        )
        SELECT count(*)::int AS changed, NULL::text AS last FROM deleted`,
      single
    )
})

/**
 * Consent records are the legal proof of what a user agreed to (GDPR art. 7(1)): they are kept for
 * good. Only their network details (truncated IP, keyed hash of the user agent) go once old.
 */
const consentRecords: RetentionRule = {
  table: "gdpr_consent_records",
  action: "anonymised",
  start: "0",
  batch: (sql, cutoff, after, limit) =>
    Effect.map(
      sql<BatchRow>`
        WITH batch AS (
          SELECT record_id FROM gdpr_consent_records
          WHERE record_id > ${after}::bigint AND recorded_at < ${cutoff}
            AND (ip_anonymised IS NOT NULL OR user_agent_hash IS NOT NULL)
          ORDER BY record_id LIMIT ${limit}
        ), updated AS (
          UPDATE gdpr_consent_records AS r SET ip_anonymised = NULL, user_agent_hash = NULL
          FROM batch WHERE r.record_id = batch.record_id
          RETURNING r.record_id
        )
        SELECT count(*)::int AS changed, max(record_id)::text AS last FROM updated`,
      single
    )
}

/**
 * A completed export's request has served its purpose. Erasure requests stay: they are the
 * certificate that an erasure was done, and name the user only by a keyed hash.
 */
const exportRequests = deleting("gdpr_requests", "request_id", (sql, cutoff) => sql`kind = 'export' AND completed_at < ${cutoff}`)

/**
 * Ledger rows stay (amounts are accounting records, and the balance is their sum); their metadata,
 * free text the client sent that may name a person, is emptied. The ledger is immutable except
 * under `luna.ledger_erasure` (migration 0006), set for this transaction only.
 */
const ledgerMetadata: RetentionRule = {
  table: "energy_transactions",
  action: "anonymised",
  start: "-infinity",
  batch: (sql, cutoff, after, limit) =>
    Effect.zipRight(
      sql`SET LOCAL luna.ledger_erasure = 'on'`,
      Effect.map(
        // `>=`: created_at is not unique; rows already cleared at the boundary no longer match.
        sql<BatchRow>`
          WITH batch AS (
            SELECT transaction_id FROM energy_transactions
            WHERE created_at >= ${after}::timestamptz AND created_at < ${cutoff} AND metadata <> '{}'::jsonb
            ORDER BY created_at LIMIT ${limit}
          ), updated AS (
            UPDATE energy_transactions AS t SET metadata = '{}'::jsonb
            FROM batch WHERE t.transaction_id = batch.transaction_id
            RETURNING t.created_at
          )
          SELECT count(*)::int AS changed, max(created_at)::text AS last FROM updated`,
        single
      )
    )
}

/**
 * The ledger's events carry a copy of each row's metadata (`data.metadata`, plain or a sealed
 * envelope): emptied like the row's, so the stream still folds to the ledger. The event store is
 * append-only except under `luna.event_erasure` (migration 0002), set for this transaction only.
 */
const ledgerEventMetadata: RetentionRule = {
  table: "events",
  action: "anonymised",
  start: "0",
  batch: (sql, cutoff, after, limit) =>
    Effect.zipRight(
      sql`SET LOCAL luna.event_erasure = 'on'`,
      Effect.map(
        sql<BatchRow>`
          WITH batch AS (
            SELECT position FROM events
            WHERE position > ${after}::bigint AND stream_id LIKE 'energy:%' AND created_at < ${cutoff}
              AND data -> 'metadata' IS NOT NULL AND data -> 'metadata' <> '{}'::jsonb
            ORDER BY position LIMIT ${limit}
          ), updated AS (
            UPDATE events AS e SET data = jsonb_set(e.data, '{metadata}', '{}'::jsonb)
            FROM batch WHERE e.position = batch.position
            RETURNING e.position
          )
          SELECT count(*)::int AS changed, max(position)::text AS last FROM updated`,
        single
      )
    )
}

/** A narrative analysis quotes the user's text: once old it has served its coaching purpose. */
const narrativeAnalyses = deleting("narrative_analyses", "analysis_id", (sql, cutoff) => sql`created_at < ${cutoff}`)

/** A stopped Hub instance's record (hostname, pid) has no use once old. */
const stoppedInstances = deleting("hub_instances", "instance_id", (sql, cutoff) => sql`stopped_at < ${cutoff}`)

/** In the order they run. */
export const RETENTION_RULES: ReadonlyArray<RetentionRule> = [
  consentRecords,
  exportRequests,
  ledgerMetadata,
  ledgerEventMetadata,
  narrativeAnalyses,
  stoppedInstances
]
