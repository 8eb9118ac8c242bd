// Load loops for bench:cache: N workers calling getOrSet back to back until a deadline (or an op
// cap), the same way for both caches. The Hub's loop runs inside one Effect (fibers under
// Effect.forEach), so what is measured is the cache, not one runPromise per call; bentocache's is
// `await bento.getOrSet(...)` in N async functions.
import { measureMirrored, type MirroredSettings } from "./mirrored.js";
import { Effect } from "effect";
import { runAsyncWorkers } from "./async-workers.js";
import type { bentostore, BentoCache } from "bentocache";
import { benchValue, BenchValue, type HubCache, VALUE_KIND } from "./cache-targets.js";

/** What the Hub's own counters say happened during a run (bentocache: undefined). */
export interface TierCounts {
  readonly l1: number;
  readonly l2: number;
  readonly misses: number;
  /** Redis calls that failed or passed the cache's Redis timeout: three in a row switch the instance to memory only. */
  readonly l2Errors: number;
}

export interface LoadResult {
  readonly label: string;
  readonly workers: number;
  readonly ops: number;
  readonly elapsedMs: number;
  readonly loaderCalls: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly tiers: TierCounts | undefined;
}

export interface LoadPlan {
  readonly workers: number;
  readonly durationMs: number;
  /** Ops a worker does between two looks at the clock (1 for I/O-bound phases). */
  readonly checkEvery: number;
  readonly maxOps: number;
  /** The key of the run's i-th op. */
  readonly keyOf: (i: number) => string;
}

export interface LoadTarget {
  readonly label: string;
  readonly run: (plan: LoadPlan) => Effect.Effect<LoadResult>;
  /** Untimed, before each run (e.g. bring the hot keys back into memory). */
  readonly prepare?: Effect.Effect<void>;
}

export const opsPerSecond = (result: LoadResult): number => (result.elapsedMs > 0 ? (result.ops * 1000) / result.elapsedMs : 0);

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const HUB_ENTRY = { kind: VALUE_KIND, schema: BenchValue } as const;

const HEALTHY_WAIT_MS = 3_000;

/**
 * Waits (untimed, at most HEALTHY_WAIT_MS) until the instance is back on Redis, so that one run's
 * switch to memory only does not leak into the next; answers how long it waited.
 */
export const awaitHealthy = (cache: HubCache): Effect.Effect<number> =>
  Effect.gen(function* () {
    const started = performance.now();
    while ((yield* cache.health).status !== "healthy" && performance.now() - started < HEALTHY_WAIT_MS) yield* Effect.sleep("50 millis");
    return performance.now() - started;
  });

export const hubTarget = (label: string, cache: HubCache, prepare?: Effect.Effect<void>): LoadTarget => ({
  label,
  ...(prepare === undefined ? {} : { prepare }),
  run: (plan) =>
    Effect.gen(function* () {
      yield* awaitHealthy(cache);
      let next = 0;
      let ops = 0;
      let loaderCalls = 0;
      const before = yield* cache.stats;
      const started = performance.now();
      const deadline = started + plan.durationMs;
      const worker = Effect.gen(function* () {
        for (;;) {
          for (let k = 0; k < plan.checkEvery; k++) {
            const i = next++;
            if (i >= plan.maxOps) return;
            const key = plan.keyOf(i);
            yield* cache.getOrSet(
              key,
              Effect.sync(() => {
                loaderCalls++;
                return benchValue(key, i);
              }),
              HUB_ENTRY,
            );
            ops++;
          }
          if (performance.now() >= deadline) return;
        }
      });
      // The loader never fails and the cache turns Redis failures into misses: a failure here is a
      // defect, which fails the whole bench.
      yield* Effect.forEach(Array.from({ length: plan.workers }), () => worker, { concurrency: plan.workers, discard: true });
      const elapsedMs = performance.now() - started;
      const after = yield* cache.stats;
      return {
        label,
        workers: plan.workers,
        ops,
        elapsedMs,
        loaderCalls,
        errors: 0,
        firstError: undefined,
        tiers: {
          l1: after.hits.l1 - before.hits.l1,
          l2: after.hits.l2 - before.hits.l2,
          misses: after.misses - before.misses,
          l2Errors: after.l2Errors - before.l2Errors,
        },
      };
    }),
});

export type Bento = BentoCache<Record<string, ReturnType<typeof bentostore>>>;

export const bentoTarget = (label: string, bento: Bento, prepare?: Effect.Effect<void>): LoadTarget => ({
  label,
  ...(prepare === undefined ? {} : { prepare }),
  run: (plan) =>
    Effect.promise(async (): Promise<LoadResult> => {
      let ops = 0;
      let loaderCalls = 0;
      let errors = 0;
      let firstError: string | undefined;
      const elapsedMs = await runAsyncWorkers(
        plan,
        async (i) => {
          const key = plan.keyOf(i);
          await bento.getOrSet({
            key,
            factory: () => {
              loaderCalls++;
              return benchValue(key, i);
            },
          });
          ops++;
        },
        (error) => {
          errors++;
          firstError ??= describe(error);
        },
      );
      return { label, workers: plan.workers, ops, elapsedMs, loaderCalls, errors, firstError, tiers: undefined };
    }),
});

const sum = (a: number | undefined, b: number | undefined): number => (a ?? 0) + (b ?? 0);

/** Several runs of one target as one: counts and times added up. */
export const merge = (results: ReadonlyArray<LoadResult>): LoadResult => {
  const [first] = results;
  if (first === undefined) throw new Error("merge: no result");
  return results.reduce((acc, r) => ({
    label: acc.label,
    workers: acc.workers,
    ops: acc.ops + r.ops,
    elapsedMs: acc.elapsedMs + r.elapsedMs,
    loaderCalls: acc.loaderCalls + r.loaderCalls,
    errors: acc.errors + r.errors,
    firstError: acc.firstError ?? r.firstError,
    tiers:
      acc.tiers === undefined && r.tiers === undefined
        ? undefined
        : {
            l1: sum(acc.tiers?.l1, r.tiers?.l1),
            l2: sum(acc.tiers?.l2, r.tiers?.l2),
            misses: sum(acc.tiers?.misses, r.tiers?.misses),
            l2Errors: sum(acc.tiers?.l2Errors, r.tiers?.l2Errors),
          },
  }));
};

export type PhaseSettings = MirroredSettings;

/**
 * A discarded warm-up per target, then two measured halves in mirrored order (A B, B A), so neither
 * the order nor a drifting machine favours one side. `planFor(segment)` gives each run its own plan
 * (distinct keys for the miss phase).
 */
export const measureInterleaved = (
  targets: ReadonlyArray<LoadTarget>,
  settings: PhaseSettings,
  planFor: (segment: number, durationMs: number) => LoadPlan,
  log: (message: string) => Effect.Effect<void>,
): Effect.Effect<ReadonlyArray<LoadResult>> =>
  Effect.suspend(() => {
    let segment = 0;
    return measureMirrored(
      targets.length,
      settings,
      (index, durationMs, measured) => {
        const target = targets[index]!;
        const run = Effect.zipRight(target.prepare ?? Effect.void, target.run(planFor(segment++, durationMs)));
        return measured ? Effect.tap(run, (result) => log(`  ${result.label}: ${Math.round(opsPerSecond(result))} ops/s (${result.ops} ops)`)) : run;
      },
      (first, second) => merge([first, second]),
    );
  });

// ---------------------------------------------------------------------------------------------
// Stampede: many concurrent getOrSet on one fresh key whose loader is slow and counts its calls.

export interface StampedeResult {
  readonly loaderCalls: number;
  readonly wallMs: number;
  /** Answers that were not the loaded value. */
  readonly wrong: number;
  readonly errors: number;
  readonly firstError: string | undefined;
}

const isLoaded = (value: BenchValue, key: string): boolean => value.id === key && value.n === 1;

/** `calls` getOrSet at once, call i on `caches[i % caches.length]`. */
export const hubStampede = (caches: ReadonlyArray<HubCache>, key: string, calls: number, loaderMs: number): Effect.Effect<StampedeResult> =>
  Effect.gen(function* () {
    let loaderCalls = 0;
    const loader = Effect.sync(() => {
      loaderCalls++;
    }).pipe(Effect.zipRight(Effect.sleep(loaderMs)), Effect.as(benchValue(key, 1)));
    const started = performance.now();
    const results = yield* Effect.forEach(
      Array.from({ length: calls }, (_, i) => i),
      (i) => caches[i % caches.length]!.getOrSet(key, loader, HUB_ENTRY),
      { concurrency: calls },
    );
    return {
      loaderCalls,
      wallMs: performance.now() - started,
      wrong: results.filter((value) => !isLoaded(value, key)).length,
      errors: 0,
      firstError: undefined,
    };
  });

export const bentoStampede = (bentos: ReadonlyArray<Bento>, key: string, calls: number, loaderMs: number): Effect.Effect<StampedeResult> =>
  Effect.promise(async () => {
    let loaderCalls = 0;
    const factory = async (): Promise<BenchValue> => {
      loaderCalls++;
      await new Promise((resolve) => setTimeout(resolve, loaderMs));
      return benchValue(key, 1);
    };
    const started = performance.now();
    const settled = await Promise.allSettled(Array.from({ length: calls }, (_, i) => bentos[i % bentos.length]!.getOrSet({ key, factory })));
    const wallMs = performance.now() - started;
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
    const wrong = settled.filter((s) => s.status === "fulfilled" && !isLoaded(s.value as BenchValue, key)).length;
    return { loaderCalls, wallMs, wrong, errors: rejected.length, firstError: rejected[0] === undefined ? undefined : describe(rejected[0].reason) };
  });
