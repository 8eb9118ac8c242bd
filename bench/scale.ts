// npm run bench:scale — the Hub scaled out: the mixed ledger load on 1 and on 3 cluster runners, and
// what the cross-runner hop costs a consume.
//
// (a) 1 runner: one Hub (src/main.ts, production mode) on a fresh database of the local Postgres.
// (b) 3 runners: three Hubs on another fresh database, each a runner on its own loopback port, the
//     load spread over them at random (as a load balancer would).
// Both up at once, with REDIS_URL (cache and limits on Redis, under a key prefix per setup), limits
// the load never reaches, and the same secrets on every Hub of a cluster. The mixed load
// (bench/lib/scale-load.ts, the fault suite's mix: consume, refund, reserve then commit or release,
// purchase, balance and transaction reads) runs BENCH_WORKERS concurrent HTTP clients over USERS
// accounts: a warm-up on each setup, then BENCH_DURATION_SECONDS per setup in halves in mirrored
// order (1, 3, 3, 1), so a drift of the machine's load weighs on both alike.
// (c) On (b): consumes sent one at a time, each to the runner owning the user's actor (local) or to
//     another one (remote: the Hub forwards the command to the owner over the runners' socket and
//     relays the answer), alternating, over a sample of users. The owner is computed as
//     @effect/cluster computes it (bench/lib/scale-shards.ts: shard hash, then the runners' hash
//     ring) and checked before measuring: predicted shard counts against each Hub's
//     `cluster.shards.ownedHere` (GET /monitoring/system-info), and the instance whose actor
//     activation counter moves when fresh accounts are opened.
// Then the ledger's own check on (b): every account's balance is the sum of its transactions and its
// version the length of its stream.
//
// stdout: a table, the hop figures, then as the LAST line
//   {"bench":"scale","oneRunner":<ops/s>,"threeRunners":<ops/s>,"throughputRatio":<3 ÷ 1>,
//    "localP50Ms":…,"localP99Ms":…,"remoteP50Ms":…,"remoteP99Ms":…,"hopRatioP50":<remote ÷ local>,…}
// Exit 1 on any answer other than 2xx, an ownership prediction the Hubs contradict, a ledger that
// does not add up, a Hub that dies, or past the time budget.
//
// Env knobs: BENCH_DURATION_SECONDS (measured load per setup, default 10), BENCH_WARMUP_SECONDS
// (default 3), BENCH_WORKERS (concurrent clients, default 16), BENCH_HOP_SAMPLES (consumes per side
// for the hop, default 300), BENCH_KEEP_TMP=1, TEST_DATABASE_URL (admin URL on 127.0.0.1),
// BENCH_REDIS_URL (default redis://127.0.0.1:6379).
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { installCleanupHandlers, runBenchMain } from "./lib/cleanup.js";
import { adminUrlFromEnv } from "./lib/energy-database.js";
import { bearer, requestJson, setupAgent } from "./lib/energy-http.js";
import { rawPool } from "./lib/energy-raw.js";
import { flagFromEnv, positiveNumberFromEnv } from "./lib/env.js";
import { processCpuMicros } from "./lib/cpu.js";
import { type Column, formatTable, round } from "./lib/report.js";
import { type Cluster, startCluster, verifyOwnershipByActivations } from "./lib/scale-cluster.js";
import { type LoadResult, loadAgent, type OperationKind, percentile, runMixedLoad } from "./lib/scale-load.js";
import { ownerOf } from "./lib/scale-shards.js";
import { createTempDir } from "./lib/server.js";

const NAME = "scale";
const USERS = 200;
const SEED_AMOUNT = 1_000_000;
/** Fresh accounts opened one by one to see which instance's actor starts (the ownership check). */
const OWNERSHIP_PROBES = 12;
/** Users the hop is measured over, and the rounds discarded first. */
const HOP_USERS = 40;
const HOP_WARMUP = 30;

const settings = {
  durationSeconds: positiveNumberFromEnv("BENCH_DURATION_SECONDS", 10),
  warmupSeconds: positiveNumberFromEnv("BENCH_WARMUP_SECONDS", 3),
  workers: Math.round(positiveNumberFromEnv("BENCH_WORKERS", 16)),
  hopSamples: Math.round(positiveNumberFromEnv("BENCH_HOP_SAMPLES", 300)),
  keepTemp: flagFromEnv("BENCH_KEEP_TMP"),
  redisUrl: process.env["BENCH_REDIS_URL"] ?? "redis://127.0.0.1:6379",
};

const started = performance.now();
const log = (message: string): void => {
  process.stderr.write(`[bench:${NAME} ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
};

interface Measured {
  readonly result: LoadResult;
  /** CPU (user + system) the Hub processes spent during the measured load, in µs. */
  readonly hubCpuMicros: number | undefined;
}

/** CPU time of every Hub of the cluster so far (undefined off Linux). */
const hubsCpu = (cluster: Cluster): number | undefined =>
  cluster.hubs.reduce<number | undefined>((sum, hub) => {
    const micros = processCpuMicros(hub.pid);
    return sum === undefined || micros === undefined ? undefined : sum + micros;
  }, 0);

/** One run of the mixed load on `cluster`; throws on any answer but 2xx or a Hub gone. */
const loadOn = async (cluster: Cluster, label: string, seconds: number): Promise<Measured> => {
  const agent = loadAgent(settings.workers);
  const cpuBefore = hubsCpu(cluster);
  const result = await runMixedLoad({ origins: cluster.origins, key: cluster.serviceKey, users: cluster.users, workers: settings.workers, agent, seconds });
  const cpuAfter = hubsCpu(cluster);
  agent.destroy();
  cluster.alive();
  if (result.errors > 0) throw new Error(`${label}: ${result.errors} answers other than 2xx, e.g. ${result.errorSamples.join(" | ")}`);
  return { result, hubCpuMicros: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
};

/** Halves of one setup as one measurement. */
const merged = (halves: ReadonlyArray<Measured>): Measured => {
  const latencies = new Map<OperationKind, Array<number>>();
  for (const half of halves) {
    for (const [kind, values] of half.result.latencies) latencies.set(kind, [...(latencies.get(kind) ?? []), ...values]);
  }
  return {
    result: {
      seconds: halves.reduce((sum, h) => sum + h.result.seconds, 0),
      operations: halves.reduce((sum, h) => sum + h.result.operations, 0),
      errors: halves.reduce((sum, h) => sum + h.result.errors, 0),
      errorSamples: halves.flatMap((h) => h.result.errorSamples),
      latencies,
    },
    hubCpuMicros: halves.reduce<number | undefined>((sum, h) => (sum === undefined || h.hubCpuMicros === undefined ? undefined : sum + h.hubCpuMicros), 0),
  };
};

/**
 * Both setups warmed up, then measured in halves in mirrored order (1, 3, 3, 1), so a machine
 * whose load drifts (other work, Postgres' own) weighs on both alike.
 */
const measureBoth = async (one: Cluster, three: Cluster): Promise<{ oneRunner: Measured; threeRunners: Measured }> => {
  const half = Math.max(1, settings.durationSeconds / 2);
  log(`warm-up: ${settings.warmupSeconds} s on each setup`);
  await loadOn(one, "1 runner", settings.warmupSeconds);
  await loadOn(three, "3 runners", settings.warmupSeconds);
  log(`measuring: ${half} s halves, 1 runner, 3 runners, 3 runners, 1 runner`);
  const oneHalves = [await loadOn(one, "1 runner", half)];
  const threeHalves = [await loadOn(three, "3 runners", half), await loadOn(three, "3 runners", half)];
  oneHalves.push(await loadOn(one, "1 runner", half));
  return { oneRunner: merged(oneHalves), threeRunners: merged(threeHalves) };
};

interface HopSide {
  /** Milliseconds of each consume. */
  readonly latencies: Array<number>;
  /** CPU all the Hubs spent while these consumes ran, in µs (undefined off Linux). */
  hubCpuMicros: number | undefined;
}

interface HopFigures {
  readonly local: HopSide;
  readonly remote: HopSide;
}

/**
 * Consumes one at a time (no queueing: the figures are the hop's, not the load's), each user's in
 * turn to its owner's Hub and to another runner's, alternating which goes first and which other
 * runner, over HOP_USERS users. The Hubs' CPU is read around each consume and added to its side
 * (/proc counts in 10 ms ticks: one reading is coarse, hundreds add up to the right share).
 */
const measureHop = async (cluster: Cluster): Promise<HopFigures> => {
  const agent = setupAgent(2);
  const local: HopSide = { latencies: [], hubCpuMicros: 0 };
  const remote: HopSide = { latencies: [], hubCpuMicros: 0 };
  const users = cluster.users.slice(0, HOP_USERS);
  const consume = async (origin: string, userId: string, side: HopSide | undefined): Promise<void> => {
    const cpuBefore = hubsCpu(cluster);
    const startedAt = performance.now();
    const answer = await requestJson(agent, "POST", `${origin}/energy/${userId}/consume`, bearer(cluster.serviceKey), { action: "coach_message", idempotencyKey: randomUUID() });
    const elapsed = performance.now() - startedAt;
    const cpuAfter = hubsCpu(cluster);
    if (answer.status !== 200) throw new Error(`hop consume answered ${answer.status} ${answer.body.slice(0, 200)}`);
    if (side === undefined) return;
    side.latencies.push(elapsed);
    side.hubCpuMicros = side.hubCpuMicros === undefined || cpuBefore === undefined || cpuAfter === undefined ? undefined : side.hubCpuMicros + cpuAfter - cpuBefore;
  };
  for (let round = 0; round < HOP_WARMUP + settings.hopSamples; round++) {
    const userId = users[round % users.length]!;
    const owner = cluster.ownership.originOf.get(ownerOf(cluster.ownership.owners, userId))!;
    const others = cluster.origins.filter((origin) => origin !== owner);
    const other = others[Math.floor(round / users.length) % others.length]!;
    const measured = round >= HOP_WARMUP;
    const pair = round % 2 === 0 ? [[owner, local], [other, remote]] as const : [[other, remote], [owner, local]] as const;
    for (const [origin, side] of pair) await consume(origin, userId, measured ? side : undefined);
  }
  agent.destroy();
  return { local, remote };
};

/** Accounts whose balance is not the sum of their transactions, or whose version is not their stream's length. */
const ledgerMismatches = async (databaseUrl: string): Promise<number> => {
  const db = rawPool({ connectionString: databaseUrl, max: 1 });
  try {
    const result = await db.pool.query<{ mismatches: string }>(`
      SELECT count(*)::text AS mismatches FROM energy_accounts a
      WHERE a.balance <> (SELECT coalesce(sum(balance_delta), 0) FROM energy_transactions t WHERE t.user_id = a.user_id)
         OR a.reserved <> (SELECT coalesce(sum(reserved_delta), 0) FROM energy_transactions t WHERE t.user_id = a.user_id)
         OR a.version <> (SELECT count(*) FROM events e WHERE e.stream_id = 'energy:' || a.user_id)`);
    return Number(result.rows[0]?.mismatches ?? -1);
  } finally {
    await db.end();
  }
};

interface Row extends Measured {
  readonly label: string;
}

const all = (result: LoadResult): ReadonlyArray<number> => [...result.latencies.values()].flat();
const opsPerSecond = (result: LoadResult): number => result.operations / result.seconds;
const WRITES: ReadonlyArray<OperationKind> = ["consume", "refund", "reserve", "commit", "release", "purchase"];
const ofKinds = (result: LoadResult, kinds: ReadonlyArray<OperationKind>): ReadonlyArray<number> => kinds.flatMap((kind) => result.latencies.get(kind) ?? []);

const COLUMNS: ReadonlyArray<Column<Row>> = [
  { header: "setup", align: "left", cell: (r) => r.label },
  { header: "ops/s", align: "right", cell: (r) => opsPerSecond(r.result).toFixed(0) },
  { header: "ops", align: "right", cell: (r) => String(r.result.operations) },
  { header: "p50 ms", align: "right", cell: (r) => percentile(all(r.result), 50).toFixed(1) },
  { header: "p99 ms", align: "right", cell: (r) => percentile(all(r.result), 99).toFixed(1) },
  { header: "writes p50", align: "right", cell: (r) => percentile(ofKinds(r.result, WRITES), 50).toFixed(1) },
  { header: "writes p99", align: "right", cell: (r) => percentile(ofKinds(r.result, WRITES), 99).toFixed(1) },
  { header: "reads p50", align: "right", cell: (r) => percentile(ofKinds(r.result, ["balance", "transactions"]), 50).toFixed(1) },
  { header: "Hub CPU µs/op", align: "right", cell: (r) => (r.hubCpuMicros === undefined ? "-" : (r.hubCpuMicros / r.result.operations).toFixed(0)) },
  { header: "errors", align: "right", cell: (r) => String(r.result.errors) },
];

const main = async (): Promise<number> => {
  const adminUrl = adminUrlFromEnv();
  const logDir = path.join(createTempDir("luna-bench-scale-", settings.keepTemp), "logs");
  const loadAtStart = os.loadavg();

  const clusterOptions = { adminUrl, redisUrl: settings.redisUrl, logDir, users: USERS, seedAmount: SEED_AMOUNT, log };
  // Both setups up at once (an idle Hub costs little), each on a database of its own.
  const one = await startCluster({ ...clusterOptions, size: 1, label: "one" });
  const three = await startCluster({ ...clusterOptions, size: 3, label: "three" });
  const { oneRunner: oneRunnerRun, threeRunners: threeRunnersRun } = await measureBoth(one, three);
  const oneRunner = oneRunnerRun.result;
  const threeRunners = threeRunnersRun.result;
  await one.stop();
  log(`3 runners: checking the shard ownership prediction on ${OWNERSHIP_PROBES} fresh actors`);
  await verifyOwnershipByActivations(three, OWNERSHIP_PROBES);
  log(`3 runners: measuring the hop, ${settings.hopSamples} consumes per side`);
  const hop = await measureHop(three);
  three.alive();
  const mismatches = (await ledgerMismatches(one.databaseUrl)) + (await ledgerMismatches(three.databaseUrl));
  await three.stop();
  const loadAtEnd = os.loadavg();
  if (mismatches !== 0) {
    process.stderr.write(`[bench:${NAME}] FAIL: ${mismatches} accounts whose balance or version does not add up\n`);
    return 1;
  }

  const rows: ReadonlyArray<Row> = [
    { label: "(a) 1 runner", ...oneRunnerRun },
    { label: "(b) 3 runners, load spread at random", ...threeRunnersRun },
  ];
  const throughputRatio = opsPerSecond(threeRunners) / opsPerSecond(oneRunner);
  const cpuPerConsume = (side: HopSide) => (side.hubCpuMicros === undefined ? undefined : side.hubCpuMicros / side.latencies.length);
  const hopFigures = {
    localP50Ms: percentile(hop.local.latencies, 50),
    localP99Ms: percentile(hop.local.latencies, 99),
    remoteP50Ms: percentile(hop.remote.latencies, 50),
    remoteP99Ms: percentile(hop.remote.latencies, 99),
    localHubCpuUs: cpuPerConsume(hop.local),
    remoteHubCpuUs: cpuPerConsume(hop.remote),
  };
  const cpuLine = hopFigures.localHubCpuUs === undefined || hopFigures.remoteHubCpuUs === undefined
    ? "    Hub CPU per consume: not measured (no /proc)"
    : `    Hub CPU per consume (all Hubs): local ${hopFigures.localHubCpuUs.toFixed(0)} µs, remote ${hopFigures.remoteHubCpuUs.toFixed(0)} µs (the hop: ${(hopFigures.remoteHubCpuUs - hopFigures.localHubCpuUs).toFixed(0)} µs)`;
  const hopRatioP50 = hopFigures.remoteP50Ms / hopFigures.localP50Ms;
  const load = (avg: ReadonlyArray<number>) => avg.map((v) => v.toFixed(2)).join(" ");
  process.stdout.write(
    [
      "",
      formatTable(COLUMNS, rows),
      "",
      `throughput, 3 runners ÷ 1 runner: ${throughputRatio.toFixed(3)}`,
      "",
      `(c) one consume at a time on 3 runners, ${settings.hopSamples} per side over ${HOP_USERS} users:`,
      `    local  (sent to the owner's Hub):      p50 ${hopFigures.localP50Ms.toFixed(2)} ms, p99 ${hopFigures.localP99Ms.toFixed(2)} ms`,
      `    remote (sent to another runner's Hub): p50 ${hopFigures.remoteP50Ms.toFixed(2)} ms, p99 ${hopFigures.remoteP99Ms.toFixed(2)} ms`,
      `    remote ÷ local: p50 ${hopRatioP50.toFixed(2)}, p99 ${(hopFigures.remoteP99Ms / hopFigures.localP99Ms).toFixed(2)}; the hop costs ${(hopFigures.remoteP50Ms - hopFigures.localP50Ms).toFixed(2)} ms at the median`,
      cpuLine,
      "",
      "Notes:",
      `- ${os.availableParallelism()} cores shared by the load generator, the Hubs, Postgres and Redis: on 2 cores three runners cannot be faster than one; the figures show what scaling out costs, and that it stays correct.`,
      `- Load average (1, 5, 15 min) ${load(loadAtStart)} at the start, ${load(loadAtEnd)} at the end.`,
      `- ${settings.workers} concurrent HTTP clients, ${USERS} accounts per setup; ${settings.warmupSeconds} s of warm-up each, then ${settings.durationSeconds} s each measured in halves in mirrored order (1, 3, 3, 1); every answer was 2xx; Hub CPU is all the setup's Hub processes together.`,
      `- Ownership: computed as @effect/cluster does (shard hash, runners' hash ring), matching every Hub's ownedHere and the runner where each of ${OWNERSHIP_PROBES} fresh actors started; the ledger adds up on every account.`,
      "",
    ].join("\n"),
  );
  const line = {
    bench: NAME,
    oneRunner: round(opsPerSecond(oneRunner), 1),
    threeRunners: round(opsPerSecond(threeRunners), 1),
    throughputRatio: round(throughputRatio, 3),
    oneRunnerP99Ms: round(percentile(all(oneRunner), 99), 1),
    threeRunnersP99Ms: round(percentile(all(threeRunners), 99), 1),
    localP50Ms: round(hopFigures.localP50Ms, 2),
    localP99Ms: round(hopFigures.localP99Ms, 2),
    remoteP50Ms: round(hopFigures.remoteP50Ms, 2),
    remoteP99Ms: round(hopFigures.remoteP99Ms, 2),
    hopRatioP50: round(hopRatioP50, 2),
    localHubCpuUsPerConsume: hopFigures.localHubCpuUs === undefined ? null : round(hopFigures.localHubCpuUs, 0),
    remoteHubCpuUsPerConsume: hopFigures.remoteHubCpuUs === undefined ? null : round(hopFigures.remoteHubCpuUs, 0),
    oneRunnerHubCpuUsPerOp: oneRunnerRun.hubCpuMicros === undefined ? null : round(oneRunnerRun.hubCpuMicros / oneRunner.operations, 0),
    threeRunnersHubCpuUsPerOp: threeRunnersRun.hubCpuMicros === undefined ? null : round(threeRunnersRun.hubCpuMicros / threeRunners.operations, 0),
    hopSamples: settings.hopSamples,
    loadAverage: round(loadAtStart[0] ?? 0, 2),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return 0;
};

installCleanupHandlers();

// Two clusters' starts and seeding (~60 s each on a busy 2-core machine), two loads, the ownership
// check and the hop (a few ms per consume), and slack.
const budgetSeconds = 2 * (settings.warmupSeconds + settings.durationSeconds) + settings.hopSamples * 0.2 + 240;
await runBenchMain(`bench:${NAME}`, main, budgetSeconds);
