// Closed-loop load for bench:events: `concurrency` workers each run one operation after another
// until the time (or the operation budget) runs out, recording every operation's latency.
// Targets measured together are interleaved (A B C, then C B A) so that neither the order nor the
// table growing during the run favours one of them.
import { measureMirrored } from "./mirrored.js";
import { Effect, Ref } from "effect";
import { performance } from "node:perf_hooks";

export interface LoadTarget {
  readonly label: string;
  /** Events written (or read) by one operation. */
  readonly eventsPerOp: number;
  /** The i-th operation of this target (i counts across warm-up and rounds). */
  readonly op: (i: number) => Effect.Effect<unknown, unknown>;
}

export interface LoadResult {
  readonly label: string;
  readonly ops: number;
  readonly events: number;
  readonly elapsedMs: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  /** Sorted ascending. */
  readonly latenciesMs: ReadonlyArray<number>;
}

export interface LoadSettings {
  readonly concurrency: number;
  readonly warmupMs: number;
  /** Per target, split over the two rounds. */
  readonly measuredMs: number;
  /** Per target and round: a bound on the rows written, whatever the speed. */
  readonly maxOpsPerRound: number;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : typeof error === "object" ? JSON.stringify(error) : String(error));

/** Nearest-rank percentile of an ascending array (0 when empty). */
export const percentile = (sorted: ReadonlyArray<number>, p: number): number => {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? 0;
};

export const eventsPerSecond = (result: LoadResult): number => (result.elapsedMs > 0 ? (result.events * 1000) / result.elapsedMs : 0);

const runRound = (
  target: LoadTarget,
  next: Ref.Ref<number>,
  settings: LoadSettings,
  durationMs: number,
): Effect.Effect<LoadResult> =>
  Effect.gen(function* () {
    const started = performance.now();
    const deadline = started + durationMs;
    const budget = yield* Ref.make(settings.maxOpsPerRound);
    const errors = yield* Ref.make<{ count: number; first: string | undefined }>({ count: 0, first: undefined });
    const worker = Effect.gen(function* () {
      const latencies: Array<number> = [];
      while (performance.now() < deadline && (yield* Ref.getAndUpdate(budget, (n) => n - 1)) > 0) {
        const i = yield* Ref.getAndUpdate(next, (n) => n + 1);
        const t0 = performance.now();
        const failed = yield* target.op(i).pipe(
          Effect.as(undefined),
          Effect.catchAllCause((cause) => Effect.succeed(describe(cause))),
        );
        if (failed === undefined) latencies.push(performance.now() - t0);
        else yield* Ref.update(errors, (e) => ({ count: e.count + 1, first: e.first ?? failed }));
      }
      return latencies;
    });
    const perWorker = yield* Effect.all(Array.from({ length: settings.concurrency }, () => worker), { concurrency: "unbounded" });
    const elapsedMs = performance.now() - started;
    const latenciesMs = perWorker.flat().sort((a, b) => a - b);
    const failures = yield* Ref.get(errors);
    return {
      label: target.label,
      ops: latenciesMs.length,
      events: latenciesMs.length * target.eventsPerOp,
      elapsedMs,
      errors: failures.count,
      firstError: failures.first,
      latenciesMs,
    };
  });

const merge = (a: LoadResult, b: LoadResult): LoadResult => ({
  label: a.label,
  ops: a.ops + b.ops,
  events: a.events + b.events,
  elapsedMs: a.elapsedMs + b.elapsedMs,
  errors: a.errors + b.errors,
  firstError: a.firstError ?? b.firstError,
  latenciesMs: [...a.latenciesMs, ...b.latenciesMs].sort((x, y) => x - y),
});

/** Warm-up of each target (discarded), then rounds A B C and C B A; one result per target. */
export const measureInterleaved = (
  targets: ReadonlyArray<LoadTarget>,
  settings: LoadSettings,
  progress: (message: string) => Effect.Effect<void>,
): Effect.Effect<ReadonlyArray<LoadResult>> =>
  Effect.flatMap(Effect.forEach(targets, () => Ref.make(0)), (counters) =>
    measureMirrored(
      targets.length,
      settings,
      (index, durationMs, measured) => {
        const target = targets[index]!;
        const round = runRound(target, counters[index]!, settings, durationMs);
        return measured
          ? Effect.tap(round, (result) => progress(`${target.label}: ${result.ops} ops in ${(result.elapsedMs / 1000).toFixed(1)} s`))
          : Effect.zipRight(progress(`${target.label}: warm-up ${durationMs} ms`), round);
      },
      merge,
    ));
