// npm run bench:events — what the event store costs over plain SQL, and how fast followers see appends.
//
// One process, one database (a fresh `luna_bench_<token>` on the local Postgres of
// TEST_DATABASE_URL when it answers, else embedded PGlite), migrated by the database layer.
// Each figure is measured against a reference in the same run, on the same tables:
//   (a) single-event appends: EventStore.append (1 event per transaction, "any") vs one raw
//       INSERT statement writing the same rows (streams upsert + events insert), both at
//       concurrency 16 on pools of 16; plus, as a diagnostic, the store's own statements sent raw;
//   (b) batch appends of 100 events vs a raw multi-row INSERT of 100;
//   (c) readAll in pages of 500 over every row vs raw `SELECT … ORDER BY transaction_id, position
//       LIMIT 500` paging;
//   (d) follower lag: a follow started at the end, under a steady 500 appends/s for 5 s; each
//       event carries its append time, lag = delivery time − append time.
//
// stdout: a table, ratios, notes, then as the LAST line
//   {"bench":"events","ratio":…,"batchRatio":…,"readRatio":…,"followLagP50Ms":…,"followLagP99Ms":…}
// (only on success). Progress on stderr. Exit 1 on any failed operation, a follower that stopped
// or missed events, or an exceeded time budget; a read that did not return every row is a warning.
//
// Env knobs: BENCH_EVENTS_SECONDS (measured time per target in (a) and (b), default 4),
// BENCH_EVENTS_WARMUP_SECONDS (discarded warm-up per target, default 1), TEST_DATABASE_URL.
import { Cause, Context, Deferred, Duration, Effect, Fiber, Layer, Ref, Stream } from "effect";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { HubConfig } from "../src/config.js";
import { Database } from "../src/services/database/Database.js";
import { awaitMigrated, DatabaseLive, type Endpoint } from "../src/services/database/live.js";
import { EventStore } from "../src/services/events/EventStore.js";
import { EventStoreLive } from "../src/services/events/live.js";
import { generateApiKey } from "../src/services/keys/format.js";
import { type Checkpoint, type NewEvent, StreamId } from "../src/services/events/schema.js";
import { positiveNumberFromEnv, throwawaySecretsEnv } from "./lib/env.js";
import { progress, runBench } from "./lib/run.js";
import { benchDatabase } from "./lib/events-database.js";
import { eventsPerSecond, type LoadResult, type LoadTarget, measureInterleaved, percentile } from "./lib/events-load.js";
import { type BenchEvent, rawInsertBatch, rawInsertOne, rawPage, rawPool, rawStoreStatements, type RawCheckpoint } from "./lib/events-raw.js";
import { formatTable, round, type Column } from "./lib/report.js";

const CONCURRENCY = 16;
const POOL_SIZE = CONCURRENCY;
const BATCH_SIZE = 100;
const PAGE_SIZE = 500;
const SINGLE_STREAMS = 1000;
const BATCH_STREAMS = 200;
/** Bounds the rows (a) and (b) write, so (c) reads a bounded table whatever the machine. */
const MAX_SINGLE_OPS_PER_ROUND = 20_000;
const MAX_BATCH_OPS_PER_ROUND = 600;
const FOLLOW_RATE_PER_SECOND = 500;
const FOLLOW_SECONDS = 5;
const FOLLOW_TICK_MS = 10;
/** After the load stops, how long the follower may take to deliver the rest. */
const FOLLOW_DRAIN = Duration.seconds(10);
/** Per reader in (c): a slow readAll must not eat the whole budget. */
const READ_TIME_CAP = Duration.seconds(15);
const MIGRATION_WAIT = Duration.seconds(30);
/** Everything but cleanup; the cleanup (pool end, DROP DATABASE) then has the rest of the 2 minutes. */
const TIME_BUDGET = Duration.seconds(105);
const HARD_EXIT_MS = 118_000;

const log = progress("events");

const settings = {
  measuredMs: positiveNumberFromEnv("BENCH_EVENTS_SECONDS", 4) * 1000,
  warmupMs: positiveNumberFromEnv("BENCH_EVENTS_WARMUP_SECONDS", 1) * 1000,
};

const benchEvent = (kind: string, i: number, streams: number, data: Record<string, unknown> = {}): BenchEvent => ({
  streamId: `${kind}:s${i % streams}`,
  eventId: randomUUID(),
  type: "BenchAppended",
  data: { i, amount: 5, reason: "coach_message", ...data },
  metadata: { actor: "bench" },
});

const toNewEvent = (event: BenchEvent): NewEvent => ({ eventId: event.eventId, type: event.type, data: event.data, metadata: event.metadata });

interface Row {
  readonly phase: string;
  readonly result: LoadResult;
  /** Unit of one op, for the ops column. */
  readonly unit: string;
}

const ms = (value: number): string => value.toFixed(2);

const COLUMNS: ReadonlyArray<Column<Row>> = [
  { header: "phase", align: "left", cell: (row) => row.phase },
  { header: "target", align: "left", cell: (row) => row.result.label },
  { header: "ops", align: "right", cell: (row) => `${row.result.ops} ${row.unit}` },
  { header: "events", align: "right", cell: (row) => String(row.result.events) },
  { header: "seconds", align: "right", cell: (row) => (row.result.elapsedMs / 1000).toFixed(2) },
  { header: "events/s", align: "right", cell: (row) => eventsPerSecond(row.result).toFixed(0) },
  { header: "p50 ms", align: "right", cell: (row) => ms(percentile(row.result.latenciesMs, 50)) },
  { header: "p99 ms", align: "right", cell: (row) => ms(percentile(row.result.latenciesMs, 99)) },
  { header: "errors", align: "right", cell: (row) => String(row.result.errors) },
];

const ratioOf = (figure: LoadResult, reference: LoadResult): number => round(eventsPerSecond(figure) / eventsPerSecond(reference), 3);

/**
 * Reads every row once in pages, timing each page; `page` returns the rows it got and where to go
 * on. Stops after READ_TIME_CAP whatever is left (the report then says how much was read).
 */
const readEverything = <C>(
  label: string,
  start: C,
  page: (after: C) => Effect.Effect<{ readonly rows: number; readonly next: C }, unknown>,
): Effect.Effect<LoadResult> =>
  Effect.gen(function* () {
    const latencies: Array<number> = [];
    let after = start;
    let rows = 0;
    let error: string | undefined;
    const started = performance.now();
    while (performance.now() - started < Duration.toMillis(READ_TIME_CAP)) {
      const t0 = performance.now();
      const result = yield* Effect.either(page(after));
      if (result._tag === "Left") {
        error = String(result.left);
        break;
      }
      if (result.right.rows === 0) break;
      latencies.push(performance.now() - t0);
      rows += result.right.rows;
      after = result.right.next;
    }
    return {
      label,
      ops: latencies.length,
      events: rows,
      elapsedMs: performance.now() - started,
      errors: error === undefined ? 0 : 1,
      firstError: error,
      latenciesMs: latencies.sort((a, b) => a - b),
    };
  });

interface FollowLag {
  /** Appends that succeeded (each is one event to deliver). */
  readonly sent: number;
  readonly delivered: number;
  readonly sendSeconds: number;
  readonly appendErrors: number;
  /** Why the follow stream ended, if it did. */
  readonly followerStopped: string | undefined;
  /** Sorted ascending. */
  readonly lagsMs: ReadonlyArray<number>;
}

/**
 * Appends at FOLLOW_RATE_PER_SECOND for FOLLOW_SECONDS (fewer if the store cannot keep up) while a
 * follower started at `end` measures each event's lag; then waits up to FOLLOW_DRAIN for the rest.
 */
const followLag = (end: Checkpoint): Effect.Effect<FollowLag, never, EventStore> =>
  Effect.scoped(
    Effect.gen(function* () {
      const store = yield* EventStore;
      const target = FOLLOW_RATE_PER_SECOND * FOLLOW_SECONDS;
      const lags: Array<number> = [];
      const followerStopped = yield* Ref.make<string | undefined>(undefined);
      const follower = yield* store.follow(end).pipe(
        Stream.runForEach((event) =>
          Effect.sync(() => {
            const sentAtMs = (event.data as { readonly sentAtMs?: unknown }).sentAtMs;
            if (typeof sentAtMs === "number") lags.push(performance.timeOrigin + performance.now() - sentAtMs);
          }),
        ),
        Effect.tapErrorCause((cause) => {
          if (Cause.isInterruptedOnly(cause)) return Effect.void;
          const error = Cause.squash(cause) as { readonly message?: unknown; readonly cause?: { readonly message?: unknown; readonly code?: unknown } };
          const reason = `${String(error.message)}${error.cause === undefined ? "" : ` (${String(error.cause.code)}: ${String(error.cause.message)})`}`;
          return Effect.zipRight(Ref.set(followerStopped, reason), log(`(d) the follower stopped: ${reason}`));
        }),
        Effect.forkScoped,
      );
      yield* Effect.sleep("200 millis"); // the follower has read up to the end and waits

      // At most CONCURRENCY appends in flight: when the store cannot keep up, the sender waits (the
      // achieved rate is reported) instead of queueing thousands of fibers.
      const inFlight = yield* Effect.makeSemaphore(CONCURRENCY);
      const outcomes = yield* Ref.make({ ok: 0, failed: 0 });
      const appendOne = (i: number) =>
        Effect.suspend(() => {
          const event = benchEvent("benchlag", i, 100, { sentAtMs: performance.timeOrigin + performance.now() });
          return store.append(StreamId.make(event.streamId), [toNewEvent(event)], "any");
        }).pipe(
          Effect.matchCauseEffect({
            onFailure: () => Ref.update(outcomes, (o) => ({ ...o, failed: o.failed + 1 })),
            onSuccess: () => Ref.update(outcomes, (o) => ({ ...o, ok: o.ok + 1 })),
          }),
          Effect.ensuring(inFlight.release(1)),
        );
      const fibers: Array<Fiber.RuntimeFiber<unknown>> = [];
      const started = performance.now();
      const deadline = started + FOLLOW_SECONDS * 1000;
      let launched = 0;
      let nextLog = FOLLOW_RATE_PER_SECOND;
      sending: while (launched < target && performance.now() < deadline) {
        // Catch up with the schedule on each tick, so timer jitter does not lower the rate.
        const due = Math.min(target, Math.floor(((performance.now() - started) / 1000) * FOLLOW_RATE_PER_SECOND));
        while (launched < due) {
          const permit = yield* inFlight.take(1).pipe(Effect.timeoutOption(Duration.millis(Math.max(0, deadline - performance.now()))));
          if (permit._tag === "None") break sending;
          fibers.push(yield* Effect.fork(appendOne(launched++)));
        }
        if (launched >= nextLog) {
          yield* log(`(d) ${launched} appends launched, ${lags.length} delivered`);
          nextLog += FOLLOW_RATE_PER_SECOND;
        }
        yield* Effect.sleep(Duration.millis(FOLLOW_TICK_MS));
      }
      yield* Fiber.joinAll(fibers).pipe(Effect.timeoutOption(FOLLOW_DRAIN));
      const sendSeconds = (performance.now() - started) / 1000;
      const { ok, failed } = yield* Ref.get(outcomes);
      yield* log(`(d) ${ok} appends in ${sendSeconds.toFixed(1)} s (${failed} failed); ${lags.length} delivered so far`);
      const drainUntil = performance.now() + Duration.toMillis(FOLLOW_DRAIN);
      while (lags.length < ok && performance.now() < drainUntil && (yield* Ref.get(followerStopped)) === undefined) {
        yield* Effect.sleep("20 millis");
      }
      yield* Fiber.interrupt(follower);
      return {
        sent: ok,
        delivered: lags.length,
        sendSeconds,
        appendErrors: failed,
        followerStopped: yield* Ref.get(followerStopped),
        lagsMs: [...lags].sort((a, b) => a - b),
      };
    }),
  );

const program = Effect.gen(function* () {
  const database = yield* benchDatabase(process.env["TEST_DATABASE_URL"]);
  yield* log(`database: ${database.description}`);

  // The PGlite socket's address is known only once the layer starts; the raw pool dials the same.
  const upstream = yield* Deferred.make<Endpoint>();
  const layer = EventStoreLive.pipe(
    Layer.provideMerge(
      DatabaseLive({
        registerInstance: false,
        // Two pools of POOL_SIZE on one PGlite socket, plus slack.
        embeddedMaxConnections: 2 * POOL_SIZE + 4,
        route: (endpoint) => Effect.as(Deferred.succeed(upstream, endpoint), endpoint),
      }),
    ),
    // Production settings (over Postgres) require the secrets; the bench makes throwaway ones.
    Layer.provideMerge(HubConfig.fromRecord({
      ...database.env,
      SUPABASE_POOL_SIZE: String(POOL_SIZE),
      ...throwawaySecretsEnv(),
      HUB_BOOTSTRAP_ADMIN_KEY: generateApiKey("dev"),
    })),
  );
  const context = yield* Layer.build(layer);
  const store = Context.get(context, EventStore);
  const db = Context.get(context, Database);
  yield* awaitMigrated.pipe(
    Effect.provide(context),
    Effect.timeoutFail({ duration: MIGRATION_WAIT, onTimeout: () => new Error(`migrations not applied within ${Duration.format(MIGRATION_WAIT)}`) }),
  );
  const endpoint = yield* Deferred.await(upstream);
  const pool = yield* rawPool(
    database.url !== undefined
      ? { connectionString: database.url, max: POOL_SIZE }
      : { host: endpoint.host, port: endpoint.port, user: "postgres", database: "postgres", max: POOL_SIZE },
  );
  const onPostgres = db.backend === "postgres";
  const load = { concurrency: CONCURRENCY, warmupMs: settings.warmupMs, measuredMs: settings.measuredMs };

  // (a) single-event appends
  yield* log("(a) single-event appends");
  const single: ReadonlyArray<LoadTarget> = [
    {
      label: "EventStore.append",
      eventsPerOp: 1,
      op: (i) => {
        const event = benchEvent("benchsingle", i, SINGLE_STREAMS);
        return store.append(StreamId.make(event.streamId), [toNewEvent(event)], "any");
      },
    },
    { label: "raw INSERT (1 statement)", eventsPerOp: 1, op: (i) => rawInsertOne(pool, benchEvent("rawsingle", i, SINGLE_STREAMS)) },
    {
      label: "raw, the store's statement",
      eventsPerOp: 1,
      op: (i) => rawStoreStatements(pool, benchEvent("rawstmts", i, SINGLE_STREAMS)),
    },
  ];
  const [appendOne, rawOne, rawStatements] = yield* measureInterleaved(single, { ...load, maxOpsPerRound: MAX_SINGLE_OPS_PER_ROUND }, log);

  // (b) batch appends of BATCH_SIZE
  yield* log(`(b) batch appends of ${BATCH_SIZE}`);
  const batchOf = (kind: string, i: number) => Array.from({ length: BATCH_SIZE }, (_, k) => benchEvent(kind, i, BATCH_STREAMS, { k }));
  const batch: ReadonlyArray<LoadTarget> = [
    {
      label: "EventStore.append",
      eventsPerOp: BATCH_SIZE,
      op: (i) => {
        const events = batchOf("benchbatch", i);
        return store.append(StreamId.make(events[0]!.streamId), events.map(toNewEvent), "any");
      },
    },
    {
      label: `raw INSERT of ${BATCH_SIZE} rows`,
      eventsPerOp: BATCH_SIZE,
      op: (i) => {
        const events = batchOf("rawbatch", i);
        return rawInsertBatch(pool, events[0]!.streamId, events);
      },
    },
  ];
  const [appendBatch, rawBatch] = yield* measureInterleaved(batch, { ...load, maxOpsPerRound: MAX_BATCH_OPS_PER_ROUND }, log);

  // (c) reading everything in global order
  yield* log(`(c) reading every row in pages of ${PAGE_SIZE}`);
  const rawStart: RawCheckpoint = { transactionId: "0", position: "0" };
  const rawRead = (label: string) => readEverything(label, rawStart, (after) => rawPage(pool, after, PAGE_SIZE));
  const warmRead = yield* rawRead("raw SELECT (warm-up)");
  const storeRead = yield* readEverything("EventStore.readAll", { transactionId: 0n, position: 0n } as Checkpoint, (after) =>
    Effect.map(store.readAll({ after, limit: PAGE_SIZE }), (page) => ({ rows: page.events.length, next: page.next })),
  );
  const rawReadResult = yield* rawRead(`raw SELECT … LIMIT ${PAGE_SIZE}`);
  const [total] = (yield* Effect.promise(() => pool.query<{ n: string }>("SELECT count(*)::text AS n FROM events"))).rows;
  const last = (yield* Effect.promise(() =>
    pool.query<{ t: string; p: string }>("SELECT transaction_id::text AS t, position::text AS p FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1"),
  )).rows[0];
  const end: Checkpoint = last === undefined ? { transactionId: 0n, position: 0n } : { transactionId: BigInt(last.t), position: BigInt(last.p) };

  // (d) follower lag
  yield* log(`(d) follower lag: ${FOLLOW_RATE_PER_SECOND} appends/s for ${FOLLOW_SECONDS} s`);
  const lag = yield* followLag(end).pipe(Effect.provide(context));

  // ---------------------------------------------------------------------------------------------
  const rowCount = Number(total?.n ?? 0);
  const rows: Array<Row> = [
    { phase: "(a) 1 event/tx", result: appendOne!, unit: "tx" },
    { phase: "(a) 1 event/tx", result: rawOne!, unit: "tx" },
    { phase: "(a) 1 event/tx", result: rawStatements!, unit: "tx" },
    { phase: `(b) ${BATCH_SIZE} events/tx`, result: appendBatch!, unit: "tx" },
    { phase: `(b) ${BATCH_SIZE} events/tx`, result: rawBatch!, unit: "tx" },
    { phase: `(c) pages of ${PAGE_SIZE}`, result: storeRead, unit: "pages" },
    { phase: `(c) pages of ${PAGE_SIZE}`, result: rawReadResult, unit: "pages" },
  ];
  const ratio = ratioOf(appendOne!, rawOne!);
  const batchRatio = ratioOf(appendBatch!, rawBatch!);
  const readRatio = ratioOf(storeRead, rawReadResult);
  const lagP50 = round(percentile(lag.lagsMs, 50), 2);
  const lagP99 = round(percentile(lag.lagsMs, 99), 2);

  const problems: Array<string> = [];
  for (const row of rows) {
    if (row.result.errors > 0) problems.push(`${row.phase} ${row.result.label}: ${row.result.errors} failed operations (first: ${row.result.firstError ?? "?"})`);
    if (row.result.ops === 0) problems.push(`${row.phase} ${row.result.label}: no operation completed`);
  }
  // Figures stay comparable (per row returned), so a short read is reported, not fatal.
  const warnings = [warmRead, storeRead, rawReadResult]
    .filter((read) => read.events !== rowCount)
    .map((read) =>
      read.elapsedMs >= Duration.toMillis(READ_TIME_CAP)
        ? `${read.label} stopped after ${Duration.format(READ_TIME_CAP)}, having read ${read.events} of the ${rowCount} rows`
        : `${read.label} returned ${read.events} of the ${rowCount} rows in the table`,
    );
  if (lag.appendErrors > 0) problems.push(`(d) ${lag.appendErrors} appends failed`);
  if (lag.followerStopped !== undefined) problems.push(`(d) the follower stopped: ${lag.followerStopped}`);
  if (lag.delivered < lag.sent) problems.push(`(d) the follower delivered ${lag.delivered} of ${lag.sent} events within ${Duration.format(FOLLOW_DRAIN)} of the last append`);

  const report = [
    `Event store vs plain SQL on ${database.description}`,
    `(a)/(b): concurrency ${CONCURRENCY}, pools of ${POOL_SIZE}, ${settings.warmupMs / 1000} s warm-up + ${settings.measuredMs / 1000} s measured per target` +
      ` (rounds A B C then C B A); (c): one reader over all ${rowCount} rows; (d): ${FOLLOW_RATE_PER_SECOND} appends/s for ${FOLLOW_SECONDS} s`,
    "",
    formatTable(COLUMNS, rows),
    "",
    `single append / raw insert:       ${ratio.toFixed(3)} (1.000 = the store costs nothing over one raw INSERT statement)`,
    `batch append / raw batch insert:  ${batchRatio.toFixed(3)}`,
    `readAll / raw select:             ${readRatio.toFixed(3)}`,
    `  diagnostic: single append / the store's statement sent raw: ${ratioOf(appendOne!, rawStatements!).toFixed(3)} (the Effect/@effect/sql layers);` +
      ` that statement / one raw INSERT: ${ratioOf(rawStatements!, rawOne!).toFixed(3)} (the work done server-side)`,
    `follower lag: p50 ${lagP50} ms, p99 ${lagP99} ms, max ${round(lag.lagsMs[lag.lagsMs.length - 1] ?? 0, 2)} ms;` +
      ` ${lag.delivered}/${lag.sent} delivered; appends ran at ${(lag.sent / lag.sendSeconds).toFixed(0)}/s (target ${FOLLOW_RATE_PER_SECOND}/s)`,
    "notes:",
    `- backend ${db.backend}; ${os.availableParallelism()} cores; the bench, the store and the raw pool share one Node process` +
      (onPostgres ? "; Postgres runs beside it on the same machine." : "; PGlite runs in it too, one backend: transactions are serialised."),
    "- raw single insert: one statement (streams upsert in a CTE + events insert), one round trip, an implicit transaction;",
    "  EventStore.append: one statement too (luna_append_events: stream upsert checking the expected version, events insert" +
      " refusing stored ids), plus validation and the Effect/@effect/sql layers" +
      (onPostgres ? "; other instances are notified after commit, at most one NOTIFY per 10 ms (not in the transaction)." : "."),
    "- readAll also filters on pg_snapshot_xmin (gap safety) and decodes rows into RecordedEvents; the raw select does neither.",
    "- lag = delivery time − time just before append was called (same process clock): it includes the append itself.",
    ...warnings.map((warning) => `- WARNING: ${warning}`),
    ...problems.map((problem) => `- FAIL: ${problem}`),
  ];
  yield* Effect.sync(() => process.stdout.write(`${report.join("\n")}\n`));
  if (problems.length > 0) return 1;
  const line = { bench: "events", ratio, batchRatio, readRatio, followLagP50Ms: lagP50, followLagP99Ms: lagP99 };
  yield* Effect.sync(() => process.stdout.write(`${JSON.stringify(line)}\n`));
  return 0;
});

runBench("events", program, { timeBudget: TIME_BUDGET, hardExitMs: HARD_EXIT_MS });
