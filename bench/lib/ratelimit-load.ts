// Load loops for bench:ratelimit: N workers checking back to back until a deadline (or an op cap),
// the same way for both libraries. The Hub's loop runs inside one Effect (one fiber per worker under
// Effect.forEach, each a loop of `yield* limiter.check(...)`), so what is measured is the limiter,
// not one runPromise per call; rate-limiter-flexible's is `await limiter.consume(key)` in N async
// functions, a rejection with a `RateLimiterRes` being a refusal and any other one an error.
import { measureMirrored, type MirroredSettings } from "./mirrored.js";
import { Effect, Either } from "effect";
import { runAsyncWorkers } from "./async-workers.js";
import { performance } from "node:perf_hooks";
import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import type { HubLimiter, LimitRule } from "./ratelimit-targets.js";

export interface LoadResult {
  readonly label: string;
  readonly workers: number;
  /** Checks answered (allowed + refused). */
  readonly ops: number;
  readonly allowed: number;
  readonly refused: number;
  readonly elapsedMs: number;
  readonly errors: number;
  readonly firstError: string | undefined;
}

export interface LoadPlan {
  readonly workers: number;
  readonly durationMs: number;
  /** Checks a worker does between two looks at the clock (1 for Redis, more in memory). */
  readonly checkEvery: number;
  readonly maxOps: number;
  /** The identifier of the run's i-th check. */
  readonly identifierOf: (i: number) => string;
}

export interface LoadTarget {
  readonly label: string;
  readonly run: (plan: LoadPlan) => Effect.Effect<LoadResult>;
}

export const checksPerSecond = (result: LoadResult): number => (result.elapsedMs > 0 ? (result.ops * 1000) / result.elapsedMs : 0);

const describe = (error: unknown): string => (error instanceof Error ? error.message : typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : String(error));

export const hubTarget = (label: string, limiter: HubLimiter, name: string, rule: LimitRule): LoadTarget => ({
  label,
  run: (plan) =>
    Effect.gen(function* () {
      let next = 0;
      let allowed = 0;
      let refused = 0;
      const started = performance.now();
      const deadline = started + plan.durationMs;
      const worker = Effect.gen(function* () {
        for (;;) {
          for (let k = 0; k < plan.checkEvery; k++) {
            const i = next++;
            if (i >= plan.maxOps) return;
            const decision = yield* limiter.check(name, rule, plan.identifierOf(i));
            if (decision.allowed) allowed++;
            else refused++;
          }
          if (performance.now() >= deadline) return;
        }
      });
      // A store failure (ServiceUnavailable) ends the run: it is reported and fails the bench.
      const outcome = yield* Effect.either(Effect.forEach(Array.from({ length: plan.workers }), () => worker, { concurrency: plan.workers, discard: true }));
      const failed = Either.isLeft(outcome);
      return {
        label,
        workers: plan.workers,
        ops: allowed + refused,
        allowed,
        refused,
        elapsedMs: performance.now() - started,
        errors: failed ? 1 : 0,
        firstError: failed ? describe(outcome.left) : undefined,
      };
    }),
});

export const rlfTarget = (label: string, limiter: RateLimiterAbstract): LoadTarget => ({
  label,
  run: (plan) =>
    Effect.promise(async (): Promise<LoadResult> => {
      let allowed = 0;
      let refused = 0;
      let errors = 0;
      let firstError: string | undefined;
      const elapsedMs = await runAsyncWorkers(
        plan,
        async (i) => {
          await limiter.consume(plan.identifierOf(i));
          allowed++;
        },
        // rate-limiter-flexible rejects a refused check with its RateLimiterRes.
        (rejection) => {
          if (rejection instanceof RateLimiterRes) refused++;
          else {
            errors++;
            firstError ??= describe(rejection);
          }
        },
      );
      return { label, workers: plan.workers, ops: allowed + refused, allowed, refused, elapsedMs, errors, firstError };
    }),
});

/** A measured run: its result and the process's CPU time (user + system) meanwhile. */
export interface MeasuredResult extends LoadResult {
  /** This process's CPU time during the run (the loop, the client library, the GC; not Redis's). */
  readonly cpuMs: number;
  /** The Redis server's CPU time during the run (all its clients), when the cell has a probe. */
  readonly redisCpuMs: number | undefined;
}

/** Several runs of one target as one: counts and times added up. */
const merge = (results: ReadonlyArray<MeasuredResult>): MeasuredResult =>
  results.reduce((acc, r) => ({
    label: acc.label,
    workers: acc.workers,
    ops: acc.ops + r.ops,
    allowed: acc.allowed + r.allowed,
    refused: acc.refused + r.refused,
    elapsedMs: acc.elapsedMs + r.elapsedMs,
    cpuMs: acc.cpuMs + r.cpuMs,
    redisCpuMs: acc.redisCpuMs === undefined || r.redisCpuMs === undefined ? undefined : acc.redisCpuMs + r.redisCpuMs,
    errors: acc.errors + r.errors,
    firstError: acc.firstError ?? r.firstError,
  }));

/** A reading of a CPU clock in milliseconds (e.g. the Redis server's, from INFO cpu). */
export type CpuProbe = Effect.Effect<number>;

const measured = (target: LoadTarget, plan: LoadPlan, redisCpu: CpuProbe | undefined): Effect.Effect<MeasuredResult> =>
  Effect.gen(function* () {
    const redisBefore = redisCpu === undefined ? undefined : yield* redisCpu;
    const before = process.cpuUsage();
    const result = yield* target.run(plan);
    const cpu = process.cpuUsage(before);
    const redisAfter = redisCpu === undefined ? undefined : yield* redisCpu;
    return {
      ...result,
      cpuMs: (cpu.user + cpu.system) / 1000,
      redisCpuMs: redisBefore === undefined || redisAfter === undefined ? undefined : redisAfter - redisBefore,
    };
  });

export type PhaseSettings = MirroredSettings;

/**
 * A discarded warm-up per target, then two measured halves in mirrored order (A B C, C B A), so
 * neither the order nor a drifting machine favours one side.
 */
export const measureInterleaved = (
  targets: ReadonlyArray<LoadTarget>,
  settings: PhaseSettings,
  planFor: (durationMs: number) => LoadPlan,
  log: (message: string) => Effect.Effect<void>,
  redisCpu?: CpuProbe,
): Effect.Effect<ReadonlyArray<MeasuredResult>> =>
  measureMirrored(
    targets.length,
    settings,
    (index, durationMs, isMeasured) =>
      isMeasured
        ? Effect.tap(measured(targets[index]!, planFor(durationMs), redisCpu), (result) =>
          log(`  ${result.label}: ${Math.round(checksPerSecond(result))} checks/s (${result.ops} checks)`))
        : measured(targets[index]!, planFor(durationMs), undefined), // a warm-up: its figures are dropped
    (first, second) => merge([first, second]),
  );

// ---------------------------------------------------------------------------------------------
// Exactness: `total` concurrent checks of one identifier on a limit, spread over several limiter
// instances (check i on instance i mod n), `workers` callers at a time; the allowed ones counted.

export interface ExactnessResult {
  readonly label: string;
  readonly instances: number;
  readonly checks: number;
  readonly allowed: number;
  readonly refused: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly wallMs: number;
}

export const hubExactness = (
  label: string,
  limiters: ReadonlyArray<HubLimiter>,
  name: string,
  rule: LimitRule,
  identifier: string,
  total: number,
  workers: number,
): Effect.Effect<ExactnessResult> =>
  Effect.gen(function* () {
    let next = 0;
    let allowed = 0;
    let refused = 0;
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const worker = Effect.gen(function* () {
      for (let i = next++; i < total; i = next++) {
        const decision = yield* Effect.either(limiters[i % limiters.length]!.check(name, rule, identifier));
        if (Either.isLeft(decision)) {
          errors++;
          firstError ??= describe(decision.left);
        } else if (decision.right.allowed) allowed++;
        else refused++;
      }
    });
    yield* Effect.forEach(Array.from({ length: workers }), () => worker, { concurrency: workers, discard: true });
    return { label, instances: limiters.length, checks: total, allowed, refused, errors, firstError, wallMs: performance.now() - started };
  });

export const rlfExactness = (
  label: string,
  limiters: ReadonlyArray<RateLimiterAbstract>,
  identifier: string,
  total: number,
  workers: number,
): Effect.Effect<ExactnessResult> =>
  Effect.promise(async () => {
    let next = 0;
    let allowed = 0;
    let refused = 0;
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      for (let i = next++; i < total; i = next++) {
        try {
          await limiters[i % limiters.length]!.consume(identifier);
          allowed++;
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) refused++;
          else {
            errors++;
            firstError ??= describe(rejection);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
    return { label, instances: limiters.length, checks: total, allowed, refused, errors, firstError, wallMs: performance.now() - started };
  });
