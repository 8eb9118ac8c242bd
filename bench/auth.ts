// npm run bench:auth — what authentication costs per request.
//
// One Hub process (bench/lib/auth-hub-server.ts: the real Hub in embedded mode,
// plus bench-only routes) serves two identical endpoints answering
// {"status":"ok"}: GET /bench/authenticated behind the Hub's `Authentication`
// middleware with the admin policy, and GET /bench/public without it. The
// admin key is generated here and installed with HUB_BOOTSTRAP_ADMIN_KEY.
// autocannon (in this process, 32 connections) measures, after a warm-up of
// each, public and authenticated interleaved A B B A (half the duration per
// segment), then two informative rows that must all answer 401: a key with a
// bad checksum (refused before any lookup) and a well-formed unknown key
// (looked up every time: unknown keys are not cached).
//
// stdout: a table, the ratio, the overhead, notes, then as the LAST line
//   {"bench":"auth","authenticated":<req/s>,"unauthenticated":<req/s>,"ratio":<a/u>,
//    "overheadPct":<…>,"p99Ms":<authenticated p99>,"revocationVisibleWithinSeconds":<cache s>}
// (only on success). Progress goes to stderr. Exit 1 on any error or unexpected
// status in a measured run, if the Hub never becomes ready, or past the budget.
//
// Env knobs: BENCH_DURATION_SECONDS (measured seconds per main target, default
// 10), BENCH_WARMUP_SECONDS (discarded warm-up per main target, default 3),
// BENCH_KEEP_TMP=1 (keep the temp dir with the Hub's logs and DATA_DIR).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { generateApiKey, parseApiKey } from "../src/services/keys/format.js";
import { AUTHENTICATED_PATH, CPU_PATH, PUBLIC_PATH, SETTINGS_PATH } from "./lib/auth-paths.js";
import { installCleanupHandlers, runBenchMain } from "./lib/cleanup.js";
import { flagFromEnv, positiveNumberFromEnv, UNREACHED_LIMITS_ENV } from "./lib/env.js";
import type { LoadSummary } from "./lib/load.js";
import { getFreePort } from "./lib/net.js";
import { formatTable, round, type Column } from "./lib/report.js";
import { runSegment, summarizeSegments, type RawSegment, type SegmentSettings, type SegmentTarget } from "./lib/segmented-load.js";
import { createTempDir, describeServerFailure, spawnServer, waitForReady, type ServerProcess } from "./lib/server.js";

const LOAD: SegmentSettings = { connections: 32, pipelining: 1 };
const READY_PATH = "/monitoring/ready";
const HUB_READY_TIMEOUT_MS = 60_000;
/** After /monitoring/ready, the bootstrap key is installed in the background. */
const KEY_INSTALLED_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 200;
const HUB_LOG_LEVEL = "warn";
const INFORMATIVE_WARMUP_SECONDS = 1;
const OVERHEAD_GOAL_PCT = 10;
const OK_BODY = JSON.stringify({ status: "ok" });

interface Settings {
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** Each main target is measured in two segments of this length (A B B A). */
  readonly segmentSeconds: number;
  /** Each informative row: one run of this length. */
  readonly informativeSeconds: number;
  readonly keepTemp: boolean;
}

type RowKind = "unauthenticated" | "authenticated" | "rejected" | "unknown";

interface Row {
  readonly kind: RowKind;
  readonly expectedStatus: 200 | 401;
  readonly summary: LoadSummary;
  /** The Hub's CPU time (user + system) during the row's measured segments, per completed request. */
  readonly serverCpuMicrosPerRequest: number;
}

/** One measured segment and the Hub's CPU time spent during it. */
interface Measured {
  readonly segment: RawSegment;
  readonly serverCpuMicros: number;
}

const log = (message: string): void => {
  process.stderr.write(`[bench:auth] ${message}\n`);
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The same key with its last checksum character changed: well-formed, wrong checksum. */
const withBadChecksum = (key: string): string => {
  const last = key.at(-1);
  const bad = `${key.slice(0, -1)}${last === "A" ? "B" : "A"}`;
  if (parseApiKey(bad) !== "checksum") throw new Error("could not build a key with a bad checksum");
  return bad;
};

const bearer = (key: string): Readonly<Record<string, string>> => ({ authorization: `Bearer ${key}` });

/** One GET with `headers` on a fresh connection (no keep-alive pool left behind). */
const get = (url: string, headers: Readonly<Record<string, string>> = {}): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    request.setTimeout(5_000, () => request.destroy(new Error("timed out after 5000 ms")));
    request.on("error", reject);
  });

/** Waits until the bootstrap admin key authenticates (installed once migrations ran). */
const waitForKey = async (server: ServerProcess, key: string): Promise<number> => {
  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < KEY_INSTALLED_TIMEOUT_MS) {
    if (server.exitInfo() !== undefined) throw new Error(describeServerFailure(server, `${server.name} stopped before the admin key worked`));
    const answer = await get(`${server.origin}${AUTHENTICATED_PATH}`, bearer(key));
    if (answer.status === 200) return Date.now() - started;
    last = `HTTP ${answer.status} ${answer.body.slice(0, 200)}`;
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(describeServerFailure(server, `the bootstrap admin key did not authenticate within ${KEY_INSTALLED_TIMEOUT_MS / 1000} s (last: ${last})`));
};

/** Each request kind answers as expected before any load. */
const preflight = async (origin: string, keys: { readonly admin: string; readonly badChecksum: string; readonly unknown: string }) => {
  const expectations: ReadonlyArray<{ label: string; path: string; headers?: Readonly<Record<string, string>>; status: number; reason?: string }> = [
    { label: "public", path: PUBLIC_PATH, status: 200 },
    { label: "authenticated", path: AUTHENTICATED_PATH, headers: bearer(keys.admin), status: 200 },
    { label: "no credentials", path: AUTHENTICATED_PATH, status: 401, reason: "missing" },
    { label: "bad checksum", path: AUTHENTICATED_PATH, headers: bearer(keys.badChecksum), status: 401, reason: "malformed" },
    { label: "unknown key", path: AUTHENTICATED_PATH, headers: bearer(keys.unknown), status: 401, reason: "unknown" },
  ];
  for (const expected of expectations) {
    const answer = await get(`${origin}${expected.path}`, expected.headers);
    const reason = answer.status === 401 ? (JSON.parse(answer.body) as { error?: { reason?: string } }).error?.reason : undefined;
    const bodyOk = expected.status === 200 ? answer.body === OK_BODY : reason === expected.reason;
    if (answer.status !== expected.status || !bodyOk) {
      throw new Error(`preflight ${expected.label}: expected ${expected.status}${expected.reason === undefined ? "" : ` (${expected.reason})`}, got ${answer.status} ${answer.body.slice(0, 200)}`);
    }
  }
  const settings = await get(`${origin}${SETTINGS_PATH}`);
  const keyCacheSeconds = (JSON.parse(settings.body) as { keyCacheSeconds?: unknown }).keyCacheSeconds;
  if (settings.status !== 200 || typeof keyCacheSeconds !== "number") {
    throw new Error(`GET ${SETTINGS_PATH} answered ${settings.status} ${settings.body.slice(0, 200)}`);
  }
  return { keyCacheSeconds };
};

/** The Hub's CPU time so far (user + system), in µs. */
const serverCpuMicros = async (origin: string): Promise<number> => {
  const answer = await get(`${origin}${CPU_PATH}`);
  const usage = JSON.parse(answer.body) as { userMicros?: unknown; systemMicros?: unknown };
  if (answer.status !== 200 || typeof usage.userMicros !== "number" || typeof usage.systemMicros !== "number") {
    throw new Error(`GET ${CPU_PATH} answered ${answer.status} ${answer.body.slice(0, 200)}`);
  }
  return usage.userMicros + usage.systemMicros;
};

const toRow = (kind: RowKind, expectedStatus: 200 | 401, target: SegmentTarget, measured: readonly Measured[]): Row => {
  const summary = summarizeSegments(target, LOAD, measured.map((m) => m.segment));
  const cpuMicros = measured.reduce((sum, m) => sum + m.serverCpuMicros, 0);
  return { kind, expectedStatus, summary, serverCpuMicrosPerRequest: summary.completedRequests > 0 ? cpuMicros / summary.completedRequests : 0 };
};

/** Requests that did not answer `expected` (connection errors included). */
const unexpected = (row: Row): number => row.summary.errors + (row.summary.completedRequests - (row.summary.statusCodes[String(row.expectedStatus)] ?? 0));

const describeStatuses = (summary: LoadSummary): string =>
  Object.entries(summary.statusCodes)
    .map(([code, count]) => `${code}×${count}`)
    .join(", ");

const LABELS: Readonly<Record<RowKind, string>> = {
  unauthenticated: "unauthenticated (public)",
  authenticated: "authenticated (admin key, cached)",
  rejected: "rejected: bad checksum (401)",
  unknown: "rejected: unknown key (401)",
};

const COLUMNS: readonly Column<Row>[] = [
  { header: "target", align: "left", cell: (row) => LABELS[row.kind] },
  { header: "req/s (avg)", align: "right", cell: (row) => row.summary.requestsPerSecond.toFixed(1) },
  { header: "p50 ms", align: "right", cell: (row) => String(row.summary.latencyP50Ms) },
  { header: "p99 ms", align: "right", cell: (row) => String(row.summary.latencyP99Ms) },
  { header: "Hub CPU µs/req", align: "right", cell: (row) => row.serverCpuMicrosPerRequest.toFixed(1) },
  { header: "errors", align: "right", cell: (row) => String(row.summary.errors) },
  { header: "statuses", align: "left", cell: (row) => describeStatuses(row.summary) },
  { header: "seconds", align: "right", cell: (row) => row.summary.durationSeconds.toFixed(1) },
];

/** Time per request at saturation (1 / req/s), in µs: what the row costs over `base`. */
const extraMicrosPerRequest = (row: LoadSummary, base: LoadSummary): number => 1e6 / row.requestsPerSecond - 1e6 / base.requestsPerSecond;

/** The Hub's CPU time per request over `base`'s, in µs. */
const extraCpuMicros = (row: Row, base: Row): string => {
  const extra = row.serverCpuMicrosPerRequest - base.serverCpuMicrosPerRequest;
  return `${extra >= 0 ? "+" : ""}${extra.toFixed(1)} µs`;
};

const main = async (): Promise<number> => {
  const durationSeconds = positiveNumberFromEnv("BENCH_DURATION_SECONDS", 10);
  const settings: Settings = {
    warmupSeconds: positiveNumberFromEnv("BENCH_WARMUP_SECONDS", 3),
    durationSeconds,
    segmentSeconds: Math.max(1, Math.round(durationSeconds / 2)),
    informativeSeconds: Math.max(1, Math.round(durationSeconds / 2)),
    keepTemp: flagFromEnv("BENCH_KEEP_TMP"),
  };
  const adminKey = generateApiKey("dev");
  const keys = { admin: adminKey, badChecksum: withBadChecksum(adminKey), unknown: generateApiKey("dev") };

  const tmp = createTempDir("luna-bench-auth-", settings.keepTemp);
  const dataDir = path.join(tmp, "data");
  const logDir = path.join(tmp, "logs");
  fs.mkdirSync(dataDir);

  const hub = spawnServer({
    name: "hub",
    entry: "bench/lib/auth-hub-server.ts",
    port: await getFreePort(),
    env: { DATA_DIR: dataDir, LOG_LEVEL: HUB_LOG_LEVEL, HUB_BOOTSTRAP_ADMIN_KEY: adminKey, ...UNREACHED_LIMITS_ENV },
    unsetEnv: ["DATABASE_URL", "REDIS_URL"],
    logDir,
  });
  log(`waiting for the Hub (pid ${String(hub.pid)}) at ${hub.origin}${READY_PATH} ...`);
  const readyAfterMs = await waitForReady(hub, { path: READY_PATH, timeoutMs: HUB_READY_TIMEOUT_MS, intervalMs: POLL_INTERVAL_MS });
  const keyAfterMs = await waitForKey(hub, adminKey);
  log(`Hub ready after ${(readyAfterMs / 1000).toFixed(1)} s, admin key working ${(keyAfterMs / 1000).toFixed(1)} s later`);
  const { keyCacheSeconds } = await preflight(hub.origin, keys);

  const targets: Readonly<Record<RowKind, SegmentTarget>> = {
    unauthenticated: { title: "unauthenticated", url: `${hub.origin}${PUBLIC_PATH}` },
    authenticated: { title: "authenticated", url: `${hub.origin}${AUTHENTICATED_PATH}`, headers: bearer(keys.admin) },
    rejected: { title: "rejected", url: `${hub.origin}${AUTHENTICATED_PATH}`, headers: bearer(keys.badChecksum) },
    unknown: { title: "unknown", url: `${hub.origin}${AUTHENTICATED_PATH}`, headers: bearer(keys.unknown) },
  };
  const run = async (kind: RowKind, seconds: number, what: string): Promise<Measured> => {
    log(`${kind}: ${what} ${seconds} s`);
    const cpuBefore = await serverCpuMicros(hub.origin);
    const segment = await runSegment(targets[kind], LOAD, seconds);
    if (hub.exitInfo() !== undefined) throw new Error(describeServerFailure(hub, "the Hub died during the benchmark"));
    return { segment, serverCpuMicros: (await serverCpuMicros(hub.origin)) - cpuBefore };
  };

  const loadAtStart = os.loadavg()[0] ?? 0;
  await run("unauthenticated", settings.warmupSeconds, "warm-up (discarded)");
  await run("authenticated", settings.warmupSeconds, "warm-up (discarded)");

  const stdoutBefore = hub.stdoutBytes();
  const measured: Record<RowKind, Measured[]> = { unauthenticated: [], authenticated: [], rejected: [], unknown: [] };
  for (const kind of ["unauthenticated", "authenticated", "authenticated", "unauthenticated"] as const) {
    measured[kind].push(await run(kind, settings.segmentSeconds, "measuring"));
  }
  for (const kind of ["rejected", "unknown"] as const) {
    await run(kind, INFORMATIVE_WARMUP_SECONDS, "warm-up (discarded)");
    measured[kind].push(await run(kind, settings.informativeSeconds, "measuring"));
  }
  const stdoutBytesDuringRun = hub.stdoutBytes() - stdoutBefore;
  const loadAtEnd = os.loadavg()[0] ?? 0;
  await hub.stop();

  const rows: Row[] = [
    toRow("unauthenticated", 200, targets.unauthenticated, measured.unauthenticated),
    toRow("authenticated", 200, targets.authenticated, measured.authenticated),
    toRow("rejected", 401, targets.rejected, measured.rejected),
    toRow("unknown", 401, targets.unknown, measured.unknown),
  ];
  const [unauthenticatedRow, authenticatedRow, rejectedRow, unknownRow] = rows as [Row, Row, Row, Row];
  const [unauthenticated, authenticated] = [unauthenticatedRow.summary, authenticatedRow.summary];
  const cpuOverheadPct = (authenticatedRow.serverCpuMicrosPerRequest / unauthenticatedRow.serverCpuMicrosPerRequest - 1) * 100;

  const ratio = authenticated.requestsPerSecond / unauthenticated.requestsPerSecond;
  // Extra server time per request relative to the public request (at saturation, time per request = 1 / req/s).
  const overheadPct = (unauthenticated.requestsPerSecond / authenticated.requestsPerSecond - 1) * 100;
  const throughputLossPct = (1 - ratio) * 100;
  const perRequest = (stdoutBytesDuringRun / Math.max(1, rows.reduce((sum, row) => sum + row.summary.completedRequests, 0)));

  const lines = [
    `Authentication cost per request: GET ${AUTHENTICATED_PATH} (Authentication middleware, admin policy) vs GET ${PUBLIC_PATH}` +
      ` (same endpoint, public), same Hub process (embedded), ${LOAD.connections} connections, pipelining ${LOAD.pipelining}`,
    `${settings.warmupSeconds} s warm-up each (discarded), then ${settings.segmentSeconds * 2} s measured each, interleaved` +
      ` public/authenticated/authenticated/public in ${settings.segmentSeconds} s segments; rejected rows: ${INFORMATIVE_WARMUP_SECONDS} s warm-up + ${settings.informativeSeconds} s`,
    "",
    formatTable(COLUMNS, rows),
    "",
    `authenticated/unauthenticated throughput ratio: ${ratio.toFixed(3)} (1.000 = authentication costs nothing)`,
    `authentication overhead: ${overheadPct.toFixed(1)} % more time per request (unauthenticated/authenticated req/s − 1;` +
      ` ${extraMicrosPerRequest(authenticated, unauthenticated).toFixed(1)} µs at saturation), ${throughputLossPct.toFixed(1)} % fewer req/s;` +
      ` goal ≤ ${OVERHEAD_GOAL_PCT} %: ${overheadPct <= OVERHEAD_GOAL_PCT ? "met" : "NOT met"}`,
    `cross-check, the Hub's CPU time per request: ${authenticatedRow.serverCpuMicrosPerRequest.toFixed(1)} vs` +
      ` ${unauthenticatedRow.serverCpuMicrosPerRequest.toFixed(1)} µs, ${extraCpuMicros(authenticatedRow, unauthenticatedRow)} (${cpuOverheadPct >= 0 ? "+" : ""}${cpuOverheadPct.toFixed(1)} %)`,
    `rejected requests, the Hub's CPU time over a public request: bad checksum ${extraCpuMicros(rejectedRow, unauthenticatedRow)},` +
      ` unknown key ${extraCpuMicros(unknownRow, unauthenticatedRow)}`,
    "notes:",
    `- revocation: a key revoked on this instance stops at once (the verifier forgets it); revoked on another instance,` +
      ` it keeps working here for at most API_KEY_CACHE_SECONDS = ${keyCacheSeconds} s (the row is trusted that long, then re-read).`,
    `- "authenticated" is the cached path: the admin key's row is read from the database once, then again each` +
      ` ${keyCacheSeconds} s (those re-reads are part of the figure); the last-used write is throttled to once a minute.`,
    "- bad checksum: refused on format + CRC32 before any hashing or lookup. Unknown key (well-formed, valid checksum):",
    "  unknown keys are not cached, so each such request is a database read (PGlite here, in the Hub's process).",
    "- the unauthenticated requests carry no Authorization header; both endpoints answer the same 15-byte body through",
    "  the same edge (request id, security headers, metrics) as every Hub route.",
    `- the Hub ran with LOG_LEVEL=${HUB_LOG_LEVEL} (its access logs, written at info, are not included); stdout during` +
      ` the runs: ${stdoutBytesDuringRun} bytes (${perRequest.toFixed(2)} bytes/request).`,
    `- latencies have 1 ms resolution (autocannon histogram); req/s is the mean of 1 s samples. autocannon runs in this` +
      ` process on the same ${os.availableParallelism()}-core machine, so both rows are measured under the same load; compare ratios.`,
    `- machine load (1-min load average) ${loadAtStart.toFixed(2)} at the start of the load, ${loadAtEnd.toFixed(2)} at the end: other work on` +
      " the machine lowers req/s; the Hub's CPU time per request is less sensitive to it.",
    ...(keyCacheSeconds <= 0 ? ["- WARNING: API_KEY_CACHE_SECONDS=0: the key cache is off, every authenticated request read the database."] : []),
    ...(perRequest >= 10 ? [`- WARNING: the Hub wrote ~${perRequest.toFixed(0)} bytes/request to stdout: LOG_LEVEL=${HUB_LOG_LEVEL} seems not honoured.`] : []),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);

  const failed = rows.filter((row) => unexpected(row) > 0);
  for (const row of failed) {
    process.stderr.write(
      `FAIL: ${row.kind} expected only ${row.expectedStatus}: ${row.summary.errors} errors (${row.summary.timeouts} timeouts), statuses ${describeStatuses(row.summary)}\n`,
    );
  }
  if (rows.some((row) => row.summary.requestsPerSecond <= 0)) {
    process.stderr.write("FAIL: a measured run completed no requests\n");
    return 1;
  }
  if (failed.length > 0) return 1;

  const line = {
    bench: "auth",
    authenticated: round(authenticated.requestsPerSecond, 2),
    unauthenticated: round(unauthenticated.requestsPerSecond, 2),
    ratio: round(ratio, 3),
    overheadPct: round(overheadPct, 1),
    p99Ms: authenticated.latencyP99Ms,
    revocationVisibleWithinSeconds: keyCacheSeconds,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return 0;
};

installCleanupHandlers();

// Safety net against hangs: the load (2 warm-ups + 2 × measured + 2 × (1 + measured/2)) plus
// 70 s for the Hub's start and slack: 108 s with the defaults, so that even with the last
// 5 s SIGTERM grace + SIGKILL in cleanup the bench ends within 2 minutes.
const budgetSeconds = (() => {
  try {
    const warmup = positiveNumberFromEnv("BENCH_WARMUP_SECONDS", 3);
    const duration = positiveNumberFromEnv("BENCH_DURATION_SECONDS", 10);
    const segment = Math.max(1, Math.round(duration / 2));
    return 2 * warmup + 4 * segment + 2 * (INFORMATIVE_WARMUP_SECONDS + segment) + 70;
  } catch {
    return 108;
  }
})();
await runBenchMain("bench:auth", main, budgetSeconds);
