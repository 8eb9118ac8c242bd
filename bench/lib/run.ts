// How a bench process runs its program: progress lines on stderr stamped with the time since
// start, a time budget, a failure printed as one FAIL line (exit 1), tracing off as in the Hub
// without an OTLP endpoint, warnings from the Hub's own logger on stderr, and a last-resort exit
// should cleanup itself hang. The program answers the exit code.
import { NodeRuntime } from "@effect/platform-node";
import { Duration, Effect, LogLevel, type Scope } from "effect";
import { performance } from "node:perf_hooks";
import { loggerLayer } from "../../src/services/logging/logger.js";

const started = performance.now();

/** A progress line on stderr: `[bench:<name> 12.3s] message`. */
export const progress = (name: string) => (message: string) =>
  Effect.sync(() => void process.stderr.write(`[bench:${name} ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`));

export const runBench = <E>(
  name: string,
  program: Effect.Effect<number, E, Scope.Scope>,
  limits: { readonly timeBudget: Duration.Duration; readonly hardExitMs: number }
): void => {
  const log = progress(name);
  const main = Effect.scoped(program).pipe(
    Effect.timeoutFail({ duration: limits.timeBudget, onTimeout: () => new Error(`bench:${name} exceeded its time budget (${Duration.format(limits.timeBudget)})`) }),
    Effect.catchAll((error) => Effect.as(log(`FAIL: ${error instanceof Error ? error.message : String(error)}`), 1)),
    Effect.catchAllDefect((defect) => Effect.as(log(`FAIL: ${defect instanceof Error ? defect.message : String(defect)}`), 1)),
    // As the Hub runs without an OTLP endpoint (src/main.ts): spans are no-ops.
    Effect.withTracerEnabled(false),
    Effect.provide(loggerLayer({ format: "pretty", level: LogLevel.Warning, sink: (line) => process.stderr.write(`${line}\n`) })),
  );
  // A last resort if cleanup itself hangs.
  setTimeout(() => {
    process.stderr.write(`[bench:${name}] FAIL: still running after the hard limit; exiting\n`);
    process.exit(1);
  }, limits.hardExitMs).unref();
  NodeRuntime.runMain(main, {
    disablePrettyLogger: true,
    disableErrorReporting: true,
    teardown: (exit, onExit) => onExit(exit._tag === "Success" && typeof exit.value === "number" ? exit.value : 1),
  });
};
