// npm run bench:http — the Hub's HTTP framework tax.
//
// Compares GET /monitoring/health on three targets returning the same body:
//   - reference: a bare node:http server (bench/lib/reference-server.ts);
//   - stock-httpapi: a minimal, untuned Effect HttpApi server, as written from
//     the Effect docs (bench/lib/stock-httpapi-server.ts);
//   - hub: the Hub (`node --import tsx src/main.ts`, embedded mode), tracing off;
//   - hub-tracing (only with BENCH_HTTP_TRACING=1): the same Hub again with
//     OTEL_EXPORTER_OTLP_ENDPOINT pointing at a local sink that accepts and
//     discards the span batches (bench/lib/otlp-sink.ts): a span per request,
//     exported, against the same Hub with tracing off, in the same run.
// Each server runs alone in its own child process, one after the other
// (reference, stopped; stock-httpapi, stopped; the Hub, stopped; then the Hub
// with tracing); autocannon runs in this process with identical settings for all.
//
// stdout: a table, notes, then as the LAST line
//   {"bench":"http","hub":<req/s>,"reference":<req/s>,"ratio":<hub/ref>,"p99Ms":<hub p99>,"stock":<req/s>}
// plus, with BENCH_HTTP_TRACING=1, "hubTracing":<req/s>, "tracingOverheadPct":<% of hub req/s lost>
// and (on Linux) "hubCpuUs"/"hubTracingCpuUs": the Hub's CPU µs per request without and with tracing.
// (only on success). Progress goes to stderr. Exit 1 on any error/non-2xx
// response in a measured run, or if a server never becomes ready.
//
// Env knobs: BENCH_DURATION_SECONDS (measured run, default 10),
// BENCH_WARMUP_SECONDS (discarded warm-up, default 3), BENCH_KEEP_TMP=1 (keep
// the temp dir with the servers' logs and the Hub's DATA_DIR), BENCH_HTTP_TRACING=1
// (add the hub-tracing target).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { installCleanupHandlers, runBenchMain } from "./lib/cleanup.js";
import { processCpuMicros } from "./lib/cpu.js";
import { flagFromEnv, positiveNumberFromEnv, UNREACHED_LIMITS_ENV } from "./lib/env.js";
import { runLoad, type LoadSummary } from "./lib/load.js";
import { getFreePort, httpGet, type HttpGetResult } from "./lib/net.js";
import { type OtlpSink, type OtlpSinkCounts, startOtlpSink } from "./lib/otlp-sink.js";
import { formatTable, round, type Column } from "./lib/report.js";
import { createTempDir, describeServerFailure, spawnServer, waitForReady, type ServerProcess } from "./lib/server.js";

const HEALTH_PATH = "/monitoring/health";
const HUB_READY_PATH = "/monitoring/ready";
const CONNECTIONS = 32;
const PIPELINING = 1;
const HUB_READY_TIMEOUT_MS = 60_000;
const REFERENCE_READY_TIMEOUT_MS = 10_000;
const STOCK_READY_TIMEOUT_MS = 20_000;
const READY_POLL_INTERVAL_MS = 200;
const HUB_LOG_LEVEL = "warn";

interface Settings {
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly keepTemp: boolean;
  readonly tracing: boolean;
}

interface TargetResult {
  readonly target: "reference" | "stock-httpapi" | "hub" | "hub-tracing";
  readonly readyAfterMs: number;
  readonly health: HttpGetResult;
  readonly warmup: LoadSummary;
  readonly measured: LoadSummary;
  /** Bytes the server wrote to stdout during the measured run. */
  readonly stdoutBytesDuringRun: number;
  /** The server's CPU time (user + system) per request of the measured run, in µs; undefined off Linux. */
  readonly cpuMicrosPerRequest: number | undefined;
}

const log = (message: string): void => {
  process.stderr.write(`[bench:http] ${message}\n`);
};

const failuresOf = (summary: LoadSummary): number => summary.errors + summary.non2xx;

const describeFailures = (summary: LoadSummary): string => {
  const codes = Object.entries(summary.statusCodes)
    .filter(([code]) => !code.startsWith("2"))
    .map(([code, count]) => `${code}×${count}`)
    .join(", ");
  return `${summary.errors} errors (${summary.timeouts} timeouts), ${summary.non2xx} non-2xx${codes === "" ? "" : ` [${codes}]`}`;
};

/** Ready-wait, health preflight, warm-up, measured run; the server is left running. */
const benchTarget = async (
  target: TargetResult["target"],
  server: ServerProcess,
  readyPath: string,
  readyTimeoutMs: number,
  settings: Settings,
): Promise<TargetResult> => {
  log(`waiting for ${server.name} (pid ${String(server.pid)}) at ${server.origin}${readyPath} ...`);
  const readyAfterMs = await waitForReady(server, {
    path: readyPath,
    timeoutMs: readyTimeoutMs,
    intervalMs: READY_POLL_INTERVAL_MS,
  });
  log(`${server.name} ready after ${(readyAfterMs / 1000).toFixed(1)} s`);

  const url = `${server.origin}${HEALTH_PATH}`;
  const health = await httpGet(url, 5_000);
  if (health.status !== 200) {
    throw new Error(`${server.name}: GET ${HEALTH_PATH} answered ${health.status} before the load (body: ${health.body.slice(0, 200)})`);
  }

  const load = { url, connections: CONNECTIONS, pipelining: PIPELINING };
  log(`${server.name}: warm-up ${settings.warmupSeconds} s (discarded)`);
  const warmup = await runLoad({ ...load, title: `${target} warm-up`, durationSeconds: settings.warmupSeconds });
  if (failuresOf(warmup) > 0) log(`warning: ${server.name} warm-up had ${describeFailures(warmup)}`);

  log(`${server.name}: measuring ${settings.durationSeconds} s`);
  const stdoutBefore = server.stdoutBytes();
  const cpuBefore = processCpuMicros(server.pid);
  const measured = await runLoad({ ...load, title: target, durationSeconds: settings.durationSeconds });
  const cpuAfter = processCpuMicros(server.pid);
  const stdoutBytesDuringRun = server.stdoutBytes() - stdoutBefore;
  const cpuMicrosPerRequest =
    cpuBefore === undefined || cpuAfter === undefined || measured.completedRequests === 0
      ? undefined
      : (cpuAfter - cpuBefore) / measured.completedRequests;
  log(`${server.name}: ${measured.requestsPerSecond.toFixed(1)} req/s, p99 ${measured.latencyP99Ms} ms`);

  if (server.exitInfo() !== undefined) {
    throw new Error(describeServerFailure(server, `${server.name} died during the benchmark`));
  }
  return { target, readyAfterMs, health, warmup, measured, stdoutBytesDuringRun, cpuMicrosPerRequest };
};

const COLUMNS: readonly Column<LoadSummary>[] = [
  { header: "target", align: "left", cell: (row) => row.title },
  { header: "req/s (avg)", align: "right", cell: (row) => row.requestsPerSecond.toFixed(1) },
  { header: "p50 ms", align: "right", cell: (row) => String(row.latencyP50Ms) },
  { header: "p99 ms", align: "right", cell: (row) => String(row.latencyP99Ms) },
  { header: "errors", align: "right", cell: (row) => String(row.errors) },
  { header: "non-2xx", align: "right", cell: (row) => String(row.non2xx) },
  { header: "requests", align: "right", cell: (row) => String(row.completedRequests) },
];

const sameJson = (left: string, right: string): boolean => {
  try {
    return JSON.stringify(JSON.parse(left)) === JSON.stringify(JSON.parse(right));
  } catch {
    return false;
  }
};

/** Warnings when `target` does not answer like the reference (body bytes, content-type). */
const healthNotes = (target: TargetResult, reference: TargetResult): string[] => {
  const notes: string[] = [];
  const name = target.target;
  if (target.health.body !== reference.health.body) {
    notes.push(
      sameJson(target.health.body, reference.health.body)
        ? `WARNING: ${name} health body differs from the reference only in formatting (${Buffer.byteLength(target.health.body)} vs ${Buffer.byteLength(reference.health.body)} bytes)`
        : `WARNING: ${name} health body differs from the reference, so the comparison is not like for like: ${name} ${JSON.stringify(target.health.body.slice(0, 200))} vs reference ${JSON.stringify(reference.health.body)}`,
    );
  }
  if (!(target.health.contentType ?? "").startsWith("application/json")) {
    notes.push(`WARNING: ${name} health content-type is ${JSON.stringify(target.health.contentType ?? null)}, expected application/json`);
  }
  return notes;
};

const bytesPerRequest = (result: TargetResult): number =>
  result.measured.completedRequests > 0 ? result.stdoutBytesDuringRun / result.measured.completedRequests : 0;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The Hub with tracing on, and what its sink received while that Hub ran. */
interface TracingRun {
  readonly result: TargetResult;
  readonly sink: OtlpSinkCounts;
}

/** Share of the Hub's throughput that tracing costs, in % (negative: tracing measured faster, i.e. noise). */
const tracingOverheadPct = (hub: TargetResult, traced: TargetResult): number =>
  round((1 - traced.measured.requestsPerSecond / hub.measured.requestsPerSecond) * 100, 1);

/** The Hub's CPU per request with tracing and without, when /proc gives them. */
const cpuNote = (hub: TargetResult, traced: TargetResult): string[] => {
  const off = hub.cpuMicrosPerRequest;
  const on = traced.cpuMicrosPerRequest;
  if (off === undefined || on === undefined) return [];
  const signed = (value: number, digits: number): string => `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`;
  return [
    `tracing CPU: ${on.toFixed(0)} µs per request with tracing, ${off.toFixed(0)} µs without: ${signed(on - off, 0)} µs` +
      ` (${signed((on / off - 1) * 100, 1)}%); the Hub's own CPU time over the measured run, less sensitive than req/s to other load on the machine`,
  ];
};

const tracingNotes = (hub: TargetResult, tracing: TracingRun): string[] => {
  const traced = tracing.result;
  const served = traced.warmup.completedRequests + traced.measured.completedRequests;
  return [
    `tracing overhead: ${tracingOverheadPct(hub, traced).toFixed(1)}% of the Hub's req/s (hub ${hub.measured.requestsPerSecond.toFixed(1)} req/s,` +
      ` hub-tracing ${traced.measured.requestsPerSecond.toFixed(1)} req/s; p50 ${hub.measured.latencyP50Ms} -> ${traced.measured.latencyP50Ms} ms,` +
      ` p99 ${hub.measured.latencyP99Ms} -> ${traced.measured.latencyP99Ms} ms)`,
    ...cpuNote(hub, traced),
    `- hub-tracing: the same Hub with OTEL_EXPORTER_OTLP_ENDPOINT set to a local sink (in this process, accepting and`,
    `  discarding OTLP/HTTP JSON posts); one span per request (GET ${HEALTH_PATH} touches no SQL, RPC, Redis or actor).`,
    `  The sink received ${tracing.sink.posts} posts, ${tracing.sink.spans} spans, ${(tracing.sink.bytes / 1e6).toFixed(1)} MB for ${served} requests` +
      ` (warm-up + measured; background jobs add spans, a full export queue drops them).`,
  ];
};

const report = (settings: Settings, reference: TargetResult, stock: TargetResult, hub: TargetResult, tracing: TracingRun | undefined): string[] => {
  const ratio = round(hub.measured.requestsPerSecond / reference.measured.requestsPerSecond, 3);
  const stockRatio = round(hub.measured.requestsPerSecond / stock.measured.requestsPerSecond, 3);
  const perRequest = bytesPerRequest(hub);
  return [
    `HTTP framework tax: GET ${HEALTH_PATH}, ${CONNECTIONS} connections, pipelining ${PIPELINING},` +
      ` ${settings.warmupSeconds} s warm-up (discarded) + ${settings.durationSeconds} s measured per target`,
    "",
    formatTable(COLUMNS, [reference.measured, stock.measured, hub.measured, ...(tracing === undefined ? [] : [tracing.result.measured])]),
    "",
    ...(tracing === undefined ? [] : tracingNotes(hub, tracing)),
    `hub/reference throughput ratio: ${ratio.toFixed(3)} (1.000 = no framework tax; the Hub serves ${(ratio * 100).toFixed(1)}% of bare node:http req/s)`,
    `hub/stock throughput ratio:     ${stockRatio.toFixed(3)} (Hub vs what Effect HttpApi gives out of the box; 1.000 = the Hub's own additions cost nothing)`,
    "notes:",
    `- order: reference (then stopped), then stock-httpapi (then stopped), then the Hub${tracing === undefined ? "" : " (then stopped), then the Hub with tracing"}; each server alone in its`,
    "  own child process (node --import tsx), autocannon in the bench process; never concurrent.",
    "- stock-httpapi: a minimal Effect HttpApi server as written from the docs (HttpLayerRouter, tracer on, request",
    "  logger disabled); hub/stock is what the Hub's own additions cost on top of stock Effect HttpApi, net of the",
    "  tracer, which the Hub turns off when no OTLP endpoint is configured (as here) and the stock server keeps on.",
    `- the Hub ran with LOG_LEVEL=${HUB_LOG_LEVEL}: it writes its per-request access logs at info, so their cost is NOT`,
    `  included. stdout during the measured run: hub ${hub.stdoutBytesDuringRun} bytes (${perRequest.toFixed(2)} bytes/request),` +
      ` stock-httpapi ${stock.stdoutBytesDuringRun} bytes.`,
    "- latencies have 1 ms resolution (autocannon histogram); req/s is the mean of 1 s samples.",
    `- autocannon is single-threaded and runs on this machine (${os.availableParallelism()} cores), taking a core away from the`,
    "  servers; if it saturates before the reference does, hub/reference understates the tax. Ratios against bare",
    "  node:http therefore differ from wrk-based figures; hub/stock compares two Effect stacks under the same conditions.",
    `- readiness: reference ${seconds(reference.readyAfterMs)}, stock-httpapi ${seconds(stock.readyAfterMs)},` +
      ` hub ${seconds(hub.readyAfterMs)} (not part of the measurement).`,
    ...(perRequest >= 10 ? [`- WARNING: the Hub wrote ~${perRequest.toFixed(0)} bytes/request to stdout: LOG_LEVEL=${HUB_LOG_LEVEL} seems not honoured.`] : []),
    ...[...healthNotes(stock, reference), ...healthNotes(hub, reference)].map((note) => `- ${note}`),
  ];
};

/** The Hub with OTEL_EXPORTER_OTLP_ENDPOINT at a local sink; the sink lives as long as that Hub. */
const benchTracedHub = async (dataDir: string, logDir: string, settings: Settings): Promise<TracingRun> => {
  const sink: OtlpSink = await startOtlpSink();
  try {
    const traced = spawnServer({
      name: "hub-tracing",
      entry: "src/main.ts",
      port: await getFreePort(),
      env: { DATA_DIR: dataDir, LOG_LEVEL: HUB_LOG_LEVEL, OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, ...UNREACHED_LIMITS_ENV },
      unsetEnv: ["DATABASE_URL", "REDIS_URL"],
      logDir,
    });
    const result = await benchTarget("hub-tracing", traced, HUB_READY_PATH, HUB_READY_TIMEOUT_MS, settings);
    // Stopping flushes the spans still queued.
    await traced.stop();
    return { result, sink: sink.counts() };
  } finally {
    await sink.close();
  }
};

const main = async (): Promise<number> => {
  const settings: Settings = {
    warmupSeconds: positiveNumberFromEnv("BENCH_WARMUP_SECONDS", 3),
    durationSeconds: positiveNumberFromEnv("BENCH_DURATION_SECONDS", 10),
    keepTemp: flagFromEnv("BENCH_KEEP_TMP") || flagFromEnv("BENCH_HTTP_CPU_PROF"),
    tracing: flagFromEnv("BENCH_HTTP_TRACING"),
  };
  const cpuProfile = flagFromEnv("BENCH_HTTP_CPU_PROF");
  const tmp = createTempDir("luna-bench-http-", settings.keepTemp);
  const profileDir = path.join(tmp, "profile");
  const dataDir = path.join(tmp, "data");
  const logDir = path.join(tmp, "logs");
  fs.mkdirSync(dataDir);

  // 1. Reference alone.
  const reference = spawnServer({
    name: "reference",
    entry: "bench/lib/reference-server.ts",
    port: await getFreePort(),
    logDir,
    ipc: true,
  });
  const referenceResult = await benchTarget("reference", reference, HEALTH_PATH, REFERENCE_READY_TIMEOUT_MS, settings);
  await reference.stop();

  // 2. Stock Effect HttpApi alone.
  const stock = spawnServer({
    name: "stock-httpapi",
    entry: "bench/lib/stock-httpapi-server.ts",
    port: await getFreePort(),
    logDir,
  });
  const stockResult = await benchTarget("stock-httpapi", stock, HEALTH_PATH, STOCK_READY_TIMEOUT_MS, settings);
  await stock.stop();

  // 3. The Hub alone, embedded mode, tracing off (whatever this shell's OTEL_* say).
  const hub = spawnServer({
    name: "hub",
    entry: "src/main.ts",
    port: await getFreePort(),
    env: { DATA_DIR: dataDir, LOG_LEVEL: HUB_LOG_LEVEL, ...UNREACHED_LIMITS_ENV },
    unsetEnv: ["DATABASE_URL", "REDIS_URL", "OTEL_EXPORTER_OTLP_ENDPOINT"],
    ...(cpuProfile ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] } : {}),
    logDir,
  });
  const hubResult = await benchTarget("hub", hub, HUB_READY_PATH, HUB_READY_TIMEOUT_MS, settings);
  await hub.stop();
  if (cpuProfile) process.stderr.write(`the Hub's CPU profile (startup and warm-up included): ${profileDir}; by layer: npm run -s profile:layers -- ${profileDir}\n`);

  // 4. Optionally the same Hub (same data directory) with tracing on, exporting to a local sink.
  const tracing = settings.tracing ? await benchTracedHub(dataDir, logDir, settings) : undefined;

  process.stdout.write(`${report(settings, referenceResult, stockResult, hubResult, tracing).join("\n")}\n`);

  const results = [referenceResult, stockResult, hubResult, ...(tracing === undefined ? [] : [tracing.result])];
  const failed = results.filter((result) => failuresOf(result.measured) > 0);
  for (const result of failed) {
    process.stderr.write(`FAIL: ${result.target} measured run had ${describeFailures(result.measured)}\n`);
  }
  if (results.some((result) => result.measured.requestsPerSecond <= 0)) {
    process.stderr.write("FAIL: a measured run completed no requests\n");
    return 1;
  }
  if (failed.length > 0) return 1;

  const line = {
    bench: "http",
    hub: round(hubResult.measured.requestsPerSecond, 2),
    reference: round(referenceResult.measured.requestsPerSecond, 2),
    ratio: round(hubResult.measured.requestsPerSecond / referenceResult.measured.requestsPerSecond, 3),
    p99Ms: hubResult.measured.latencyP99Ms,
    stock: round(stockResult.measured.requestsPerSecond, 2),
    ...(tracing === undefined
      ? {}
      : {
          hubTracing: round(tracing.result.measured.requestsPerSecond, 2),
          tracingOverheadPct: tracingOverheadPct(hubResult, tracing.result),
          ...(hubResult.cpuMicrosPerRequest === undefined || tracing.result.cpuMicrosPerRequest === undefined
            ? {}
            : { hubCpuUs: round(hubResult.cpuMicrosPerRequest, 1), hubTracingCpuUs: round(tracing.result.cpuMicrosPerRequest, 1) }),
        }),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return 0;
};

installCleanupHandlers();

// Safety net against hangs: the three runs + readiness waits and slack, sized so
// that with the defaults (3 × 13 s + 70 s = 109 s) the bench, including a
// last 5 s SIGTERM grace + SIGKILL in cleanup, ends within 2 minutes; with the
// tracing target, four runs and less slack (4 × 13 s + 55 s = 107 s).
const secondsPerTarget = (() => {
  try {
    return positiveNumberFromEnv("BENCH_WARMUP_SECONDS", 3) + positiveNumberFromEnv("BENCH_DURATION_SECONDS", 10);
  } catch {
    return 13;
  }
})();
const tracingTarget = flagFromEnv("BENCH_HTTP_TRACING");
await runBenchMain("bench:http", main, tracingTarget ? 4 * secondsPerTarget + 55 : 3 * secondsPerTarget + 70);
