// npm run bench:all — every benchmark, one after the other, and one JSON summary of their figures.
//
// Runs each `bench:<name>` script of package.json (all but this one, in the order they are listed,
// so a new benchmark is included by adding its script) as its own process, never two at once (they
// would share the cores and move each other's figures). Each one's progress goes to stderr as it
// runs; its last stdout line, the `{"bench":…}` JSON every benchmark ends with, is kept. Then
// `bench/results/latest.json` (gitignored) is written with the machine the figures were measured
// on and, per benchmark, its exit code, seconds and that JSON (or why there is none).
//
// stdout: a table (benchmark, exit, seconds, its JSON line), then as the LAST line
//   {"bench":"all","ran":…,"failed":…,"file":"bench/results/latest.json"}
// Exit 1 when a benchmark failed (exit code not 0, no JSON line, or over its time limit).
//
// Env knobs: BENCH_ALL_ONLY (comma-separated names, e.g. "http,narrative": only those),
// BENCH_ALL_TIMEOUT_SECONDS (the most one benchmark may take before it is stopped, default 600).
import { Duration, Effect } from "effect";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { positiveNumberFromEnv } from "./lib/env.js";
import { type Column, formatTable, round } from "./lib/report.js";
import { progress, runBench } from "./lib/run.js";

const NAME = "all";
const log = progress(NAME);
const ROOT = new URL("../", import.meta.url);
const RESULTS = new URL("bench/results/latest.json", ROOT);
const TIMEOUT_SECONDS = positiveNumberFromEnv("BENCH_ALL_TIMEOUT_SECONDS", 600);
/** Kill grace after SIGTERM, before SIGKILL. */
const KILL_GRACE_MS = 5_000;

interface Outcome {
  readonly bench: string;
  readonly exitCode: number | null;
  readonly seconds: number;
  readonly timedOut: boolean;
  readonly result: Record<string, unknown> | null;
  /** Why the benchmark counts as failed; absent when it did not. */
  readonly failure?: string;
}

/** The benchmark names from package.json's `bench:<name>` scripts, in their order. */
const benchNames = (): ReadonlyArray<string> => {
  const scripts = (JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")) as { scripts: Record<string, string> }).scripts;
  const all = Object.keys(scripts).filter((script) => script.startsWith("bench:") && script !== `bench:${NAME}`).map((script) => script.slice(6));
  const only = (process.env["BENCH_ALL_ONLY"] ?? "").split(",").map((name) => name.trim()).filter((name) => name.length > 0);
  const unknown = only.filter((name) => !all.includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_ALL_ONLY names no benchmark: ${unknown.join(", ")} (there are: ${all.join(", ")})`);
  return only.length === 0 ? all : all.filter((name) => only.includes(name));
};

/** The last line of `stdout` if it is a benchmark's JSON summary. */
const lastJsonLine = (stdout: string): Record<string, unknown> | null => {
  const lines = stdout.split("\n").map((line) => line.trim()).filter((line) => line.length > 0);
  const last = lines[lines.length - 1];
  if (last === undefined || !last.startsWith("{")) return null;
  try {
    const parsed: unknown = JSON.parse(last);
    return typeof parsed === "object" && parsed !== null && "bench" in parsed ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

/** Runs `npm run -s bench:<name>`, its stderr passed through, its stdout kept. */
const runOne = (bench: string): Effect.Effect<Outcome> =>
  Effect.async<Outcome>((resume) => {
    const started = performance.now();
    const child = spawn("npm", ["run", "-s", `bench:${bench}`], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    let stdout = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
    });
    // The whole process group: npm, tsx and the servers or workers a benchmark starts.
    const signal = (name: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, name);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      signal("SIGTERM");
      setTimeout(() => signal("SIGKILL"), KILL_GRACE_MS).unref();
    }, TIMEOUT_SECONDS * 1000);
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      const seconds = round((performance.now() - started) / 1000, 1);
      const result = lastJsonLine(stdout);
      const failure = timedOut
        ? `stopped after ${TIMEOUT_SECONDS} s`
        : exitCode !== 0
          ? `exit code ${exitCode}`
          : result === null
            ? "no JSON line at the end of its output"
            : undefined;
      resume(Effect.succeed({ bench, exitCode, seconds, timedOut, result, ...(failure === undefined ? {} : { failure }) }));
    });
    return Effect.sync(() => signal("SIGKILL"));
  });

const machine = () => {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((load) => round(load, 2)),
  };
};

const program = Effect.gen(function* () {
  const names = yield* Effect.try(benchNames);
  const startedAt = new Date().toISOString();
  const measuredOn = machine();
  yield* log(`${names.length} benchmarks, one at a time: ${names.join(", ")}`);
  const outcomes: Array<Outcome> = [];
  for (const name of names) {
    yield* log(`bench:${name} (${outcomes.length + 1}/${names.length})`);
    const outcome = yield* runOne(name);
    yield* log(`bench:${name}: ${outcome.failure ?? "done"} in ${outcome.seconds} s`);
    outcomes.push(outcome);
  }
  const failed = outcomes.filter((outcome) => outcome.failure !== undefined);
  const summary = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { ...measuredOn, loadAverageAtEnd: os.loadavg().map((load) => round(load, 2)) },
    benches: Object.fromEntries(outcomes.map(({ bench, ...rest }) => [bench, rest])),
  };
  yield* Effect.sync(() => {
    mkdirSync(new URL("./", RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(summary, null, 2)}\n`);
  });
  const columns: ReadonlyArray<Column<Outcome>> = [
    { header: "benchmark", align: "left", cell: (o) => `bench:${o.bench}` },
    { header: "exit", align: "right", cell: (o) => String(o.exitCode ?? "-") },
    { header: "seconds", align: "right", cell: (o) => o.seconds.toFixed(1) },
    { header: "result", align: "left", cell: (o) => o.failure ?? JSON.stringify(o.result) },
  ];
  const file = "bench/results/latest.json";
  yield* Effect.sync(() =>
    process.stdout.write(
      `\n${formatTable(columns, outcomes)}\n\nwritten to ${file} (machine: ${measuredOn.cores} cores, ${measuredOn.cpuModel}, node ${measuredOn.node})\n` +
        `${JSON.stringify({ bench: NAME, ran: outcomes.length, failed: failed.length, file })}\n`,
    ),
  );
  return failed.length === 0 ? 0 : 1;
});

// Every benchmark has its own budget; this one only bounds the sum.
runBench(NAME, program, {
  timeBudget: Duration.seconds(TIMEOUT_SECONDS * 12),
  hardExitMs: TIMEOUT_SECONDS * 12 * 1000 + 30_000,
});
