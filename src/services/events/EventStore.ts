/**
 * The unified event store: every concern writes its history here, in its own transaction.
 *
 * - `append` joins the caller's open transaction (`sql.withTransaction`), so domain rows and their
 *   events commit together; outside one it runs in its own. It is idempotent by event id.
 * - `readAll` and `follow` hand out events in global order, only from transactions older than the
 *   oldest one still running, so an event whose transaction commits late is never skipped.
 * - `runConsumer` runs a named consumer: one active instance per name, resumed from its stored
 *   checkpoint, at-least-once.
 *
 * Two consequences of the commit-safe global order, for whoever builds on it:
 * - Global order is (writing transaction, position), not each stream's version order: a caller's
 *   transaction that began writing before another append to the same stream sorts first even with
 *   the later version. Projections of one stream must apply events by `streamVersion`.
 * - "Oldest running transaction" is server-wide in Postgres: a long write transaction in any
 *   database of the same server holds followers back until it ends (nothing is lost or reordered).
 */
import type { SqlError } from "@effect/sql/SqlError"
import { Context, type Chunk, type Effect, type Option, type Stream } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type {
  AppendResult,
  Checkpoint,
  ConcurrencyConflict,
  EventIdReused,
  ExpectedVersion,
  InvalidEvent,
  NewEvent,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  StreamId,
  StreamNotFound
} from "./schema.js"

export interface FollowOptions {
  readonly types?: ReadonlyArray<string> | undefined
  /** Events fetched per read (default 500). */
  readonly batchSize?: number | undefined
}

export interface ConsumerOptions<E, R> {
  /** Unique across the deployment: one instance runs it at a time; its checkpoint is stored under it. */
  readonly name: string
  /** Handles a batch in global order; the checkpoint moves past the batch only when it succeeds. */
  readonly handle: (events: Chunk.Chunk<RecordedEvent>) => Effect.Effect<void, E, R>
  readonly types?: ReadonlyArray<string> | undefined
  readonly batchSize?: number | undefined
  /** Log progress every this many events (default 1000). */
  readonly progressEvery?: number | undefined
}

/** The `p_events` argument of `luna_append_events`, as JSON text. */
export interface PreparedAppend {
  readonly payload: string
}

export class EventStore extends Context.Tag("luna/EventStore")<EventStore, {
  readonly append: (
    streamId: StreamId,
    events: ReadonlyArray<NewEvent>,
    expectedVersion: ExpectedVersion
  ) => Effect.Effect<AppendResult, ConcurrencyConflict | EventIdReused | InvalidEvent | ServiceUnavailable>
  readonly readStream: (
    streamId: StreamId,
    options?: ReadStreamOptions
  ) => Effect.Effect<ReadonlyArray<RecordedEvent>, StreamNotFound | ServiceUnavailable>
  readonly readAll: (options?: ReadAllOptions) => Effect.Effect<ReadAllPage, ServiceUnavailable>
  /**
   * A unit of work whose domain rows and appends commit together, in one transaction of its own
   * (retried on connection failures, behind the database breaker). Appends inside it skip the
   * savepoint and the in-transaction NOTIFY (followers are woken after the commit); a refused
   * append (ConcurrencyConflict, EventIdReused) aborts the unit of work and is not checked for a
   * replay: the unit of work owns its idempotency.
   */
  readonly transaction: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, Exclude<E, SqlError> | ServiceUnavailable, R>
  /**
   * For a writer whose own single statement appends (domain rows and events in one round trip, by
   * calling `luna_append_events` with this payload): validates the events and builds the payload.
   * Once that statement has committed, the writer calls `appended` so followers wake and the
   * events are counted. The writer owns idempotency and conflicts (the function raises LU409 on a
   * version conflict, LU208 on a stored event id).
   */
  readonly prepare: (events: ReadonlyArray<NewEvent>) => Effect.Effect<PreparedAppend, InvalidEvent>
  readonly appended: (events: ReadonlyArray<NewEvent>) => Effect.Effect<void>
  /** Every event after `after`, in global order, then live ones as they commit; never ends by itself. */
  readonly follow: (after: Checkpoint, options?: FollowOptions) => Stream.Stream<RecordedEvent, ServiceUnavailable>
  /** Runs the consumer until interrupted (waits while another instance holds the name). */
  readonly runConsumer: <E, R>(options: ConsumerOptions<E, R>) => Effect.Effect<never, E | ServiceUnavailable, R>
  readonly consumerCheckpoint: (name: string) => Effect.Effect<Option.Option<Checkpoint>, ServiceUnavailable>
}>() {}
