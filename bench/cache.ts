// npm run bench:cache — the Hub's cache against bentocache, configured alike, in one process.
//
// Both caches: a memory tier (L1) in front of Redis (L2) on 127.0.0.1:6379 through ioredis, with
// their invalidation bus (the Hub's pub/sub channel, bentocache's `redisBusDriver`), TTL 60 s,
// grace 300 s, lock 5 s, the same keys and the same value ({ id, n, tags }, a Schema for the Hub).
// Every key lives under a per-run prefix `luna_bench_cache_<token>:` and is deleted at the end
// (SCAN + UNLINK; never FLUSHDB: the server is shared). Phases, each measured for both in the same
// run (warm-up discarded, then two halves in mirrored order):
//   (1) L1 hits: getOrSet on 1,000 keys already in memory, one worker (sequential) and 64 workers;
//       plus, as a diagnostic, bentocache with `serialize: false` (objects in L1, no byte bound);
//   (2) L2 hits at concurrency 64: 1,000 keys written by one instance, read by a second instance
//       sharing Redis and the prefix whose memory tier holds one entry (maxEntries / maxItems 1);
//   (3) miss then fill at concurrency 64: a new key every op, the loader answers at once;
//   (4) stampede: 1,000 concurrent getOrSet on one fresh key, loader 50 ms, on 1 instance and on 3
//       instances (each its own Redis connections and bus, same prefix), loader calls counted.
//
// stdout: tables, ratios with their goals, notes, then as the LAST line
//   {"bench":"cache","ratio":…,"l2Ratio":…,"missRatio":…,"loaderCalls1Instance":…,…}
// (only on success). Progress on stderr. Exit 1 on a failed operation, a wrong stampede answer,
// Redis not answering, or an exceeded time budget.
//
// Env knobs: BENCH_CACHE_SECONDS (measured time per target per phase, default 3),
// BENCH_CACHE_WARMUP_SECONDS (discarded warm-up per target per phase, default 0.5).
import { Duration, Effect } from "effect";
import type { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { loadSettings } from "../src/config.js";
import {
  awaitHealthy,
  type Bento,
  bentoStampede,
  bentoTarget,
  hubStampede,
  hubTarget,
  type LoadPlan,
  type LoadResult,
  measureInterleaved,
  opsPerSecond,
  type StampedeResult,
} from "./lib/cache-load.js";
import {
  adminConnection,
  benchValue,
  BenchValue,
  countKeysWithPrefix,
  deleteKeysWithPrefix,
  GRACE_MS,
  type HubCache,
  LOCK_MS,
  makeBento,
  makeHubCache,
  TTL_MS,
  VALUE_KIND,
} from "./lib/cache-targets.js";
import { positiveNumberFromEnv } from "./lib/env.js";
import { progress, runBench } from "./lib/run.js";
import { installedVersion } from "./lib/async-workers.js";
import { formatTable, round, type Column } from "./lib/report.js";

const REDIS_URL = "redis://127.0.0.1:6379";
const BENTOCACHE_VERSION = installedVersion("bentocache");
const HOT_KEYS = 1_000;
const CONCURRENCY = 64;
/** Filling is not measured: kept low so it does not push the Hub's Redis calls past their timeout. */
const FILL_CONCURRENCY = 8;
/** Keys a miss-phase run may create (each is a Redis write), whatever the machine. */
const MAX_MISS_OPS_PER_RUN = 40_000;
/** A bound on in-memory loops too: no run goes on for ever if the clock check were wrong. */
const MAX_HIT_OPS_PER_RUN = 50_000_000;
/** Ops between two clock reads: an L1 hit costs a few microseconds, a Redis round trip far more. */
const L1_CHECK_EVERY = 64;
const STAMPEDE_CALLS = 1_000;
const STAMPEDE_LOADER_MS = 50;
const STAMPEDE_ROUNDS = 3;
const STAMPEDE_INSTANCES = 3;
/** Memory bounds of the instances that must keep everything (64 MiB, 100,000 entries). */
const ROOMY = { maxEntries: 100_000, maxBytes: 64 * 1024 * 1024 };
/** The L2 readers: one entry, so a read of any other key goes to Redis. */
const ONE_ENTRY = { maxEntries: 1, maxBytes: 64 * 1024 * 1024 };
const GOAL_L1_RATIO = 2;
const GOAL_L2_RATIO = 1;
/** Everything but cleanup; the cleanup (closing connections, deleting keys) then has the rest. */
const TIME_BUDGET = Duration.seconds(80);
const HARD_EXIT_MS = 89_000;

const log = progress("cache");

const settings = {
  measuredMs: positiveNumberFromEnv("BENCH_CACHE_SECONDS", 3) * 1000,
  warmupMs: positiveNumberFromEnv("BENCH_CACHE_WARMUP_SECONDS", 0.5) * 1000,
};

const runPrefix = `luna_bench_cache_${randomBytes(6).toString("hex")}`;
const hotKeys = (kind: string) => Array.from({ length: HOT_KEYS }, (_, i) => `${kind}:${i}`);

interface Row {
  readonly phase: string;
  readonly result: LoadResult;
}

const COLUMNS: ReadonlyArray<Column<Row>> = [
  { header: "phase", align: "left", cell: (row) => row.phase },
  { header: "target", align: "left", cell: (row) => row.result.label },
  { header: "workers", align: "right", cell: (row) => String(row.result.workers) },
  { header: "ops", align: "right", cell: (row) => String(row.result.ops) },
  { header: "seconds", align: "right", cell: (row) => (row.result.elapsedMs / 1000).toFixed(2) },
  { header: "ops/s", align: "right", cell: (row) => Math.round(opsPerSecond(row.result)).toLocaleString("en-US") },
  { header: "µs/op (wall)", align: "right", cell: (row) => (row.result.ops === 0 ? "-" : ((row.result.elapsedMs * 1000) / row.result.ops).toFixed(2)) },
  { header: "loader calls", align: "right", cell: (row) => String(row.result.loaderCalls) },
  {
    header: "Hub: l1/l2/miss, Redis errors",
    align: "right",
    cell: (row) =>
      row.result.tiers === undefined
        ? "-"
        : `${row.result.tiers.l1}/${row.result.tiers.l2}/${row.result.tiers.misses}, ${row.result.tiers.l2Errors}`,
  },
  { header: "errors", align: "right", cell: (row) => String(row.result.errors) },
];

interface StampedeRow {
  readonly target: string;
  readonly instances: number;
  readonly rounds: ReadonlyArray<StampedeResult>;
}

const STAMPEDE_COLUMNS: ReadonlyArray<Column<StampedeRow>> = [
  { header: "target", align: "left", cell: (row) => row.target },
  { header: "instances", align: "right", cell: (row) => String(row.instances) },
  { header: "calls", align: "right", cell: () => String(STAMPEDE_CALLS) },
  { header: "loader calls per round", align: "right", cell: (row) => row.rounds.map((r) => r.loaderCalls).join(", ") },
  { header: "wall ms per round", align: "right", cell: (row) => row.rounds.map((r) => r.wallMs.toFixed(0)).join(", ") },
  { header: "wrong answers", align: "right", cell: (row) => String(row.rounds.reduce((n, r) => n + r.wrong, 0)) },
  { header: "errors", align: "right", cell: (row) => String(row.rounds.reduce((n, r) => n + r.errors, 0)) },
];

const maxLoaderCalls = (row: StampedeRow): number => Math.max(...row.rounds.map((r) => r.loaderCalls));

const fillHubOnce = (cache: HubCache, keys: ReadonlyArray<string>, concurrency: number) =>
  Effect.gen(function* () {
    let calls = 0;
    const before = yield* cache.stats;
    yield* Effect.forEach(
      keys,
      (key, i) =>
        cache.getOrSet(
          key,
          Effect.sync(() => {
            calls++;
            return benchValue(key, i);
          }),
          { kind: VALUE_KIND, schema: BenchValue },
        ),
      { concurrency, discard: true },
    );
    return { loaderCalls: calls, l2Errors: (yield* cache.stats).l2Errors - before.l2Errors };
  });

interface Fill {
  readonly loaderCalls: number;
  /** Redis calls that failed during the fill (each may have switched the instance to memory only). */
  readonly l2Errors: number;
}

/**
 * Fills `keys` through getOrSet. If the instance lost Redis on the way, it waits for the recovery
 * (which clears its memory tier) and goes over the keys once more, one at a time, so the measured
 * phases start with every key in Redis and in memory.
 */
const fillHub = (cache: HubCache, keys: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const first = yield* fillHubOnce(cache, keys, FILL_CONCURRENCY);
    if (first.l2Errors === 0) return first satisfies Fill;
    yield* awaitHealthy(cache);
    const again = yield* fillHubOnce(cache, keys, 1);
    return { loaderCalls: first.loaderCalls + again.loaderCalls, l2Errors: first.l2Errors + again.l2Errors } satisfies Fill;
  });

const fillBento = (bento: Bento, keys: ReadonlyArray<string>, concurrency = FILL_CONCURRENCY) =>
  Effect.promise(async () => {
    let calls = 0;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < keys.length; i = next++) {
        const key = keys[i]!;
        await bento.getOrSet({
          key,
          factory: () => {
            calls++;
            return benchValue(key, i);
          },
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { loaderCalls: calls, l2Errors: 0 } satisfies Fill;
  });

/** How many of `keys` exist in Redis (EXISTS counts, in chunks). */
const inRedis = (admin: Redis, keys: ReadonlyArray<string>) =>
  Effect.promise(async () => {
    let found = 0;
    for (let i = 0; i < keys.length; i += 500) found += await admin.exists(...keys.slice(i, i + 500));
    return found;
  });

const describeFill = (fills: ReadonlyArray<Fill>) =>
  fills.map((f) => `${f.loaderCalls}${f.l2Errors > 0 ? ` (${f.l2Errors} Redis errors, refilled)` : ""}`).join("/");

const hitPlan =
  (keys: ReadonlyArray<string>, workers: number, checkEvery: number) =>
  (_segment: number, durationMs: number): LoadPlan => ({
    workers,
    durationMs,
    checkEvery,
    maxOps: MAX_HIT_OPS_PER_RUN,
    keyOf: (i) => keys[i % keys.length]!,
  });

const program = Effect.gen(function* () {
  const admin = yield* adminConnection(REDIS_URL);
  const serverInfo = yield* Effect.promise(() => admin.info("server").catch(() => ""));
  const redisVersion = /redis_version:(\S+)/.exec(serverInfo)?.[1] ?? "?";
  // Registered before every cache, so it runs after they have all closed: nothing writes any more.
  yield* Effect.addFinalizer(() =>
    Effect.gen(function* () {
      const deleted = yield* Effect.promise(() => deleteKeysWithPrefix(admin, `${runPrefix}:`));
      const left = yield* Effect.promise(() => countKeysWithPrefix(admin, `${runPrefix}:`));
      yield* log(`cleanup: deleted ${deleted} keys under ${runPrefix}:*, ${left} left`);
    }).pipe(
      Effect.timeout("5 seconds"),
      Effect.catchAllCause(() => log(`cleanup: could not delete the keys under ${runPrefix}:* (they expire within ${(TTL_MS + GRACE_MS) / 1000} s)`)),
    ),
  );
  yield* log(`Redis ${redisVersion} at ${REDIS_URL}; keys under ${runPrefix}:*`);

  const hubSettings = yield* loadSettings({ REDIS_URL, REDIS_KEY_PREFIX: `${runPrefix}:hub:` }).pipe(
    Effect.mapError((error) => new Error(`settings: ${String(error)}`)),
  );
  const redis = hubSettings.redis;
  const bentoOptions = {
    redisUrl: REDIS_URL,
    prefix: `${runPrefix}:bento`,
    store: `${runPrefix}_bento`,
    maxItems: ROOMY.maxEntries,
    maxBytes: ROOMY.maxBytes,
    serializeL1: true,
    commandTimeoutMs: redis.timeoutMs,
  };

  const hubMain = yield* makeHubCache(redis, ROOMY);
  const hubReader = yield* makeHubCache(redis, ONE_ENTRY);
  const bentoMain = yield* makeBento(bentoOptions);
  const bentoReader = yield* makeBento({ ...bentoOptions, maxItems: 1 });
  // Its own prefix and bus channel: objects in L1 cannot share entries with the serializing instance.
  const bentoObjects = yield* makeBento({ ...bentoOptions, prefix: `${runPrefix}:bento_objects`, store: `${runPrefix}_bento_objects`, serializeL1: false });

  const hub = hubTarget("hub", hubMain);
  const bento = bentoTarget("bentocache", bentoMain);
  const phase = { warmupMs: settings.warmupMs, measuredMs: settings.measuredMs };
  const fills: Array<readonly [string, ReadonlyArray<Fill>]> = [];

  // (1) L1 hits
  const l1Keys = hotKeys("l1");
  // Before each L1 run, every hot key is touched once, untimed and alike for all: the Hub trusts
  // memory for l1TtlMs (5 s) only, so without this a run would time its periodic Redis re-reads
  // (counted here and reported) rather than memory hits. `refreshes`: the Hub's touches that had to
  // go to Redis (the keys' l1TtlMs had passed), how many and how long.
  const refreshes = { count: 0, redisReads: 0, loaderCalls: 0, ms: 0 };
  const touchHub = Effect.gen(function* () {
    const before = yield* hubMain.stats;
    const started = performance.now();
    const { loaderCalls } = yield* fillHubOnce(hubMain, l1Keys, 1);
    const after = yield* hubMain.stats;
    const redisReads = after.hits.l2 - before.hits.l2 + after.misses - before.misses;
    if (redisReads === 0) return;
    refreshes.count++;
    refreshes.redisReads += redisReads;
    refreshes.loaderCalls += loaderCalls;
    refreshes.ms += performance.now() - started;
  });
  const l1Hub = hubTarget("hub", hubMain, touchHub);
  const l1Bento = bentoTarget("bentocache", bentoMain, Effect.asVoid(fillBento(bentoMain, l1Keys, 1)));
  const l1BentoObjects = bentoTarget("bentocache serialize:false", bentoObjects, Effect.asVoid(fillBento(bentoObjects, l1Keys, 1)));
  const l1Fill = [yield* fillHub(hubMain, l1Keys), yield* fillBento(bentoMain, l1Keys), yield* fillBento(bentoObjects, l1Keys)];
  fills.push(["(1) hub/bentocache/serialize:false", l1Fill]);
  yield* log(`(1) L1 hits on ${HOT_KEYS} keys, sequential (fill: ${describeFill(l1Fill)} loader calls)`);
  const [hubL1, bentoL1, bentoObjectsL1] = yield* measureInterleaved([l1Hub, l1Bento, l1BentoObjects], phase, hitPlan(l1Keys, 1, L1_CHECK_EVERY), log);
  yield* log(`(1) L1 hits on ${HOT_KEYS} keys, ${CONCURRENCY} workers`);
  const [hubL1c, bentoL1c] = yield* measureInterleaved([l1Hub, l1Bento], phase, hitPlan(l1Keys, CONCURRENCY, L1_CHECK_EVERY), log);

  // (2) L2 hits: written by the main instances, read by the one-entry readers.
  const l2Keys = hotKeys("l2");
  const l2Fill = [yield* fillHub(hubMain, l2Keys), yield* fillBento(bentoMain, l2Keys)];
  fills.push(["(2) hub/bentocache", l2Fill]);
  yield* Effect.sleep("200 millis"); // the fills' bus messages have reached the readers
  const l2Stored = {
    hub: yield* inRedis(admin, l2Keys.map((key) => `${runPrefix}:hub:cache:v:${key}`)),
    bento: yield* inRedis(admin, l2Keys.map((key) => `${bentoOptions.prefix}:${key}`)),
  };
  yield* log(
    `(2) L2 hits on ${HOT_KEYS} keys, ${CONCURRENCY} workers, readers holding 1 entry (fill: ${describeFill(l2Fill)} loader calls;` +
      ` in Redis: hub ${l2Stored.hub}, bentocache ${l2Stored.bento})`,
  );
  const [hubL2, bentoL2] = yield* measureInterleaved(
    [hubTarget("hub (reader)", hubReader), bentoTarget("bentocache (reader)", bentoReader)],
    phase,
    hitPlan(l2Keys, CONCURRENCY, 1),
    log,
  );

  // (3) miss then fill: a new key every op.
  yield* log(`(3) miss then fill, ${CONCURRENCY} workers`);
  const [hubMiss, bentoMiss] = yield* measureInterleaved(
    [hub, bento],
    phase,
    (segment, durationMs) => ({
      workers: CONCURRENCY,
      durationMs,
      checkEvery: 1,
      maxOps: MAX_MISS_OPS_PER_RUN,
      keyOf: (i) => `miss:${segment}:${i}`,
    }),
    log,
  );

  // (4) stampede
  yield* log(`(4) stampede: ${STAMPEDE_CALLS} calls on one fresh key, loader ${STAMPEDE_LOADER_MS} ms, ${STAMPEDE_ROUNDS} rounds`);
  const hubShared = [yield* makeHubCache(redis, ROOMY), yield* makeHubCache(redis, ROOMY), yield* makeHubCache(redis, ROOMY)];
  const bentoShared = [yield* makeBento(bentoOptions), yield* makeBento(bentoOptions), yield* makeBento(bentoOptions)];
  const rounds = <A>(f: (round: number) => Effect.Effect<A>) => Effect.forEach(Array.from({ length: STAMPEDE_ROUNDS }, (_, r) => r), f);
  const stampedes: ReadonlyArray<StampedeRow> = [
    { target: "hub", instances: 1, rounds: yield* rounds((r) => hubStampede([hubMain], `stampede1:${r}`, STAMPEDE_CALLS, STAMPEDE_LOADER_MS)) },
    {
      target: "hub",
      instances: STAMPEDE_INSTANCES,
      rounds: yield* rounds((r) => hubStampede(hubShared, `stampede3:${r}`, STAMPEDE_CALLS, STAMPEDE_LOADER_MS)),
    },
    { target: "bentocache", instances: 1, rounds: yield* rounds((r) => bentoStampede([bentoMain], `stampede1:${r}`, STAMPEDE_CALLS, STAMPEDE_LOADER_MS)) },
    {
      target: "bentocache",
      instances: STAMPEDE_INSTANCES,
      rounds: yield* rounds((r) => bentoStampede(bentoShared, `stampede3:${r}`, STAMPEDE_CALLS, STAMPEDE_LOADER_MS)),
    },
  ];
  const [hubStampede1, hubStampede3, bentoStampede1, bentoStampede3] = stampedes;

  // ---------------------------------------------------------------------------------------------
  const rows: Array<Row> = [
    { phase: "(1) L1 hit, sequential", result: hubL1! },
    { phase: "(1) L1 hit, sequential", result: bentoL1! },
    { phase: "(1) L1 hit, sequential", result: bentoObjectsL1! },
    { phase: `(1) L1 hit, c${CONCURRENCY}`, result: hubL1c! },
    { phase: `(1) L1 hit, c${CONCURRENCY}`, result: bentoL1c! },
    { phase: `(2) L2 hit, c${CONCURRENCY}`, result: hubL2! },
    { phase: `(2) L2 hit, c${CONCURRENCY}`, result: bentoL2! },
    { phase: `(3) miss + fill, c${CONCURRENCY}`, result: hubMiss! },
    { phase: `(3) miss + fill, c${CONCURRENCY}`, result: bentoMiss! },
  ];
  const ops = (result: LoadResult | undefined) => round(opsPerSecond(result!), 0);
  const ratioOf = (a: LoadResult | undefined, b: LoadResult | undefined) => round(opsPerSecond(a!) / opsPerSecond(b!), 3);
  const ratio = ratioOf(hubL1, bentoL1);
  const l1C64Ratio = ratioOf(hubL1c, bentoL1c);
  const ratioVsUnserialized = ratioOf(hubL1, bentoObjectsL1);
  const l2Ratio = ratioOf(hubL2, bentoL2);
  const missRatio = ratioOf(hubMiss, bentoMiss);
  const goal = (value: number, target: number) => `goal ≥ ${target}×: ${value >= target ? "met" : "NOT met"}`;

  const problems: Array<string> = [];
  const warnings: Array<string> = [];
  for (const row of rows) {
    if (row.result.errors > 0) problems.push(`${row.phase} ${row.result.label}: ${row.result.errors} failed operations (first: ${row.result.firstError ?? "?"})`);
    if (row.result.ops === 0) problems.push(`${row.phase} ${row.result.label}: no operation completed`);
  }
  for (const row of stampedes) {
    const wrong = row.rounds.reduce((n, r) => n + r.wrong, 0);
    const errors = row.rounds.reduce((n, r) => n + r.errors, 0);
    if (wrong > 0) problems.push(`stampede ${row.target} ×${row.instances}: ${wrong} answers were not the loaded value`);
    if (errors > 0) problems.push(`stampede ${row.target} ×${row.instances}: ${errors} calls failed (first: ${row.rounds.find((r) => r.firstError)?.firstError ?? "?"})`);
  }
  for (const result of [hubL1!, bentoL1!, bentoObjectsL1!, hubL1c!, bentoL1c!]) {
    if (result.loaderCalls > 0) warnings.push(`(1) ${result.label}: ${result.loaderCalls} loader calls on keys that were in memory`);
  }
  // A key touched while still fresh keeps its old freshness and may lapse during the run: a few are expected.
  const l1PhaseRedisReads = (hubL1!.tiers?.l2 ?? 0) + (hubL1c!.tiers?.l2 ?? 0);
  if (l1PhaseRedisReads > 0.01 * (hubL1!.ops + hubL1c!.ops)) {
    warnings.push(`(1) hub: ${l1PhaseRedisReads} of the measured L1-phase lookups went to Redis (memory trusts an entry for l1TtlMs, 5 s)`);
  }
  for (const result of [hubL2!, bentoL2!]) {
    if (result.loaderCalls > 0) warnings.push(`(2) ${result.label}: ${result.loaderCalls} loader calls on keys that were in Redis`);
  }
  if (hubL2!.tiers !== undefined && (hubL2!.tiers.misses > 0 || hubL2!.tiers.l2 < hubL2!.ops * 0.99)) {
    warnings.push(`(2) hub reader counted ${hubL2!.tiers.l1} L1 hits, ${hubL2!.tiers.l2} L2 hits, ${hubL2!.tiers.misses} misses for ${hubL2!.ops} lookups`);
  }
  for (const row of rows) {
    const errors = row.result.tiers?.l2Errors ?? 0;
    if (errors > 0) {
      warnings.push(
        `${row.phase} ${row.result.label}: ${errors} Redis calls failed or passed the cache's Redis timeout (100 ms); three in a row switch the instance to memory only` +
          " (no Redis reads or writes) until its probe finds Redis again, which then clears its memory tier",
      );
    }
  }
  for (const [phase, phaseFills] of fills) {
    if (phaseFills.some((f) => f.l2Errors > 0)) warnings.push(`${phase} fill: ${describeFill(phaseFills)} loader calls`);
  }
  if (l2Stored.hub < HOT_KEYS || l2Stored.bento < HOT_KEYS) {
    warnings.push(`(2) before the L2 phase, Redis held ${l2Stored.hub} of the hub's ${HOT_KEYS} values and ${l2Stored.bento} of bentocache's`);
  }
  for (const result of [hubMiss!, bentoMiss!]) {
    if (result.loaderCalls !== result.ops) warnings.push(`(3) ${result.label}: ${result.loaderCalls} loader calls for ${result.ops} new keys`);
  }
  if (maxLoaderCalls(hubStampede1!) > 1) warnings.push(`(4) hub, 1 instance: the loader ran up to ${maxLoaderCalls(hubStampede1!)} times for one key`);
  if (maxLoaderCalls(hubStampede3!) > 1) warnings.push(`(4) hub, ${STAMPEDE_INSTANCES} instances: the loader ran up to ${maxLoaderCalls(hubStampede3!)} times for one key`);

  const report = [
    `Hub cache vs bentocache ${BENTOCACHE_VERSION}, memory L1 + Redis ${redisVersion} L2 (${REDIS_URL}) + bus, TTL ${TTL_MS / 1000} s, grace ${GRACE_MS / 1000} s, lock ${LOCK_MS / 1000} s`,
    `${settings.warmupMs / 1000} s warm-up + ${settings.measuredMs / 1000} s measured per target and phase (halves A B then B A); ${HOT_KEYS} hot keys; value { id, n, tags[2] }`,
    "",
    formatTable(COLUMNS, rows),
    "",
    formatTable(STAMPEDE_COLUMNS, stampedes),
    "",
    `L1 hit, sequential, hub/bentocache:       ${ratio.toFixed(3)}   (${goal(ratio, GOAL_L1_RATIO)})`,
    `L1 hit, c${CONCURRENCY}, hub/bentocache:              ${l1C64Ratio.toFixed(3)}`,
    `L1 hit, sequential, hub/serialize:false:  ${ratioVsUnserialized.toFixed(3)}   (diagnostic: bentocache keeping objects in L1, as the Hub does)`,
    `L2 hit, c${CONCURRENCY}, hub/bentocache:              ${l2Ratio.toFixed(3)}   (${goal(l2Ratio, GOAL_L2_RATIO)})`,
    `miss + fill, c${CONCURRENCY}, hub/bentocache:         ${missRatio.toFixed(3)}`,
    `stampede loader calls (max over ${STAMPEDE_ROUNDS} rounds): hub ${maxLoaderCalls(hubStampede1!)} (1 instance), ${maxLoaderCalls(hubStampede3!)} (${STAMPEDE_INSTANCES} instances);` +
      ` bentocache ${maxLoaderCalls(bentoStampede1!)}, ${maxLoaderCalls(bentoStampede3!)}`,
    "notes:",
    `- ${os.availableParallelism()} cores; both caches, the load and the loaders share one Node process; Redis runs beside it on the same machine.`,
    "- bentocache keeps JSON strings in L1 by default (serialize: true, needed for its maxSize byte bound, as the Hub bounds bytes) and parses one per hit;" +
      " the Hub keeps the decoded value. The serialize:false row shows bentocache keeping objects.",
    "- The Hub trusts an L1 entry for l1TtlMs (5 s) then reads Redis again; bentocache trusts it for the whole TTL (its bus being the only invalidation path)." +
      ` Before each L1 run the ${HOT_KEYS} keys were touched once, untimed, on every target; ${refreshes.count} of the Hub's touches` +
      ` found them past l1TtlMs and re-read them from Redis (${refreshes.redisReads} reads, ${refreshes.loaderCalls} loader calls,` +
      ` ${refreshes.count === 0 ? "-" : (refreshes.ms / refreshes.count).toFixed(0)} ms per touch of ${HOT_KEYS} keys, one at a time):` +
      " the cost, outside the figures, of keeping hot keys in the Hub's memory.",
    "- L2 reads: the Hub sends one MGET (the entry and its tags' generations) and decodes the value with its Schema; bentocache one GET and JSON.parse.",
    "- Miss + fill: the Hub reads, takes a Redis lock (SET NX PX), writes and unlocks (4 round trips); bentocache GETs, SETs and publishes on its bus (3).",
    ...warnings.map((warning) => `- WARNING: ${warning}`),
    ...problems.map((problem) => `- FAIL: ${problem}`),
  ];
  yield* Effect.sync(() => process.stdout.write(`${report.join("\n")}\n`));
  if (problems.length > 0) return 1;
  const line = {
    bench: "cache",
    ratio,
    l2Ratio,
    missRatio,
    loaderCalls1Instance: maxLoaderCalls(hubStampede1!),
    loaderCalls3Instances: maxLoaderCalls(hubStampede3!),
    bentoLoaderCalls1Instance: maxLoaderCalls(bentoStampede1!),
    bentoLoaderCalls3Instances: maxLoaderCalls(bentoStampede3!),
    l1C64Ratio,
    ratioVsUnserialized,
    hubL1OpsPerSec: ops(hubL1),
    bentoL1OpsPerSec: ops(bentoL1),
    bentoL1UnserializedOpsPerSec: ops(bentoObjectsL1),
    hubL1C64OpsPerSec: ops(hubL1c),
    bentoL1C64OpsPerSec: ops(bentoL1c),
    hubL2OpsPerSec: ops(hubL2),
    bentoL2OpsPerSec: ops(bentoL2),
    hubMissOpsPerSec: ops(hubMiss),
    bentoMissOpsPerSec: ops(bentoMiss),
  };
  yield* Effect.sync(() => process.stdout.write(`${JSON.stringify(line)}\n`));
  return 0;
});

runBench("cache", program, { timeBudget: TIME_BUDGET, hardExitMs: HARD_EXIT_MS });
