// npm run bench:e2e — the end-to-end charge path: authenticated, rate-limited consume calls over
// HTTP against real Postgres and Redis, through the Hub and through a minimal hand-written service.
//
// (a) Hub: src/main.ts in production mode on a fresh database of the local Postgres, with REDIS_URL
//     set (rate limits and cache on Redis, under a key prefix of this run), limits that the load
//     never reaches (every check runs, none refuses), a key holding energy:write.
// (b) Reference: bench/reference/e2e-server.ts (node:http + pg + ioredis) on its own tables in the
//     same database and the same Redis: the key's hash looked up once and cached, two token buckets
//     in one Lua call, then BEGIN; conditional UPDATE of the balance; INSERT the transaction (its
//     idempotency key unique per user); INSERT the event at the account's new version; COMMIT.
// Both get the same requests from autocannon (32 connections): POST /energy/{userId}/consume
// {"action":"coach_message","idempotencyKey":<new each time>}, 1000 users round-robin, measured
// in halves in mirrored order (Hub, reference, reference, Hub) after a warm-up of each.
//
// stdout: a table, then as the LAST line
//   {"bench":"e2e","hub":<ops/s>,"reference":<ops/s>,"ratio":<hub ÷ reference>,"p99Ms":<Hub p99>,…}
// (only on success). Exit 1 on any answer other than 200, a server that does not start or dies,
// or past the time budget. Goal (reported, not enforced): ratio ≥ 0.7.
//
// Env knobs: BENCH_DURATION_SECONDS (measured seconds per target, default 10), BENCH_WARMUP_SECONDS
// (discarded warm-up per target, default 3), BENCH_KEEP_TMP=1 (keep the servers' logs),
// TEST_DATABASE_URL (admin URL, on 127.0.0.1), BENCH_REDIS_URL (default redis://127.0.0.1:6379).
import os from "node:os";
import path from "node:path";
import { generateApiKey } from "../src/services/keys/format.js";
import { installCleanupHandlers, registerCleanup, runBenchMain } from "./lib/cleanup.js";
import { addCpu, cpuSnapshot, cpuSpent, type CpuSpent } from "./lib/cpu.js";
import { adminUrlFromEnv, createEnergyDatabase } from "./lib/energy-database.js";
import { consumeTarget, createServiceKey, seedAccounts, UnexpectedAnswers, waitForAdminKey } from "./lib/energy-http.js";
import { rawPool } from "./lib/energy-raw.js";
import { flagFromEnv, positiveNumberFromEnv, productionHubEnv } from "./lib/env.js";
import type { LoadSummary } from "./lib/load.js";
import { getFreePort } from "./lib/net.js";
import { type Column, formatTable, round } from "./lib/report.js";
import { runSegment, summarizeSegments, type RawSegment, type SegmentSettings, type SegmentTarget } from "./lib/segmented-load.js";
import { createTempDir, describeServerFailure, type ServerProcess, spawnServer, waitForReady } from "./lib/server.js";
import { setUpReferenceLedger } from "./reference/e2e-ledger.js";
import { dropRedisKeys } from "./lib/redis-keys.js";

const NAME = "e2e";
const CONNECTIONS = 32;
const LOAD: SegmentSettings = { connections: CONNECTIONS, pipelining: 1 };
const USERS = 1000;
const SEED_AMOUNT = 1_000_000;
const SCOPES = ["energy:write", "energy:read"] as const;
const READY_TIMEOUT_MS = 60_000;
const KEY_READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 15_000;
const RATIO_GOAL = 0.7;

const settings = {
  durationSeconds: positiveNumberFromEnv("BENCH_DURATION_SECONDS", 10),
  warmupSeconds: positiveNumberFromEnv("BENCH_WARMUP_SECONDS", 3),
  keepTemp: flagFromEnv("BENCH_KEEP_TMP"),
  redisUrl: process.env["BENCH_REDIS_URL"] ?? "redis://127.0.0.1:6379",
};
const halfSeconds = Math.max(1, Math.round(settings.durationSeconds / 2));

const started = performance.now();
const log = (message: string): void => {
  process.stderr.write(`[bench:${NAME} ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
};

interface Row {
  readonly label: string;
  readonly summary: LoadSummary;
  readonly cpu: CpuSpent;
}

const COLUMNS: ReadonlyArray<Column<Row>> = [
  { header: "target", align: "left", cell: (r) => r.label },
  { header: "ops/s", align: "right", cell: (r) => r.summary.requestsPerSecond.toFixed(0) },
  { header: "p50 ms", align: "right", cell: (r) => r.summary.latencyP50Ms.toFixed(0) },
  { header: "p99 ms", align: "right", cell: (r) => r.summary.latencyP99Ms.toFixed(0) },
  { header: "ops", align: "right", cell: (r) => String(r.summary.completedRequests) },
  { header: "seconds", align: "right", cell: (r) => r.summary.durationSeconds.toFixed(1) },
  { header: "CPU µs/op: server", align: "right", cell: (r) => perOp(r.cpu.server, r.summary.completedRequests) },
  { header: "rest (Postgres, Redis)", align: "right", cell: (r) => perOp(r.cpu.rest, r.summary.completedRequests) },
];

const perOp = (micros: number | undefined, ops: number): string => (micros === undefined || ops === 0 ? "-" : (micros / ops).toFixed(0));

const main = async (): Promise<number> => {
  const adminUrl = adminUrlFromEnv();
  const tmp = createTempDir("luna-bench-e2e-", settings.keepTemp);
  const logDir = path.join(tmp, "logs");
  const runId = `e${Date.now().toString(36)}`;
  const redisPrefix = `bench-${runId}:`;
  registerCleanup({ name: "drop the run's Redis keys", run: () => dropRedisKeys(settings.redisUrl, redisPrefix), runSync: () => undefined });

  const database = await createEnergyDatabase(adminUrl);
  log(`database: ${database.server}, fresh database ${database.name} (dropped at the end); Redis ${settings.redisUrl}, prefix ${redisPrefix}`);
  const users = Array.from({ length: USERS }, (_, i) => `u-e2e-${i}`);

  // (a) the Hub.
  const adminKey = generateApiKey("dev");
  const hub: ServerProcess = spawnServer({
    name: "hub",
    entry: "src/main.ts",
    port: await getFreePort(),
    env: {
      ...productionHubEnv(database.url, adminKey, await getFreePort()),
      REDIS_URL: settings.redisUrl,
      REDIS_KEY_PREFIX: redisPrefix,
    },
    unsetEnv: ["OTEL_EXPORTER_OTLP_ENDPOINT"],
    logDir,
  });
  log(`waiting for the Hub (pid ${String(hub.pid)}) at ${hub.origin}/monitoring/ready ...`);
  await waitForReady(hub, { path: "/monitoring/ready", timeoutMs: READY_TIMEOUT_MS });
  await waitForAdminKey(hub, adminKey, KEY_READY_TIMEOUT_MS);
  const hubKey = await createServiceKey(hub.origin, adminKey, SCOPES);
  log(`Hub ready; opening and seeding ${USERS} accounts`);
  await seedAccounts(hub.origin, hubKey, users, SEED_AMOUNT, CONNECTIONS);

  // (b) the reference, on its own tables in the same database.
  const referenceKey = generateApiKey("dev");
  const setup = rawPool({ connectionString: database.url, max: 2 });
  await setUpReferenceLedger(setup.pool, referenceKey, SCOPES, users, SEED_AMOUNT);
  const reference: ServerProcess = spawnServer({
    name: "reference",
    entry: "bench/reference/e2e-server.ts",
    port: await getFreePort(),
    env: { DATABASE_URL: database.url, REDIS_URL: settings.redisUrl },
    logDir,
  });
  await waitForReady(reference, { path: "/ready", timeoutMs: READY_TIMEOUT_MS });
  log(`reference ready (pid ${String(reference.pid)}) at ${reference.origin}`);

  const counter = { next: 0 };
  const unexpected = new UnexpectedAnswers();
  const userOf = (n: number) => users[n % USERS]!;
  const hubTarget = consumeTarget({ title: "hub", origin: hub.origin, key: hubKey, userOf, counter, keyPrefix: runId, unexpected });
  const referenceTarget = consumeTarget({ title: "reference", origin: reference.origin, key: referenceKey, userOf, counter, keyPrefix: runId, unexpected });

  const alive = () => {
    if (hub.exitInfo() !== undefined) throw new Error(describeServerFailure(hub, "the Hub died during the benchmark"));
    if (reference.exitInfo() !== undefined) throw new Error(describeServerFailure(reference, "the reference died during the benchmark"));
  };
  const segment = async (what: string, server: ServerProcess, target: SegmentTarget, seconds: number) => {
    log(`${what}: ${seconds} s`);
    const before = cpuSnapshot(server.pid);
    const result = await runSegment(target, LOAD, seconds);
    const cpu = cpuSpent(before, cpuSnapshot(server.pid));
    alive();
    return { result, cpu };
  };

  const loadAtStart = os.loadavg()[0] ?? 0;
  await segment("Hub: warm-up (discarded)", hub, hubTarget, settings.warmupSeconds);
  await segment("reference: warm-up (discarded)", reference, referenceTarget, settings.warmupSeconds);
  if (unexpected.total > 0) throw new Error(`unexpected answers during the warm-up: ${unexpected.describe()}`);
  const hubHalves: Array<{ result: RawSegment; cpu: CpuSpent }> = [];
  const referenceHalves: Array<{ result: RawSegment; cpu: CpuSpent }> = [];
  hubHalves.push(await segment("Hub: measuring", hub, hubTarget, halfSeconds));
  referenceHalves.push(await segment("reference: measuring", reference, referenceTarget, halfSeconds));
  referenceHalves.push(await segment("reference: measuring", reference, referenceTarget, halfSeconds));
  hubHalves.push(await segment("Hub: measuring", hub, hubTarget, halfSeconds));
  const loadAtEnd = os.loadavg()[0] ?? 0;

  // The reference's own check: every charge it answered 200 left one transaction and one event.
  const stored = (await setup.pool.query<{ transactions: string; events: string }>(
    "SELECT (SELECT count(*) FROM bench_ref_transactions)::text AS transactions, (SELECT count(*) FROM bench_ref_events)::text AS events",
  )).rows[0]!;
  await setup.end();
  await Promise.all([hub.stop(STOP_GRACE_MS), reference.stop(STOP_GRACE_MS)]);

  if (unexpected.total > 0) {
    process.stderr.write(`[bench:${NAME}] FAIL: answers other than 200: ${unexpected.describe()}\n`);
    return 1;
  }
  const rows: ReadonlyArray<Row> = [
    { label: "(a) Hub", summary: summarizeSegments(hubTarget, LOAD, hubHalves.map((h) => h.result)), cpu: hubHalves.map((h) => h.cpu).reduce(addCpu) },
    {
      label: "(b) reference (node:http + pg + ioredis)",
      summary: summarizeSegments(referenceTarget, LOAD, referenceHalves.map((h) => h.result)),
      cpu: referenceHalves.map((h) => h.cpu).reduce(addCpu),
    },
  ];
  const [hubRow, referenceRow] = rows as readonly [Row, Row];
  if (Number(stored.transactions) !== Number(stored.events)) {
    process.stderr.write(`[bench:${NAME}] FAIL: the reference stored ${stored.transactions} transactions but ${stored.events} events\n`);
    return 1;
  }
  const ratio = hubRow.summary.requestsPerSecond / referenceRow.summary.requestsPerSecond;
  process.stdout.write(
    [
      "",
      formatTable(COLUMNS, rows),
      "",
      `ratio, Hub ÷ reference ops/s: ${ratio.toFixed(3)} (goal ≥ ${RATIO_GOAL}: ${ratio >= RATIO_GOAL ? "met" : "NOT met"})`,
      "",
      "Notes:",
      `- ${os.availableParallelism()} cores shared by the load generator, both servers, Postgres and Redis; load average ${loadAtStart.toFixed(2)} at the start, ${loadAtEnd.toFixed(2)} at the end.`,
      `- ${CONNECTIONS} connections, ${USERS} users round-robin, a new idempotency key per request; halves in mirrored order (Hub, reference, reference, Hub), ${halfSeconds} s each after ${settings.warmupSeconds} s of warm-up per target.`,
      `- Latency from autocannon (1 ms resolution). The reference stored ${stored.transactions} transactions and as many events.`,
      "",
    ].join("\n"),
  );
  const line = {
    bench: NAME,
    hub: round(hubRow.summary.requestsPerSecond, 1),
    reference: round(referenceRow.summary.requestsPerSecond, 1),
    ratio: round(ratio, 3),
    p99Ms: hubRow.summary.latencyP99Ms,
    p50Ms: hubRow.summary.latencyP50Ms,
    referenceP50Ms: referenceRow.summary.latencyP50Ms,
    referenceP99Ms: referenceRow.summary.latencyP99Ms,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return 0;
};

installCleanupHandlers();

// The load (2 warm-ups, 4 halves) plus 90 s for the Hub's start, seeding the accounts and slack.
const budgetSeconds = 2 * settings.warmupSeconds + 4 * halfSeconds + 90;
await runBenchMain(`bench:${NAME}`, main, budgetSeconds);
