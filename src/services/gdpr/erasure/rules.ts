/**
 * What erasure does to every table: one rule per table the migrations (and the cluster runtime)
 * create. A table without a rule fails `tests/services/gdpr/erasure-rules.test.ts`, so a later
 * migration cannot add user data that erasure would miss.
 *
 * Ledger rows keep their amounts for accounting under an irreversible pseudonym (`@erased.<random>`:
 * no user id can start with `@`, and nothing kept relates it to the user); idempotency keys are
 * replaced by a hash under a secret drawn for this erasure and never stored.
 */
import type * as PgClient from "@effect/sql-pg/PgClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"
import { LEDGER_EVENT_TYPES } from "../../energy/events.js"

export interface ErasureSubject {
  readonly userId: string
  /** The irreversible name the ledger keeps for the user. */
  readonly pseudonym: string
  /** Keys the idempotency-key hashes; forgotten when the erasure ends. */
  readonly secret: string
}

/** Rows changed, per table the rule touched. */
export type Counts = Readonly<Record<string, number>>

type Run = (sql: PgClient.PgClient, subject: ErasureSubject) => Effect.Effect<Counts, SqlError>

export type ErasureRule =
  | { readonly action: "pseudonymise" | "delete" | "rewrite"; readonly run: Run }
  /** Rows another table's rule handles with its own (a parent and its children move together). */
  | { readonly action: "with"; readonly table: string }
  | { readonly action: "none"; readonly why: string }

const count = (rows: ReadonlyArray<unknown>) => rows.length

/** Cluster tables exist only where the runtime stores messages in Postgres (production). */
const ifTableExists = (table: string, run: Run): Run => (sql, subject) =>
  Effect.flatMap(sql<{ readonly found: boolean }>`SELECT to_regclass(${table}) IS NOT NULL AS found`, ([row]) =>
    row?.found === true ? run(sql, subject) : Effect.succeed({}))

const keyHash = (sql: PgClient.PgClient, column: string, secret: string) =>
  sql`'erased:' || encode(sha256(convert_to(${sql.literal(column)} || ${secret}, 'UTF8')), 'hex')`

/** The user's streams: `<type>:<userId>`, whatever the type. */
const ownStreams = (sql: PgClient.PgClient, userId: string) => sql`stream_id = stream_type || ':' || ${userId}`

export const ERASURE_RULES: Readonly<Record<string, ErasureRule>> = {
  // The account moves to the pseudonym with its transactions (they reference it): amounts, kinds
  // and times stay; the user, their idempotency keys and their free text do not.
  energy_accounts: {
    action: "pseudonymise",
    run: (sql, { pseudonym, secret, userId }) =>
      Effect.gen(function*() {
        yield* sql`INSERT INTO energy_accounts (user_id, plan, balance, reserved, regenerated_at, version, created_at, updated_at)
          SELECT ${pseudonym}, plan, balance, reserved, regenerated_at, version, created_at, updated_at
          FROM energy_accounts WHERE user_id = ${userId}`
        const transactions = yield* sql`UPDATE energy_transactions
          SET user_id = ${pseudonym}, idempotency_key = ${keyHash(sql, "idempotency_key", secret)}, metadata = '{}'::jsonb
          WHERE user_id = ${userId} RETURNING 1`
        const accounts = yield* sql`DELETE FROM energy_accounts WHERE user_id = ${userId} RETURNING 1`
        return { energy_accounts: count(accounts), energy_transactions: count(transactions) }
      })
  },
  energy_transactions: { action: "with", table: "energy_accounts" },
  // The user's streams are renamed to the pseudonym with their events. The ledger's events keep
  // their amounts: their data names the pseudonym, keys become hashes, free text that was not
  // sealed goes, sealed fields stay as ciphertext whose key no longer exists. Any other event of
  // theirs (imported from the old system, say) keeps only its type: its data is not known to be
  // free of personal data. Request ids go from the metadata.
  streams: {
    action: "rewrite",
    run: (sql, { pseudonym, secret, userId }) =>
      Effect.gen(function*() {
        const streams = yield* sql`INSERT INTO streams (stream_id, stream_type, version, created_at, updated_at)
          SELECT stream_type || ':' || ${pseudonym}, stream_type, version, created_at, updated_at
          FROM streams WHERE ${ownStreams(sql, userId)} RETURNING 1`
        const events = yield* sql`UPDATE events SET
            stream_id = split_part(stream_id, ':', 1) || ':' || ${pseudonym},
            data = CASE WHEN event_type NOT IN ${sql.in(LEDGER_EVENT_TYPES)} THEN '{"$erased": true}'::jsonb
              WHEN jsonb_typeof(data) <> 'object' THEN data ELSE
              data || jsonb_strip_nulls(jsonb_build_object(
                'userId', CASE WHEN data ? 'userId' THEN to_jsonb(${pseudonym}::text) END,
                'idempotencyKey', CASE WHEN data ? 'idempotencyKey' THEN to_jsonb(${keyHash(sql, "(data->>'idempotencyKey')", secret)}) END,
                'metadata', CASE WHEN data ? 'metadata' AND NOT coalesce(data->'metadata' ? '$sealed', false) THEN '{}'::jsonb END
              )) END,
            metadata = CASE WHEN metadata->>'actor' = 'user:' || ${userId}
              THEN jsonb_set(metadata - 'requestId', '{actor}', to_jsonb('user:' || ${pseudonym}))
              ELSE metadata - 'requestId' END
          WHERE stream_id IN (SELECT stream_id FROM streams WHERE ${ownStreams(sql, userId)})
          RETURNING 1`
        yield* sql`DELETE FROM streams WHERE ${ownStreams(sql, userId)}`
        return { streams: count(streams), events: count(events) }
      })
  },
  events: { action: "with", table: "streams" },
  // Kept as proof of what was consented and when, under the pseudonym, without network details.
  gdpr_consent_records: {
    action: "pseudonymise",
    run: (sql, { pseudonym, userId }) =>
      Effect.map(
        sql`UPDATE gdpr_consent_records SET user_id = ${pseudonym}, ip_anonymised = NULL, user_agent_hash = NULL
            WHERE user_id = ${userId} RETURNING 1`,
        (rows) => ({ gdpr_consent_records: count(rows) })
      )
  },
  // The user's stored narrative analyses (sealed: their evidence quotes the user's texts).
  narrative_analyses: {
    action: "delete",
    run: (sql, { userId }) =>
      Effect.map(sql`DELETE FROM narrative_analyses WHERE user_id = ${userId} RETURNING 1`, (rows) => ({ narrative_analyses: count(rows) }))
  },
  // Crypto-shredding: without the key, every sealed field of the user is unreadable.
  gdpr_data_keys: {
    action: "delete",
    run: (sql, { userId }) => Effect.map(sql`DELETE FROM gdpr_data_keys WHERE user_id = ${userId} RETURNING 1`, (rows) => ({ gdpr_data_keys: count(rows) }))
  },
  // Persisted messages to the user's actors, with their replies (none today: account commands are
  // not persisted; the rule keeps it so if one ever is).
  cluster_messages: {
    action: "delete",
    run: ifTableExists("cluster_messages", (sql, { userId }) =>
      Effect.gen(function*() {
        const replies = yield* sql`DELETE FROM cluster_replies WHERE request_id IN (SELECT id FROM cluster_messages WHERE entity_id = ${userId}) RETURNING 1`
        const messages = yield* sql`DELETE FROM cluster_messages WHERE entity_id = ${userId} RETURNING 1`
        return { cluster_messages: count(messages), cluster_replies: count(replies) }
      }))
  },
  cluster_replies: { action: "with", table: "cluster_messages" },
  cluster_runners: { action: "none", why: "runner addresses of Hub processes" },
  cluster_locks: { action: "none", why: "shard ownership" },
  cluster_migrations: { action: "none", why: "the cluster runtime's schema version" },
  gdpr_requests: { action: "none", why: "keyed hashes of user ids, never ids: the erasure certificates" },
  gdpr_consent_types: { action: "none", why: "the consent texts, the same for every user" },
  energy_actions: { action: "none", why: "the action catalogue" },
  energy_plans: { action: "none", why: "plan rules" },
  api_keys: { action: "none", why: "service credentials, owned by services, not users" },
  api_key_rotation_schedules: { action: "none", why: "service credential schedules" },
  event_consumers: { action: "none", why: "consumer checkpoints" },
  hub_instances: { action: "none", why: "Hub processes" },
  monitoring_alerts: { action: "none", why: "alerts about the Hub (rule, severity, figures), never about a user" },
  monitoring_instance_signals: { action: "none", why: "each Hub process's request and dependency figures" },
  monitoring_alert_evaluations: { action: "none", why: "when the alert rules last ran" },
  luna_migrations: { action: "none", why: "the schema version" }
}

/** The rules that change rows, in table order (each moves its own children). */
export const ERASURE_RUNS: ReadonlyArray<Run> = Object.values(ERASURE_RULES).flatMap((rule) => ("run" in rule ? [rule.run] : []))
