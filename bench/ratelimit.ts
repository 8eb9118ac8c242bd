// npm run bench:ratelimit — the Hub's rate limiter against rate-limiter-flexible, in one process.
//
// The Hub: `makeRateLimiter` over `makeLiveRedisStore(settings.redis)` (Redis 127.0.0.1:6379) and
// the in-process limiter the embedded mode runs (`limiterOver` the memory store), each of its three
// algorithms (token bucket, sliding window, fixed window). rate-limiter-flexible (fixed window only): `RateLimiterRedis` over its own ioredis
// connection on the same Redis, and `RateLimiterMemory`; the same points and duration, the same
// identifiers. Every key lives under a per-run prefix `luna_bench_ratelimit_<token>:` and is deleted
// at the end (SCAN + UNLINK; never FLUSHDB: the server is shared). Measured, same run, for each
// backend (Redis, memory): checks/s with 1 caller (sequential) and 64, on one identifier (hot) and on
// 10,000 identifiers round robin (distinct), on a limit so high every check is allowed; then 64
// callers on one identifier already over a small limit (every check refused). Each cell: a
// discarded warm-up per target, then two halves in mirrored order (A B C D, D C B A). Then the
// exactness check: 1,000 concurrent checks (64 callers) of one identifier on a limit of 100, spread
// over three Hub limiters sharing Redis (each its own connection, the same prefix), per algorithm;
// rate-limiter-flexible alike with three RateLimiterRedis instances.
//
// stdout: tables, ratios with their goals, notes, then as the LAST line
//   {"bench":"ratelimit","ratio":…,"memoryChecksPerSec":…,"exactAllowed":…,"limit":…,…}
// (only on success). Progress on stderr. Exit 1 on a failed check, a Hub exactness count other than
// the limit, Redis not answering, or an exceeded time budget.
//
// Env knobs: BENCH_RATELIMIT_SECONDS (measured time per target per cell, default 2),
// BENCH_RATELIMIT_WARMUP_SECONDS (discarded warm-up per target per cell, default 0.25).
import { Duration, Effect } from "effect";
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { loadSettings } from "../src/config.js";
import { adminConnection, countKeysWithPrefix, deleteKeysWithPrefix } from "./lib/cache-targets.js";
import { positiveNumberFromEnv } from "./lib/env.js";
import {
  checksPerSecond,
  type ExactnessResult,
  hubExactness,
  hubTarget,
  type LoadPlan,
  type LoadTarget,
  type MeasuredResult,
  measureInterleaved,
  rlfExactness,
  rlfTarget,
} from "./lib/ratelimit-load.js";
import {
  type Algorithm,
  ALGORITHMS,
  type HubLimiter,
  hubName,
  hubRule,
  type Limit,
  makeHubMemoryLimiter,
  makeHubRedisLimiter,
  makeRlfMemory,
  makeRlfRedis,
  rlfConnection,
} from "./lib/ratelimit-targets.js";
import { formatTable, round, type Column } from "./lib/report.js";
import { progress, runBench } from "./lib/run.js";
import { installedVersion } from "./lib/async-workers.js";

const REDIS_URL = "redis://127.0.0.1:6379";
const RLF_VERSION = installedVersion("rate-limiter-flexible");
const CONCURRENCY = 64;
const DISTINCT_IDENTIFIERS = 10_000;
/** So high that every measured check is allowed: the allowed path. */
const ALLOWED: Limit = { limit: 1_000_000_000, windowSeconds: 60 };
/** The refused path: a small limit over a long window, spent before the run. */
const OVER: Limit = { limit: 10, windowSeconds: 3_600 };
/** The exactness check: one day, so no window ends and no token comes back during it. */
const EXACT: Limit = { limit: 100, windowSeconds: 86_400 };
const EXACT_CHECKS = 1_000;
const EXACT_INSTANCES = 3;
/** Bounds on every run's checks, whatever the machine (Redis: also bounds the writes). */
const MAX_REDIS_CHECKS_PER_RUN = 2_000_000;
const MAX_MEMORY_CHECKS_PER_RUN = 50_000_000;
/** Checks between two clock reads in memory, where a check costs about a microsecond. */
const MEMORY_CHECK_EVERY = 64;
const GOAL_REDIS_RATIO = 1;
const GOAL_MEMORY_CHECKS_PER_SEC = 1_000_000;
/** Everything but cleanup; the cleanup (closing connections, deleting keys) then has the rest. */
const TIME_BUDGET = Duration.seconds(110);
const HARD_EXIT_MS = 118_000;

const log = progress("ratelimit");

const settings = {
  measuredMs: positiveNumberFromEnv("BENCH_RATELIMIT_SECONDS", 2) * 1000,
  warmupMs: positiveNumberFromEnv("BENCH_RATELIMIT_WARMUP_SECONDS", 0.25) * 1000,
};

const runPrefix = `luna_bench_ratelimit_${randomBytes(6).toString("hex")}`;
const identifiers = Array.from({ length: DISTINCT_IDENTIFIERS }, (_, i) => `user-${i}`);

type Backend = "redis" | "memory";
type Keys = "hot" | "distinct" | "over limit";

interface Cell {
  readonly backend: Backend;
  readonly workers: number;
  readonly keys: Keys;
}

interface Row {
  readonly cell: Cell;
  /** `hub_<algorithm>`, `rlf` or `rlf_readme_client`: the JSON's names. */
  readonly target: string;
  readonly result: MeasuredResult;
}

const cellName = (cell: Cell): string => `${cell.backend}.c${cell.workers}.${cell.keys === "over limit" ? "refused" : cell.keys}`;

const COLUMNS: ReadonlyArray<Column<Row>> = [
  { header: "backend", align: "left", cell: (row) => row.cell.backend },
  { header: "callers", align: "right", cell: (row) => String(row.cell.workers) },
  { header: "identifiers", align: "left", cell: (row) => (row.cell.keys === "distinct" ? `distinct (${DISTINCT_IDENTIFIERS})` : row.cell.keys === "hot" ? "hot (1)" : "over limit (1)") },
  { header: "target", align: "left", cell: (row) => row.result.label },
  { header: "checks", align: "right", cell: (row) => String(row.result.ops) },
  { header: "seconds", align: "right", cell: (row) => (row.result.elapsedMs / 1000).toFixed(2) },
  { header: "checks/s", align: "right", cell: (row) => Math.round(checksPerSecond(row.result)).toLocaleString("en-US") },
  { header: "µs/check (wall)", align: "right", cell: (row) => (row.result.ops === 0 ? "-" : ((row.result.elapsedMs * 1000) / row.result.ops).toFixed(2)) },
  { header: "µs CPU/check", align: "right", cell: (row) => (row.result.ops === 0 ? "-" : ((row.result.cpuMs * 1000) / row.result.ops).toFixed(2)) },
  {
    header: "Redis µs CPU/check",
    align: "right",
    cell: (row) => (row.result.redisCpuMs === undefined || !Number.isFinite(row.result.redisCpuMs) || row.result.ops === 0 ? "-" : ((row.result.redisCpuMs * 1000) / row.result.ops).toFixed(2)),
  },
  { header: "allowed", align: "right", cell: (row) => String(row.result.allowed) },
  { header: "refused", align: "right", cell: (row) => String(row.result.refused) },
  { header: "errors", align: "right", cell: (row) => String(row.result.errors) },
];

const EXACT_COLUMNS: ReadonlyArray<Column<ExactnessResult>> = [
  { header: "target", align: "left", cell: (row) => row.label },
  { header: "instances", align: "right", cell: (row) => String(row.instances) },
  { header: "checks", align: "right", cell: (row) => String(row.checks) },
  { header: "limit", align: "right", cell: () => String(EXACT.limit) },
  { header: "allowed", align: "right", cell: (row) => String(row.allowed) },
  { header: "refused", align: "right", cell: (row) => String(row.refused) },
  { header: "errors", align: "right", cell: (row) => String(row.errors) },
  { header: "wall ms", align: "right", cell: (row) => row.wallMs.toFixed(0) },
];

const ALGORITHM_LABEL: Readonly<Record<Algorithm, string>> = {
  token_bucket: "hub token bucket",
  sliding_window: "hub sliding window",
  fixed_window: "hub fixed window",
};

/** Spends `OVER.limit + 1` checks of `identifier` under every algorithm, untimed: its next checks are refused. */
const spendHub = (limiter: HubLimiter, identifier: string) =>
  Effect.forEach(ALGORITHMS, (algorithm) => Effect.repeatN(limiter.check(hubName("over", algorithm), hubRule(algorithm, OVER), identifier), OVER.limit), { discard: true });

const spendRlf = (limiter: RateLimiterAbstract, identifier: string) =>
  Effect.promise(async () => {
    for (let i = 0; i <= OVER.limit; i++) await limiter.consume(identifier).catch(() => undefined);
  });

const program = Effect.gen(function* () {
  const loadAtStart = os.loadavg();
  const admin = yield* adminConnection(REDIS_URL);
  const serverInfo = yield* Effect.promise(() => admin.info("server").catch(() => ""));
  const redisVersion = /redis_version:(\S+)/.exec(serverInfo)?.[1] ?? "?";
  // Registered before every limiter, so it runs after they have all closed: nothing writes any more.
  yield* Effect.addFinalizer(() =>
    Effect.gen(function* () {
      const deleted = yield* Effect.promise(() => deleteKeysWithPrefix(admin, `${runPrefix}:`));
      const left = yield* Effect.promise(() => countKeysWithPrefix(admin, `${runPrefix}:`));
      yield* log(`cleanup: deleted ${deleted} keys under ${runPrefix}:*, ${left} left`);
    }).pipe(
      Effect.timeout("5 seconds"),
      Effect.catchAllCause(() => log(`cleanup: could not delete the keys under ${runPrefix}:* (they expire within ${EXACT.windowSeconds / 3600} h)`)),
    ),
  );
  yield* log(`Redis ${redisVersion} at ${REDIS_URL}; keys under ${runPrefix}:*; load average ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}`);

  // The Redis server's CPU time (user + system, all clients), read around each measured Redis run.
  const redisCpu = Effect.promise(() => admin.info("cpu").catch(() => "")).pipe(
    Effect.map((info) => {
      const seconds = (field: string) => Number(new RegExp(`^${field}:([0-9.]+)`, "m").exec(info)?.[1] ?? Number.NaN);
      return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1000;
    }),
  );

  const hubSettings = yield* loadSettings({ REDIS_URL, REDIS_KEY_PREFIX: `${runPrefix}:hub:` }).pipe(Effect.mapError((error) => new Error(`settings: ${String(error)}`)));
  const redis = hubSettings.redis;
  const rlfPrefix = `${runPrefix}:rlf`;

  // The Hub: three limiters on Redis, each its own connection, one prefix (the first also serves
  // the throughput phases); one in memory.
  const hubRedis = [yield* makeHubRedisLimiter(redis), yield* makeHubRedisLimiter(redis), yield* makeHubRedisLimiter(redis)];
  const hubMemory = yield* makeHubMemoryLimiter(`${runPrefix}:hub:`);
  // rate-limiter-flexible: three connections like the Hub's, one as its README builds it.
  const rlfClients = [
    yield* rlfConnection({ redisUrl: REDIS_URL, commandTimeoutMs: redis.timeoutMs, likeHub: true }),
    yield* rlfConnection({ redisUrl: REDIS_URL, commandTimeoutMs: redis.timeoutMs, likeHub: true }),
    yield* rlfConnection({ redisUrl: REDIS_URL, commandTimeoutMs: redis.timeoutMs, likeHub: true }),
  ];
  const rlfReadmeClient = yield* rlfConnection({ redisUrl: REDIS_URL, commandTimeoutMs: redis.timeoutMs, likeHub: false });
  // Pings every connection once, so no run pays for a first command (the Hub's store connects at build).
  yield* Effect.forEach(hubRedis, (limiter) => limiter.peek(hubName("warm", "fixed_window"), hubRule("fixed_window", ALLOWED), "warm"), { discard: true }).pipe(
    Effect.mapError((error) => new Error(`Hub limiter on Redis: ${error.message}`)),
  );
  yield* Effect.promise(() => Promise.all([...rlfClients, rlfReadmeClient].map((client) => client.ping())));

  // ---------------------------------------------------------------------------------------------
  // Exactness first: a wrong count is the one result that matters more than speed.
  yield* log(`exactness: ${EXACT_CHECKS} checks of one identifier on a limit of ${EXACT.limit}, ${CONCURRENCY} callers`);
  const hubExactRedis: Array<readonly [Algorithm, ExactnessResult]> = [];
  const hubExactMemory: Array<readonly [Algorithm, ExactnessResult]> = [];
  for (const algorithm of ALGORITHMS) {
    const name = hubName("exact", algorithm);
    const rule = hubRule(algorithm, EXACT);
    hubExactRedis.push([algorithm, yield* hubExactness(`${ALGORITHM_LABEL[algorithm]}, Redis`, hubRedis, name, rule, `exact-${algorithm}`, EXACT_CHECKS, CONCURRENCY)]);
    hubExactMemory.push([algorithm, yield* hubExactness(`${ALGORITHM_LABEL[algorithm]}, memory`, [hubMemory], name, rule, `exact-${algorithm}`, EXACT_CHECKS, CONCURRENCY)]);
  }
  const rlfExactRedis = yield* rlfExactness(
    "rlf RateLimiterRedis",
    rlfClients.map((client) => makeRlfRedis(client, `${runPrefix}:rlf_exact`, EXACT)),
    "exact",
    EXACT_CHECKS,
    CONCURRENCY,
  );
  const rlfExactMemory = yield* rlfExactness("rlf RateLimiterMemory", [makeRlfMemory(`${runPrefix}:rlf_exact`, EXACT)], "exact", EXACT_CHECKS, CONCURRENCY);
  const exactRows = [...hubExactRedis.map(([, r]) => r), rlfExactRedis, ...hubExactMemory.map(([, r]) => r), rlfExactMemory];

  // ---------------------------------------------------------------------------------------------
  // Throughput
  /** rate-limiter-flexible's limiter for a cell (RateLimiterMemory keeps its counts per instance: one per cell, spent and measured). */
  const rlfFor = (backend: Backend, keys: Keys): RateLimiterAbstract => {
    const limit = keys === "over limit" ? OVER : ALLOWED;
    const keyPrefix = keys === "over limit" ? `${rlfPrefix}_over` : rlfPrefix;
    return backend === "redis" ? makeRlfRedis(rlfClients[0]!, keyPrefix, limit) : makeRlfMemory(keyPrefix, limit);
  };
  const targetsFor = (backend: Backend, keys: Keys, rlf: RateLimiterAbstract): ReadonlyArray<readonly [string, LoadTarget]> => {
    const family = keys === "over limit" ? "over" : "allowed";
    const limit = keys === "over limit" ? OVER : ALLOWED;
    const hub = backend === "redis" ? hubRedis[0]! : hubMemory;
    return [
      ...ALGORITHMS.map((algorithm) => [`hub_${algorithm}`, hubTarget(ALGORITHM_LABEL[algorithm], hub, hubName(family, algorithm), hubRule(algorithm, limit))] as const),
      ["rlf", rlfTarget(backend === "redis" ? "rlf RateLimiterRedis" : "rlf RateLimiterMemory", rlf)] as const,
    ];
  };
  const rlfReadme = rlfTarget("rlf RateLimiterRedis, README client", makeRlfRedis(rlfReadmeClient, rlfPrefix, ALLOWED));

  const cells: ReadonlyArray<Cell> = (["redis", "memory"] as const).flatMap((backend) => [
    { backend, workers: 1, keys: "hot" as const },
    { backend, workers: 1, keys: "distinct" as const },
    { backend, workers: CONCURRENCY, keys: "hot" as const },
    { backend, workers: CONCURRENCY, keys: "distinct" as const },
    { backend, workers: CONCURRENCY, keys: "over limit" as const },
  ]);
  const rows: Array<Row> = [];
  for (const cell of cells) {
    const rlf = rlfFor(cell.backend, cell.keys);
    const targets: Array<readonly [string, LoadTarget]> = [...targetsFor(cell.backend, cell.keys, rlf)];
    // The diagnostic: rlf on ioredis as its README builds it (no auto-pipelining), where it matters most.
    if (cell.backend === "redis" && cell.workers === CONCURRENCY && cell.keys === "distinct") targets.push(["rlf_readme_client", rlfReadme]);
    if (cell.keys === "over limit") {
      yield* spendHub(cell.backend === "redis" ? hubRedis[0]! : hubMemory, "over-hot").pipe(
        Effect.mapError((error) => new Error(`spending the over-limit identifier: ${error.message}`)),
      );
      yield* spendRlf(rlf, "over-hot");
    }
    const identifierOf: (i: number) => string =
      cell.keys === "distinct" ? (i) => identifiers[i % DISTINCT_IDENTIFIERS]! : cell.keys === "hot" ? () => "hot" : () => "over-hot";
    const plan = (durationMs: number): LoadPlan => ({
      workers: cell.workers,
      durationMs,
      checkEvery: cell.backend === "redis" ? 1 : MEMORY_CHECK_EVERY,
      maxOps: cell.backend === "redis" ? MAX_REDIS_CHECKS_PER_RUN : MAX_MEMORY_CHECKS_PER_RUN,
      identifierOf,
    });
    yield* log(`${cell.backend}, ${cell.workers} caller${cell.workers === 1 ? "" : "s"}, ${cell.keys} identifier${cell.keys === "distinct" ? "s" : ""}`);
    const results = yield* measureInterleaved(
      targets.map(([, target]) => target),
      settings,
      plan,
      log,
      cell.backend === "redis" ? redisCpu : undefined,
    );
    results.forEach((result, i) => rows.push({ cell, target: targets[i]![0], result }));
  }

  // ---------------------------------------------------------------------------------------------
  const find = (cellKey: string, target: string): MeasuredResult => {
    const row = rows.find((r) => cellName(r.cell) === cellKey && r.target === target);
    if (row === undefined) throw new Error(`no row ${cellKey} ${target}`);
    return row.result;
  };
  const perSec = (cellKey: string, target: string): number => round(checksPerSecond(find(cellKey, target)), 0);
  const ratioOf = (cellKey: string, hub: string, reference = "rlf"): number => round(checksPerSecond(find(cellKey, hub)) / checksPerSecond(find(cellKey, reference)), 3);

  const ratio = ratioOf("redis.c64.distinct", "hub_fixed_window");
  const memoryChecksPerSec = perSec("memory.c1.distinct", "hub_fixed_window");
  const hubMemoryRows = rows.filter((r) => r.cell.backend === "memory" && r.target.startsWith("hub_") && r.cell.keys !== "over limit");
  const bestMemory = hubMemoryRows.reduce((best, r) => (checksPerSecond(r.result) > checksPerSecond(best.result) ? r : best));
  const exactAllowed = hubExactRedis.find(([a]) => a === "fixed_window")![1].allowed;
  const goal = (value: number, target: number, unit = "×") => `goal ≥ ${target.toLocaleString("en-US")}${unit}: ${value >= target ? "met" : "NOT met"}`;

  const problems: Array<string> = [];
  const warnings: Array<string> = [];
  for (const row of rows) {
    if (row.result.errors > 0) problems.push(`${cellName(row.cell)} ${row.result.label}: ${row.result.errors} failed checks (first: ${row.result.firstError ?? "?"})`);
    if (row.result.ops === 0) problems.push(`${cellName(row.cell)} ${row.result.label}: no check completed`);
    if (row.cell.keys !== "over limit" && row.result.refused > 0) warnings.push(`${cellName(row.cell)} ${row.result.label}: ${row.result.refused} refused on a limit of ${ALLOWED.limit}`);
    if (row.cell.keys === "over limit" && row.result.allowed > 0) warnings.push(`${cellName(row.cell)} ${row.result.label}: ${row.result.allowed} allowed on an identifier spent before the run`);
  }
  for (const [, result] of [...hubExactRedis, ...hubExactMemory]) {
    if (result.errors > 0) problems.push(`exactness, ${result.label}: ${result.errors} failed checks (first: ${result.firstError ?? "?"})`);
    if (result.allowed !== EXACT.limit) problems.push(`exactness, ${result.label}: ${result.allowed} allowed on a limit of ${EXACT.limit}`);
  }
  for (const result of [rlfExactRedis, rlfExactMemory]) {
    if (result.errors > 0 || result.allowed !== EXACT.limit) warnings.push(`exactness, ${result.label}: ${result.allowed} allowed, ${result.errors} errors on a limit of ${EXACT.limit}`);
  }
  const loadAtEnd = os.loadavg();

  const ratioLine = (label: string, value: number, suffix = "") => `${label.padEnd(66)} ${value.toFixed(3)}${suffix}`;
  const report = [
    `Hub rate limiter vs rate-limiter-flexible ${RLF_VERSION}, Redis ${redisVersion} (${REDIS_URL}) and memory, in one process`,
    `${settings.warmupMs / 1000} s warm-up + ${settings.measuredMs / 1000} s measured per target and cell (halves A B … then … B A);` +
      ` allowed path: limit ${ALLOWED.limit.toLocaleString("en-US")} per ${ALLOWED.windowSeconds} s; refused path: limit ${OVER.limit} per ${OVER.windowSeconds} s, spent before the run`,
    "",
    formatTable(COLUMNS, rows),
    "",
    `exactness: ${EXACT_CHECKS} concurrent checks (${CONCURRENCY} callers) of one identifier, limit ${EXACT.limit} per ${EXACT.windowSeconds / 3600} h;` +
      ` on Redis over ${EXACT_INSTANCES} instances sharing it (each its own connection), check i on instance i mod ${EXACT_INSTANCES}`,
    formatTable(EXACT_COLUMNS, exactRows),
    "",
    ratioLine(`Redis c${CONCURRENCY} distinct, hub fixed window / rlf:`, ratio, `   (${goal(ratio, GOAL_REDIS_RATIO)})`),
    ratioLine(`Redis c${CONCURRENCY} distinct, hub token bucket / rlf:`, ratioOf("redis.c64.distinct", "hub_token_bucket")),
    ratioLine(`Redis c${CONCURRENCY} distinct, hub sliding window / rlf:`, ratioOf("redis.c64.distinct", "hub_sliding_window")),
    ratioLine(`Redis c${CONCURRENCY} distinct, hub fixed window / rlf (README client):`, ratioOf("redis.c64.distinct", "hub_fixed_window", "rlf_readme_client")),
    ratioLine(`Redis c${CONCURRENCY} hot, hub fixed window / rlf:`, ratioOf("redis.c64.hot", "hub_fixed_window")),
    ratioLine("Redis sequential distinct, hub fixed window / rlf:", ratioOf("redis.c1.distinct", "hub_fixed_window")),
    ratioLine(`Redis c${CONCURRENCY} refused, hub fixed window / rlf:`, ratioOf("redis.c64.refused", "hub_fixed_window")),
    `${"memory, hub fixed window, sequential, distinct:".padEnd(66)} ${memoryChecksPerSec.toLocaleString("en-US")} checks/s   (${goal(memoryChecksPerSec, GOAL_MEMORY_CHECKS_PER_SEC, " checks/s")})`,
    `${"memory, best Hub figure:".padEnd(66)} ${Math.round(checksPerSecond(bestMemory.result)).toLocaleString("en-US")} checks/s (${bestMemory.result.label}, ${cellName(bestMemory.cell)})`,
    ratioLine("memory sequential distinct, hub fixed window / rlf:", ratioOf("memory.c1.distinct", "hub_fixed_window")),
    ratioLine(`memory c${CONCURRENCY} refused, hub fixed window / rlf:`, ratioOf("memory.c64.refused", "hub_fixed_window")),
    `exactness: hub ${ALGORITHMS.map((a) => `${a} ${hubExactRedis.find(([x]) => x === a)![1].allowed}`).join(", ")} allowed of ${EXACT_CHECKS} on Redis ×${EXACT_INSTANCES};` +
      ` rlf ${rlfExactRedis.allowed}; limit ${EXACT.limit}`,
    "notes:",
    `- ${os.availableParallelism()} cores; load average ${loadAtStart.map((l) => l.toFixed(2)).join(" ")} at the start, ${loadAtEnd.map((l) => l.toFixed(2)).join(" ")} at the end.` +
      " Both libraries, the load and the ioredis clients share one Node process; Redis runs beside it on the same machine.",
    "- µs CPU/check is this process's CPU time (user + system, GC included; not Redis's) per check: what a check costs its caller." +
      " Redis µs CPU/check is the Redis server's (INFO cpu, read before and after each run): all of its clients, so other work on this Redis shows there too.",
    "- Redis: the Hub sends a check alone when nothing of its limit is on its way, and concurrent checks of one limit together (up to 64 in one EVALSHA:" +
      " TIME once, then HMGET, and HSET on an allowed check, per check; PEXPIRE on a window's first write); rlf runs one Lua script per check" +
      " (SET NX EX, INCRBY, PTTL, on every check: a refused one is counted too).",
    "- Memory: the Hub's in-process limiter (what the embedded mode runs: the same arithmetic as the scripts over plain numbers), not the memory store's script twins.",
    "- Both Redis clients have auto-pipelining on (the Hub's store turns it on; rlf's connection is given the same options). The `README client`" +
      " row is rlf on `new Redis({ enableOfflineQueue: false })` as its README builds it, without auto-pipelining.",
    "- rlf's fixed window starts at an identifier's first check; the Hub's is aligned on the clock (floor(now / window)).",
    ...warnings.map((warning) => `- WARNING: ${warning}`),
    ...problems.map((problem) => `- FAIL: ${problem}`),
  ];
  yield* Effect.sync(() => process.stdout.write(`${report.join("\n")}\n`));
  if (problems.length > 0) return 1;
  const checks: Record<string, number> = {};
  for (const row of rows) checks[`${cellName(row.cell)}.${row.target}`] = round(checksPerSecond(row.result), 0);
  const line = {
    bench: "ratelimit",
    ratio,
    memoryChecksPerSec,
    exactAllowed,
    limit: EXACT.limit,
    exactAllowedByAlgorithm: Object.fromEntries(hubExactRedis.map(([a, r]) => [a, r.allowed])),
    memoryExactAllowedByAlgorithm: Object.fromEntries(hubExactMemory.map(([a, r]) => [a, r.allowed])),
    rlfExactAllowed: rlfExactRedis.allowed,
    hubRedisC64PerSec: perSec("redis.c64.distinct", "hub_fixed_window"),
    rlfRedisC64PerSec: perSec("redis.c64.distinct", "rlf"),
    rlfReadmeClientRedisC64PerSec: perSec("redis.c64.distinct", "rlf_readme_client"),
    rlfMemoryPerSec: perSec("memory.c1.distinct", "rlf"),
    bestHubMemoryPerSec: round(checksPerSecond(bestMemory.result), 0),
    checksPerSec: checks,
  };
  yield* Effect.sync(() => process.stdout.write(`${JSON.stringify(line)}\n`));
  return 0;
});

runBench("ratelimit", program, { timeBudget: TIME_BUDGET, hardExitMs: HARD_EXIT_MS });
