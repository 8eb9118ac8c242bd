// The references of bench:events: the same rows as EventStore.append writes (a streams upsert and
// the events insert, same columns), and the same pages as readAll reads, through a plain pg.Pool.
import { Effect, type Scope } from "effect";
import * as Pg from "pg";

export interface BenchEvent {
  readonly streamId: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
}

export class RawQueryFailed extends Error {}

const query = <R extends Pg.QueryResultRow = Pg.QueryResultRow>(
  run: () => Promise<Pg.QueryResult<R>>,
): Effect.Effect<Pg.QueryResult<R>, RawQueryFailed> =>
  Effect.tryPromise({ try: run, catch: (cause) => new RawQueryFailed(cause instanceof Error ? cause.message : String(cause)) });

/** A pool closed with the scope. */
export const rawPool = (config: Pg.PoolConfig): Effect.Effect<Pg.Pool, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const pool = new Pg.Pool({ ...config, application_name: "luna-bench-raw" });
      pool.on("error", () => undefined);
      return pool;
    }),
    (pool) => Effect.promise(() => pool.end().catch(() => undefined)),
  );

const streamTypeOf = (streamId: string): string => streamId.slice(0, streamId.indexOf(":"));

// One statement, so one implicit transaction: the cheapest way to store an event with its
// stream's next version atomically.
const SINGLE = `
WITH s AS (
  INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, $2, 1)
  ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + 1, updated_at = now()
  RETURNING version
)
INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
SELECT $1, s.version, $3::uuid, $4, $5::jsonb, $6::jsonb FROM s
RETURNING position::text AS position`;

export const rawInsertOne = (pool: Pg.Pool, event: BenchEvent) =>
  query(() =>
    pool.query(SINGLE, [
      event.streamId,
      streamTypeOf(event.streamId),
      event.eventId,
      event.type,
      JSON.stringify(event.data),
      JSON.stringify(event.metadata),
    ]),
  );

/** Multi-row INSERT of `events` (one stream) with the stream upsert, in one statement. */
export const rawInsertBatch = (pool: Pg.Pool, streamId: string, events: ReadonlyArray<BenchEvent>) => {
  const values: Array<string> = [];
  const params: Array<unknown> = [streamId, streamTypeOf(streamId), events.length];
  for (const [i, event] of events.entries()) {
    const p = params.length;
    values.push(`(${i + 1}::bigint, $${p + 1}::uuid, $${p + 2}, $${p + 3}::jsonb, $${p + 4}::jsonb)`);
    params.push(event.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
  }
  const text = `
WITH s AS (
  INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, $2, $3::bigint)
  ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + $3::bigint, updated_at = now()
  RETURNING version
)
INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
SELECT $1, s.version - $3::bigint + v.n, v.event_id, v.event_type, v.data, v.metadata
FROM s, (VALUES ${values.join(", ")}) AS v(n, event_id, event_type, data, metadata)
RETURNING position::text AS position`;
  return query(() => pool.query(text, params));
};

/**
 * Diagnostic: the statement EventStore.append runs for one event (src/services/events/append.ts:
 * `luna_append_events`, one round trip), sent raw through `pg`, so that append ÷ this isolates
 * the Effect/@effect/sql layers and this ÷ one raw INSERT the work done server-side.
 */
export const rawStoreStatements = (pool: Pg.Pool, event: BenchEvent) =>
  query(() =>
    // No notify channel: the store's own appends notify after commit, outside the statement.
    pool.query("SELECT luna_append_events($1, $2, 'any', $3::jsonb, NULL) AS result", [
      event.streamId,
      streamTypeOf(event.streamId),
      JSON.stringify([{ eventId: event.eventId, type: event.type, data: event.data, metadata: event.metadata }]),
    ]),
  );

export interface RawCheckpoint {
  readonly transactionId: string;
  readonly position: string;
}

const PAGE = `
SELECT position, transaction_id, stream_id, stream_version, event_id, event_type, data, metadata, created_at
FROM events
WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
ORDER BY transaction_id, position
LIMIT $3`;

/** One page in global order after `after`, and the checkpoint of its last row. */
export const rawPage = (pool: Pg.Pool, after: RawCheckpoint, limit: number) =>
  Effect.map(
    query<{ position: string; transaction_id: string }>(() => pool.query(PAGE, [after.transactionId, after.position, limit])),
    (result) => {
      const last = result.rows[result.rows.length - 1];
      return {
        rows: result.rows.length,
        next: last === undefined ? after : { transactionId: String(last.transaction_id), position: String(last.position) },
      };
    },
  );
