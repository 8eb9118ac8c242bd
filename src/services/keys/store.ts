/** The SQL of the keys service: rows in and out of `api_keys` and `api_key_rotation_schedules`. */
import type { SqlError } from "@effect/sql/SqlError"
import type * as PgClient from "@effect/sql-pg/PgClient"
import { DateTime, Effect, Option } from "effect"
import type { KeyEnv } from "./format.js"
import type { ApiKeyInfo, RotationSchedule, Scope } from "./schema.js"
import { effectiveStatus, type KeyTimes } from "./status.js"

export interface KeyRow {
  readonly key_id: string
  readonly name: string
  readonly env: KeyEnv
  readonly scopes: ReadonlyArray<Scope>
  readonly key_hash: string
  readonly display_prefix: string
  readonly status: "active" | "rotating" | "revoked"
  readonly created_at: Date
  readonly expires_at: Date
  readonly last_used_at: Date | null
  readonly rotated_from: string | null
  readonly replaced_by: string | null
  readonly overlap_ends_at: Date | null
  readonly revoked_at: Date | null
}

export interface ScheduleRow {
  readonly key_id: string
  readonly next_run_at: Date
  readonly every_seconds: number | null
  readonly overlap_seconds: number
}

const KEY_COLUMNS = `key_id::text AS key_id, name, env, scopes, key_hash, display_prefix, status, created_at, expires_at,
  last_used_at, rotated_from::text AS rotated_from, replaced_by::text AS replaced_by, overlap_ends_at, revoked_at`

export const timesOf = (row: KeyRow): KeyTimes => ({
  status: row.status,
  expiresAtMs: row.expires_at.getTime(),
  overlapEndsAtMs: row.overlap_ends_at?.getTime() ?? null
})

const utc = (date: Date): DateTime.Utc => DateTime.unsafeMake(date)
const utcOrNull = (date: Date | null): DateTime.Utc | null => (date === null ? null : utc(date))

export const toInfo = (row: KeyRow, nowMs: number): ApiKeyInfo => ({
  id: row.key_id,
  name: row.name,
  env: row.env,
  scopes: row.scopes,
  displayPrefix: row.display_prefix,
  status: effectiveStatus(timesOf(row), nowMs),
  createdAt: utc(row.created_at),
  expiresAt: utc(row.expires_at),
  lastUsedAt: utcOrNull(row.last_used_at),
  replacedBy: row.replaced_by,
  overlapEndsAt: utcOrNull(row.overlap_ends_at),
  rotatedFrom: row.rotated_from,
  revokedAt: utcOrNull(row.revoked_at)
})

export const toSchedule = (row: ScheduleRow): RotationSchedule => ({
  keyId: row.key_id,
  nextRunAt: utc(row.next_run_at),
  everySeconds: row.every_seconds,
  overlapSeconds: row.overlap_seconds
})

const iso = (ms: number): string => new Date(ms).toISOString()

export interface NewKeyRow {
  readonly keyId: string
  readonly name: string
  readonly env: KeyEnv
  readonly scopes: ReadonlyArray<Scope>
  readonly keyHash: string
  readonly displayPrefix: string
  readonly createdAtMs: number
  readonly expiresAtMs: number
  readonly rotatedFrom: string | null
}

export const makeKeyStatements = (sql: PgClient.PgClient) => {
  const one = <A>(rows: ReadonlyArray<A>): Option.Option<A> => Option.fromNullable(rows[0])
  return {
    insert: (key: NewKeyRow): Effect.Effect<KeyRow, SqlError> =>
      Effect.map(
        sql<KeyRow>`
          INSERT INTO api_keys (key_id, name, env, scopes, key_hash, display_prefix, status, created_at, expires_at, rotated_from)
          VALUES (${key.keyId}::uuid, ${key.name}, ${key.env}, string_to_array(${key.scopes.join(",")}, ','), ${key.keyHash},
                  ${key.displayPrefix}, 'active', ${iso(key.createdAtMs)}::timestamptz, ${iso(key.expiresAtMs)}::timestamptz,
                  ${key.rotatedFrom}::uuid)
          RETURNING ${sql.unsafe(KEY_COLUMNS)}`,
        (rows) => rows[0]!
      ),
    byId: (keyId: string, options: { readonly forUpdate?: boolean } = {}): Effect.Effect<Option.Option<KeyRow>, SqlError> =>
      Effect.map(
        sql<KeyRow>`SELECT ${sql.unsafe(KEY_COLUMNS)} FROM api_keys WHERE key_id = ${keyId}::uuid ${
          sql.unsafe(options.forUpdate === true ? "FOR UPDATE" : "")
        }`,
        one
      ),
    byHash: (keyHash: string): Effect.Effect<Option.Option<KeyRow>, SqlError> =>
      Effect.map(sql<KeyRow>`SELECT ${sql.unsafe(KEY_COLUMNS)} FROM api_keys WHERE key_hash = ${keyHash}`, one),
    all: sql<KeyRow>`SELECT ${sql.unsafe(KEY_COLUMNS)} FROM api_keys ORDER BY created_at, key_id`,
    count: Effect.map(sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM api_keys`, (rows) => rows[0]?.n ?? 0),
    markRotating: (keyId: string, replacedBy: string, overlapEndsAtMs: number): Effect.Effect<KeyRow, SqlError> =>
      Effect.map(
        sql<KeyRow>`
          UPDATE api_keys SET status = 'rotating', replaced_by = ${replacedBy}::uuid, overlap_ends_at = ${iso(overlapEndsAtMs)}::timestamptz
          WHERE key_id = ${keyId}::uuid
          RETURNING ${sql.unsafe(KEY_COLUMNS)}`,
        (rows) => rows[0]!
      ),
    markRevoked: (keyId: string, nowMs: number): Effect.Effect<KeyRow, SqlError> =>
      Effect.map(
        sql<KeyRow>`
          UPDATE api_keys SET status = 'revoked', revoked_at = ${iso(nowMs)}::timestamptz
          WHERE key_id = ${keyId}::uuid
          RETURNING ${sql.unsafe(KEY_COLUMNS)}`,
        (rows) => rows[0]!
      ),
    /** Best effort, never moves backwards. */
    touchLastUsed: (keyId: string, nowMs: number): Effect.Effect<unknown, SqlError> =>
      sql`UPDATE api_keys SET last_used_at = ${iso(nowMs)}::timestamptz
          WHERE key_id = ${keyId}::uuid AND (last_used_at IS NULL OR last_used_at < ${iso(nowMs)}::timestamptz)`,
    schedules: sql<ScheduleRow>`SELECT key_id::text AS key_id, next_run_at, every_seconds, overlap_seconds FROM api_key_rotation_schedules`,
    scheduleOf: (keyId: string): Effect.Effect<Option.Option<ScheduleRow>, SqlError> =>
      Effect.map(
        sql<ScheduleRow>`SELECT key_id::text AS key_id, next_run_at, every_seconds, overlap_seconds
                         FROM api_key_rotation_schedules WHERE key_id = ${keyId}::uuid`,
        one
      ),
    upsertSchedule: (schedule: {
      readonly keyId: string
      readonly nextRunAtMs: number
      readonly everySeconds: number | null
      readonly overlapSeconds: number
    }): Effect.Effect<ScheduleRow, SqlError> =>
      Effect.map(
        sql<ScheduleRow>`
          INSERT INTO api_key_rotation_schedules (key_id, next_run_at, every_seconds, overlap_seconds)
          VALUES (${schedule.keyId}::uuid, ${iso(schedule.nextRunAtMs)}::timestamptz, ${schedule.everySeconds}, ${schedule.overlapSeconds})
          ON CONFLICT (key_id) DO UPDATE SET next_run_at = excluded.next_run_at, every_seconds = excluded.every_seconds,
            overlap_seconds = excluded.overlap_seconds
          RETURNING key_id::text AS key_id, next_run_at, every_seconds, overlap_seconds`,
        (rows) => rows[0]!
      ),
    deleteSchedule: (keyId: string): Effect.Effect<unknown, SqlError> =>
      sql`DELETE FROM api_key_rotation_schedules WHERE key_id = ${keyId}::uuid`,
    /** Due schedules, locked; rows another instance holds are skipped (it is rotating them). */
    takeDueSchedules: (nowMs: number, limit: number): Effect.Effect<ReadonlyArray<ScheduleRow>, SqlError> =>
      sql<ScheduleRow>`
        SELECT key_id::text AS key_id, next_run_at, every_seconds, overlap_seconds
        FROM api_key_rotation_schedules
        WHERE next_run_at <= ${iso(nowMs)}::timestamptz
        ORDER BY next_run_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`,
    setHandover: (keyId: string, sealed: string): Effect.Effect<unknown, SqlError> =>
      sql`UPDATE api_keys SET successor_handover = ${sealed} WHERE key_id = ${keyId}::uuid`,
    /** Takes the sealed successor of `keyId` and clears it, atomically: a handover is claimed once. */
    takeHandover: (keyId: string): Effect.Effect<Option.Option<{ readonly sealed: string; readonly successorId: string }>, SqlError> =>
      Effect.map(
        sql<{ readonly sealed: string; readonly successor_id: string }>`
          WITH held AS (
            SELECT successor_handover, replaced_by FROM api_keys
            WHERE key_id = ${keyId}::uuid AND successor_handover IS NOT NULL FOR UPDATE
          )
          UPDATE api_keys SET successor_handover = NULL FROM held
          WHERE api_keys.key_id = ${keyId}::uuid
          RETURNING held.successor_handover AS sealed, held.replaced_by::text AS successor_id`,
        (rows) => Option.map(one(rows), (row) => ({ sealed: row.sealed, successorId: row.successor_id }))
      ),
    /** Serialises first-start bootstrap across instances (transaction-scoped). */
    lockBootstrap: sql`SELECT pg_advisory_xact_lock(hashtext('luna.api_keys.bootstrap'))`
  }
}

export type KeyStatements = ReturnType<typeof makeKeyStatements>
