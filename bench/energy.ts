// npm run bench:energy — what a charge costs through the Hub's energy path, against plain SQL.
//
// (a) Full path: a Hub process in production mode (src/main.ts; DATABASE_URL = a fresh database on
//     the local Postgres, cluster runner on a free loopback port), driven over HTTP by autocannon
//     (32 connections) with a key holding energy:write: POST /energy/{userId}/consume
//     {"action":"coach_message","idempotencyKey":<new each time>}. Two workloads: 1000 distinct
//     users (round-robin), and one hot user (every request serialised by its actor).
// (b) Reference, same run, same Postgres: one raw transaction per charge through `pg` (BEGIN;
//     UPDATE … balance - 5 … WHERE balance >= 5; INSERT the transaction row; COMMIT) on tables of
//     its own, 1000 users, 32 loops on a pool of 32. (a) distinct users and (b) are measured
//     interleaved in halves, A B B A, after a warm-up of each.
// (c) Balance reads, in this process: `energy.balance(userId)` answered by the account actors from
//     memory vs `SELECT balance FROM energy_accounts WHERE user_id = $1` on a pg pool of 10, both at
//     concurrency 32 over 1000 accounts, on a second fresh database (its own cluster runner).
//
// stdout: tables, ratios, notes, then as the LAST line
//   {"bench":"energy","ratio":<(a) distinct ops/s ÷ (b) ops/s>,"hotUserOpsPerSec":…,"readRatio":<actor ÷ pg>, …}
// (only on success). Progress on stderr. Exit 1 on any answer other than 200 in (a), any failed
// charge in (b) or read in (c), a Hub that does not start or dies, or past the time budget.
// Goals (reported, not enforced): ratio ≥ 0.5, readRatio ≥ 10.
//
// Env knobs: BENCH_DURATION_SECONDS (measured seconds per workload in (a)/(b), default 10),
// BENCH_WARMUP_SECONDS (discarded warm-up per workload, default 3), BENCH_ENERGY_READ_SECONDS
// (measured seconds per target in (c), at most, default 4), BENCH_ENERGY_READS (reads per target in
// (c), at most, default 60000), BENCH_KEEP_TMP=1 (keep the Hub's logs), BENCH_ENERGY_CPU_PROF=1 (the
// Hub writes a .cpuprofile into the kept temp dir), TEST_DATABASE_URL (admin URL, on 127.0.0.1).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { generateApiKey } from "../src/services/keys/format.js";
import { installCleanupHandlers, runBenchMain } from "./lib/cleanup.js";
import { addCpu, cpuSnapshot, cpuSpent, type CpuSpent } from "./lib/cpu.js";
import { adminUrlFromEnv, createEnergyDatabase } from "./lib/energy-database.js";
import {
  bearer,
  consumeTarget,
  createServiceKey,
  requestJson,
  seedAccounts,
  UnexpectedAnswers,
  waitForAdminKey,
} from "./lib/energy-http.js";
import { createRawLedger, type LoopResult, mergeLoops, opsPerSecond, rawCharge, rawPool, runClosedLoop } from "./lib/energy-raw.js";
import { measureBalanceReads, type ReadResults } from "./lib/energy-reads.js";
import { BENCH_HUB_LOG_LEVEL, flagFromEnv, positiveNumberFromEnv, productionHubEnv } from "./lib/env.js";
import { eventsPerSecond, percentile } from "./lib/events-load.js";
import type { LoadSummary } from "./lib/load.js";
import { getFreePort } from "./lib/net.js";
import { formatTable, round, type Column } from "./lib/report.js";
import { runSegment, summarizeSegments, type RawSegment, type SegmentSettings, type SegmentTarget } from "./lib/segmented-load.js";
import { createTempDir, describeServerFailure, spawnServer, waitForReady, type ServerProcess } from "./lib/server.js";

const CONNECTIONS = 32;
const LOAD: SegmentSettings = { connections: CONNECTIONS, pipelining: 1 };
const USERS = 1000;
const HOT_USER = "u-bench-hot";
const SEED_AMOUNT = 1_000_000;
const RAW_POOL_SIZE = 32;
const READ_POOL_SIZE = 10;
const HOT_WARMUP_SECONDS = 2;
const READ_WARMUP_MS = 1_000;
const HUB_READY_TIMEOUT_MS = 60_000;
const KEY_READY_TIMEOUT_MS = 30_000;
const HUB_STOP_GRACE_MS = 15_000;
const RATIO_GOAL = 0.5;
const READ_RATIO_GOAL = 10;

const settings = {
  durationSeconds: positiveNumberFromEnv("BENCH_DURATION_SECONDS", 10),
  warmupSeconds: positiveNumberFromEnv("BENCH_WARMUP_SECONDS", 3),
  readSeconds: positiveNumberFromEnv("BENCH_ENERGY_READ_SECONDS", 4),
  reads: Math.round(positiveNumberFromEnv("BENCH_ENERGY_READS", 60_000)),
  keepTemp: flagFromEnv("BENCH_KEEP_TMP") || flagFromEnv("BENCH_ENERGY_CPU_PROF"),
  cpuProfile: flagFromEnv("BENCH_ENERGY_CPU_PROF"),
};
/** (a) distinct and (b) are each measured in two halves of this (A B B A). */
const halfSeconds = Math.max(1, Math.round(settings.durationSeconds / 2));

const benchStarted = performance.now();
const log = (message: string): void => {
  process.stderr.write(`[bench:energy ${((performance.now() - benchStarted) / 1000).toFixed(1)}s] ${message}\n`);
};

/** One row of the write table: an HTTP workload (autocannon) or the raw loop. */
interface WriteRow {
  readonly label: string;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ops: number;
  readonly seconds: number;
  /** Non-200 answers + connection errors (HTTP), failed charges (raw). */
  readonly failures: number;
  readonly cpu: CpuSpent;
  /** Latency resolution of the row. */
  readonly resolution: "1 ms" | "µs";
}

const httpRow = (label: string, summary: LoadSummary, cpu: CpuSpent): WriteRow => ({
  label,
  opsPerSecond: summary.requestsPerSecond,
  p50Ms: summary.latencyP50Ms,
  p99Ms: summary.latencyP99Ms,
  ops: summary.completedRequests,
  seconds: summary.durationSeconds,
  failures: summary.errors + (summary.completedRequests - (summary.statusCodes["200"] ?? 0)),
  cpu,
  resolution: "1 ms",
});

const rawRow = (label: string, result: LoopResult, cpu: CpuSpent): WriteRow => ({
  label,
  opsPerSecond: opsPerSecond(result),
  p50Ms: percentile(result.latenciesMs, 50),
  p99Ms: percentile(result.latenciesMs, 99),
  ops: result.ops,
  seconds: result.elapsedMs / 1000,
  failures: result.errors,
  cpu,
  resolution: "µs",
});

const micros = (total: number | undefined, ops: number): string => (total === undefined || ops === 0 ? "-" : (total / ops).toFixed(0));
const ms = (value: number, resolution: WriteRow["resolution"]): string => (resolution === "1 ms" ? value.toFixed(0) : value.toFixed(2));

const WRITE_COLUMNS: ReadonlyArray<Column<WriteRow>> = [
  { header: "workload", align: "left", cell: (row) => row.label },
  { header: "ops/s", align: "right", cell: (row) => row.opsPerSecond.toFixed(0) },
  { header: "p50 ms", align: "right", cell: (row) => ms(row.p50Ms, row.resolution) },
  { header: "p99 ms", align: "right", cell: (row) => ms(row.p99Ms, row.resolution) },
  { header: "ops", align: "right", cell: (row) => String(row.ops) },
  { header: "seconds", align: "right", cell: (row) => row.seconds.toFixed(1) },
  { header: "failures", align: "right", cell: (row) => String(row.failures) },
  { header: "CPU µs/op: Hub", align: "right", cell: (row) => micros(row.cpu.server, row.ops) },
  { header: "bench", align: "right", cell: (row) => micros(row.cpu.bench, row.ops) },
  { header: "rest (Postgres)", align: "right", cell: (row) => micros(row.cpu.rest, row.ops) },
];

interface ReadRow {
  readonly label: string;
  readonly result: ReadResults["actor"];
}

const READ_COLUMNS: ReadonlyArray<Column<ReadRow>> = [
  { header: "read", align: "left", cell: (row) => row.result.label },
  { header: "reads/s", align: "right", cell: (row) => eventsPerSecond(row.result).toFixed(0) },
  { header: "p50 ms", align: "right", cell: (row) => percentile(row.result.latenciesMs, 50).toFixed(3) },
  { header: "p99 ms", align: "right", cell: (row) => percentile(row.result.latenciesMs, 99).toFixed(3) },
  { header: "reads", align: "right", cell: (row) => String(row.result.ops) },
  { header: "seconds", align: "right", cell: (row) => (row.result.elapsedMs / 1000).toFixed(2) },
  { header: "errors", align: "right", cell: (row) => String(row.result.errors) },
];

const users = Array.from({ length: USERS }, (_, i) => `u-bench-${i}`);

/** Opens every account (plan pack) and seeds it with SEED_AMOUNT, through the Hub. */
/** One consume answered 200 with the balance it left, before any load. */
const preflight = async (origin: string, key: string): Promise<void> => {
  const answer = await requestJson(false, "POST", `${origin}/energy/${HOT_USER}/consume`, bearer(key), {
    action: "coach_message",
    idempotencyKey: `preflight-${Date.now()}`,
  });
  const balance = answer.status === 200 ? (JSON.parse(answer.body) as { balance?: { balance?: unknown } }).balance?.balance : undefined;
  if (balance !== SEED_AMOUNT - 5) throw new Error(`preflight consume answered ${answer.status} ${answer.body.slice(0, 300)} (expected 200 with balance ${SEED_AMOUNT - 5})`);
};

const main = async (): Promise<number> => {
  const adminUrl = adminUrlFromEnv();
  const tmp = createTempDir("luna-bench-energy-", settings.keepTemp);
  const logDir = path.join(tmp, "logs");
  const profileDir = path.join(tmp, "profile");
  const runId = `b${Date.now().toString(36)}`;

  // (a) + (b): the Hub on a fresh database -------------------------------------------------------
  const hubDb = await createEnergyDatabase(adminUrl);
  log(`database: ${hubDb.server}, fresh database ${hubDb.name} (dropped at the end)`);
  const adminKey = generateApiKey("dev");
  const runnerPort = await getFreePort();
  const hub: ServerProcess = spawnServer({
    name: "hub",
    entry: "src/main.ts",
    port: await getFreePort(),
    env: productionHubEnv(hubDb.url, adminKey, runnerPort),
    ...(settings.cpuProfile ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] } : {}),
    unsetEnv: ["REDIS_URL", "OTEL_EXPORTER_OTLP_ENDPOINT"],
    logDir,
  });
  log(`waiting for the Hub (pid ${String(hub.pid)}, production mode, runner port ${runnerPort}) at ${hub.origin}/monitoring/ready ...`);
  const readyMs = await waitForReady(hub, { path: "/monitoring/ready", timeoutMs: HUB_READY_TIMEOUT_MS });
  await waitForAdminKey(hub, adminKey, KEY_READY_TIMEOUT_MS);
  const key = await createServiceKey(hub.origin, adminKey, ["energy:write", "energy:read"]);
  log(`Hub ready after ${(readyMs / 1000).toFixed(1)} s; opening and seeding ${USERS + 1} accounts`);
  const seedStarted = performance.now();
  await seedAccounts(hub.origin, key, [...users, HOT_USER], SEED_AMOUNT, CONNECTIONS);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  log(`accounts opened and seeded in ${seedSeconds.toFixed(1)} s`);
  await preflight(hub.origin, key);

  const raw = rawPool({ connectionString: hubDb.url, max: RAW_POOL_SIZE });
  const rawUsers = await createRawLedger(raw.pool, USERS, SEED_AMOUNT);
  const rawCounter = { next: 0 };
  const rawOp = (i: number) => rawCharge(raw.pool, rawUsers[i % rawUsers.length]!, `${runId}-${i}`);

  const httpCounter = { next: 0 };
  const unexpected = new UnexpectedAnswers();
  const unexpectedInWarmup = new UnexpectedAnswers();
  const target = (title: string, userOf: (n: number) => string, record: UnexpectedAnswers): SegmentTarget =>
    consumeTarget({ title, origin: hub.origin, key, userOf, counter: httpCounter, keyPrefix: runId, unexpected: record });
  const distinctOf = (n: number) => users[n % USERS]!;
  const hotOf = () => HOT_USER;

  const alive = () => {
    if (hub.exitInfo() !== undefined) throw new Error(describeServerFailure(hub, "the Hub died during the benchmark"));
  };
  // With BENCH_ENERGY_CPU_PROF, where each HTTP run falls on the monotonic clock, which the Hub's
  // .cpuprofile shares (startTime/timeDeltas, µs): windows.json lets a reader keep the load only.
  const windows: Array<{ readonly label: string; readonly startMicros: number; readonly endMicros: number }> = [];
  const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);
  const segment = async (what: string, t: SegmentTarget, seconds: number): Promise<{ segment: RawSegment; cpu: CpuSpent }> => {
    log(`${what}: ${seconds} s`);
    const before = cpuSnapshot(hub.pid);
    const startMicros = monotonicMicros();
    const result = await runSegment(t, LOAD, seconds);
    windows.push({ label: what, startMicros, endMicros: monotonicMicros() });
    const cpu = cpuSpent(before, cpuSnapshot(hub.pid));
    alive();
    return { segment: result, cpu };
  };
  const rawRun = async (what: string, seconds: number): Promise<{ result: LoopResult; cpu: CpuSpent }> => {
    log(`${what}: ${seconds} s`);
    const before = cpuSnapshot(hub.pid);
    const result = await runClosedLoop(rawOp, rawCounter, { concurrency: CONNECTIONS, durationMs: seconds * 1000, maxOps: 1_000_000 });
    return { result, cpu: cpuSpent(before, cpuSnapshot(hub.pid)) };
  };

  const loadAtStart = os.loadavg()[0] ?? 0;
  await segment("(a) distinct users: warm-up (discarded)", target("warm-up", distinctOf, unexpectedInWarmup), settings.warmupSeconds);
  const rawWarmup = await rawRun("(b) raw SQL: warm-up (discarded)", settings.warmupSeconds);

  const distinctTarget = target("distinct", distinctOf, unexpected);
  const distinct: Array<{ segment: RawSegment; cpu: CpuSpent }> = [];
  const rawHalves: Array<{ result: LoopResult; cpu: CpuSpent }> = [];
  distinct.push(await segment("(a) distinct users: measuring", distinctTarget, halfSeconds));
  rawHalves.push(await rawRun("(b) raw SQL: measuring", halfSeconds));
  rawHalves.push(await rawRun("(b) raw SQL: measuring", halfSeconds));
  distinct.push(await segment("(a) distinct users: measuring", distinctTarget, halfSeconds));

  const hotTarget = target("hot", hotOf, unexpected);
  await segment("(a) one hot user: warm-up (discarded)", target("hot warm-up", hotOf, unexpectedInWarmup), HOT_WARMUP_SECONDS);
  const hot = await segment("(a) one hot user: measuring", hotTarget, settings.durationSeconds);
  const loadAtEnd = os.loadavg()[0] ?? 0;

  const hubStdoutBytes = hub.stdoutBytes();
  // With 1000 actors to stop, the Hub needs more than the default 5 s (and SIGKILL would lose its profile).
  await hub.stop(HUB_STOP_GRACE_MS);
  // LOG_LEVEL=warn: whatever the Hub wrote is a warning or an error (e.g. the cluster's shard locks).
  const hubShutdownBytes = hub.stdoutBytes() - hubStdoutBytes;
  const hubWarnings = hubStdoutBytes > 0 ? hub.tail("stdout", 5).split("\n").map((line) => line.slice(0, 400)) : [];
  if (settings.cpuProfile) {
    fs.mkdirSync(profileDir, { recursive: true });
    fs.writeFileSync(path.join(profileDir, "windows.json"), `${JSON.stringify(windows, null, 2)}\n`);
  }
  // The reference's own check: every charge that succeeded left one row.
  const rawStored = Number((await raw.pool.query<{ n: string }>("SELECT count(*)::text AS n FROM bench_raw_transactions")).rows[0]?.n ?? -1);
  await raw.end();

  const distinctRow = httpRow(
    "(a) Hub, 1000 distinct users",
    summarizeSegments(distinctTarget, LOAD, distinct.map((d) => d.segment)),
    distinct.map((d) => d.cpu).reduce(addCpu),
  );
  const rawResult = mergeLoops(rawHalves.map((r) => r.result));
  const rawRowValue = rawRow(`(b) raw SQL tx, pool ${RAW_POOL_SIZE}`, rawResult, rawHalves.map((r) => r.cpu).reduce(addCpu));
  const hotRow = httpRow("(a) Hub, one hot user", summarizeSegments(hotTarget, LOAD, [hot.segment]), hot.cpu);

  // (c): balance reads in this process, on a database of its own ---------------------------------
  const readDb = await createEnergyDatabase(adminUrl);
  log(`(c) balance reads on fresh database ${readDb.name}: building the energy service in this process`);
  const reads = await measureBalanceReads({
    url: readDb.url,
    users: USERS,
    concurrency: CONNECTIONS,
    poolSize: READ_POOL_SIZE,
    warmupMs: READ_WARMUP_MS,
    measuredMs: settings.readSeconds * 1000,
    maxOpsPerRound: Math.max(1, Math.floor(settings.reads / 2)),
    log,
  });

  // Report ----------------------------------------------------------------------------------------
  const ratio = distinctRow.opsPerSecond / rawRowValue.opsPerSecond;
  const actorReads = eventsPerSecond(reads.actor);
  const pgReads = eventsPerSecond(reads.pg);
  const readRatio = actorReads / pgReads;
  const writeRows = [distinctRow, rawRowValue, hotRow];
  const goal = (value: number, target: number) => (value >= target ? "met" : "NOT met");
  const perOp = (row: WriteRow) => (row.ops > 0 && row.cpu.machine !== undefined ? row.cpu.machine / row.ops : undefined);

  const problems: Array<string> = [];
  if (unexpected.total > 0 || distinctRow.failures > 0 || hotRow.failures > 0) {
    problems.push(`(a) answers other than 200: ${unexpected.describe() || "none recorded"}; connection errors: distinct ${distinctRow.failures}, hot ${hotRow.failures} (failures column)`);
    for (const sample of unexpected.samples) problems.push(`  ${sample}`);
  }
  if (rawResult.errors > 0 || rawWarmup.result.errors > 0) problems.push(`(b) ${rawResult.errors + rawWarmup.result.errors} failed charges (first: ${rawResult.firstError ?? rawWarmup.result.firstError})`);
  const rawCharged = rawResult.ops + rawWarmup.result.ops;
  if (rawStored !== rawCharged) problems.push(`(b) ${rawStored} transaction rows stored for ${rawCharged} charges`);
  for (const row of [reads.actor, reads.pg]) {
    if (row.errors > 0) problems.push(`(c) ${row.label}: ${row.errors} failed reads (first: ${row.firstError ?? "?"})`);
    if (row.ops === 0) problems.push(`(c) ${row.label}: no read completed`);
  }
  if (reads.mismatches > 0) problems.push(`(c) ${reads.mismatches} actors answered a balance other than the stored one`);
  if (writeRows.some((row) => row.ops === 0)) problems.push("a write workload completed no operation");

  const report = [
    `Energy: a charge through the Hub (production mode, HTTP) vs a raw SQL transaction, on ${hubDb.server}`,
    `${CONNECTIONS} connections / loops; ${settings.warmupSeconds} s warm-up each, then (a) distinct and (b) measured interleaved in ${halfSeconds} s halves` +
      ` (A B B A), then the hot user ${HOT_WARMUP_SECONDS} s warm-up + ${settings.durationSeconds} s`,
    "",
    formatTable(WRITE_COLUMNS, writeRows),
    "",
    `full path / raw SQL (distinct users): ${ratio.toFixed(3)} (goal ≥ ${RATIO_GOAL}: ${goal(ratio, RATIO_GOAL)})`,
    `one hot user: ${hotRow.opsPerSecond.toFixed(0)} consumes/s (one actor, one transaction at a time), ${(hotRow.opsPerSecond / distinctRow.opsPerSecond).toFixed(3)} of the distinct-users rate`,
    "",
    `(c) balance reads in this process, ${USERS} accounts, concurrency ${CONNECTIONS}, ${READ_WARMUP_MS / 1000} s warm-up each then` +
      ` rounds A B B A (at most ${settings.readSeconds} s or ${settings.reads} reads per target); ${reads.openSeconds.toFixed(1)} s to open the accounts`,
    "",
    formatTable(READ_COLUMNS, [
      { label: "actor", result: reads.actor },
      { label: "pg", result: reads.pg },
    ]),
    "",
    `actor / pg point select: ${readRatio.toFixed(2)} (goal ≥ ${READ_RATIO_GOAL}: ${goal(readRatio, READ_RATIO_GOAL)})`,
    "notes:",
    `- ${os.availableParallelism()} cores shared by everything: the Hub, autocannon and the raw pool (this process), Postgres.` +
      ` CPU per op is the Hub's (/proc), this process's, and the rest of the machine's busy time (Postgres, mostly).`,
    `- machine busy CPU per op: distinct ${micros(perOp(distinctRow), 1)} µs, raw ${micros(perOp(rawRowValue), 1)} µs, hot ${micros(perOp(hotRow), 1)} µs;` +
      ` 1-min load average ${loadAtStart.toFixed(2)} at the start of the load, ${loadAtEnd.toFixed(2)} at the end (other work lowers every rate).`,
    "- Hub: production mode (DATABASE_URL set), SUPABASE_POOL_SIZE default (10), no Redis, no OTLP (tracer off), LOG_LEVEL=warn;" +
      ` ${USERS + 1} accounts opened (plan pack) and seeded with ${SEED_AMOUNT} in ${seedSeconds.toFixed(1)} s before the load.`,
    "- a consume: authentication, the user's actor (cluster), one transaction (conditional account update + transaction row," +
      " then the event append) and the JSON answer; the raw reference does the two writes only, in four round trips.",
    `- (a) latencies have 1 ms resolution (autocannon); ops/s is the mean of 1 s samples. (b) and (c) are timed per operation.` +
      ` ${rawCharged} raw charges in all (warm-up included).`,
    `- the Hub wrote ${hubStdoutBytes} bytes to stdout up to the end of the load, ${hubShutdownBytes} while stopping` +
      ` (LOG_LEVEL=${BENCH_HUB_LOG_LEVEL}: warnings and errors only)${hubWarnings.length > 0 ? "; its last lines:" : "."}`,
    ...hubWarnings.map((line) => `    ${line}`),
    ...(settings.cpuProfile ? [`- CPU profile of the Hub: ${profileDir} (windows.json: each HTTP run on the profile's clock, µs)`] : []),
    ...(unexpectedInWarmup.total > 0 ? [`- warm-ups had answers other than 200: ${unexpectedInWarmup.describe()}; first: ${unexpectedInWarmup.samples[0] ?? "?"}`] : []),
    ...problems.map((problem) => `- FAIL: ${problem}`),
  ];
  process.stdout.write(`${report.join("\n")}\n`);
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`FAIL: ${problem}\n`);
    return 1;
  }

  const line = {
    bench: "energy",
    ratio: round(ratio, 3),
    hotUserOpsPerSec: round(hotRow.opsPerSecond, 1),
    readRatio: round(readRatio, 2),
    hubOpsPerSec: round(distinctRow.opsPerSecond, 1),
    rawOpsPerSec: round(rawRowValue.opsPerSecond, 1),
    hubP50Ms: distinctRow.p50Ms,
    hubP99Ms: distinctRow.p99Ms,
    rawP50Ms: round(rawRowValue.p50Ms, 2),
    rawP99Ms: round(rawRowValue.p99Ms, 2),
    hotP50Ms: hotRow.p50Ms,
    hotP99Ms: hotRow.p99Ms,
    actorReadsPerSec: round(actorReads, 0),
    pgReadsPerSec: round(pgReads, 0),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return 0;
};

installCleanupHandlers();

// Safety net: the load ((a)+(b) warm-ups, 4 halves, the hot user), (c) at most 2 warm-ups + 2 × its
// measured time, plus 75 s for the Hub's start, seeding, (c)'s setup and slack: 136 s with the
// defaults. Cleanup (Hub SIGTERM, pools, DROP DATABASE) follows; a normal run takes about 100 s.
const budgetSeconds = 2 * settings.warmupSeconds + 4 * halfSeconds + HOT_WARMUP_SECONDS + settings.durationSeconds + 2 * (READ_WARMUP_MS / 1000 + settings.readSeconds) + 75;
await runBenchMain("bench:energy", main, budgetSeconds);
