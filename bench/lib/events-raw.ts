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
 * Diagnostic: the statements EventStore.append runs for one event with expectedVersion "any"
 * (src/services/events/append.ts), one round trip each, on one pooled connection.
 */
export const rawStoreStatements = (pool: Pg.Pool, event: BenchEvent, notify: boolean) =>
  Effect.acquireUseRelease(
    Effect.promise(() => pool.connect()),
    (client) =>
      query(async () => {
        await client.query("BEGIN");
        try {
          await client.query("SELECT event_id::text, stream_id, stream_version::text, position::text, event_type, data FROM events WHERE event_id IN ($1)", [event.eventId]);
          await client.query("INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, $2, 0) ON CONFLICT (stream_id) DO NOTHING", [event.streamId, streamTypeOf(event.streamId)]);
          const locked = await client.query<{ version: string }>("SELECT version::text AS version FROM streams WHERE stream_id = $1 FOR UPDATE", [event.streamId]);
          const next = Number(locked.rows[0]?.version ?? 0) + 1;
          await client.query(
            "INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6) RETURNING position::text AS position",
            [event.streamId, next, event.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
          );
          await client.query("UPDATE streams SET version = $1, updated_at = now() WHERE stream_id = $2", [next, event.streamId]);
          if (notify) await client.query("SELECT pg_notify('luna_bench', $1)", [event.streamId]);
          const result = await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      }),
    (client) => Effect.sync(() => client.release()),
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
