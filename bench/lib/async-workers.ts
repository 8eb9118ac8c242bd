// The load loop of a peer library driven with Promises (bentocache, rate-limiter-flexible): `workers`
// async workers take operation numbers 0, 1, 2, … until `maxOps` are taken or the time is up (read
// every `checkEvery` operations, so the clock does not dominate a fast operation). A rejection goes
// to `onRejection`; the loop goes on.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

export interface AsyncLoadPlan {
  readonly workers: number;
  readonly durationMs: number;
  readonly maxOps: number;
  readonly checkEvery: number;
}

/** Runs the workers; answers the wall time they took, in milliseconds. */
export const runAsyncWorkers = async (
  plan: AsyncLoadPlan,
  operation: (i: number) => Promise<void>,
  onRejection: (error: unknown) => void,
): Promise<number> => {
  let next = 0;
  const started = performance.now();
  const deadline = started + plan.durationMs;
  const worker = async (): Promise<void> => {
    for (;;) {
      for (let k = 0; k < plan.checkEvery; k++) {
        const i = next++;
        if (i >= plan.maxOps) return;
        try {
          await operation(i);
        } catch (error) {
          onRejection(error);
        }
      }
      if (performance.now() >= deadline) return;
    }
  };
  await Promise.all(Array.from({ length: plan.workers }, worker));
  return performance.now() - started;
};

/** The version of an installed package, for a bench's header ("?" when unreadable). */
export const installedVersion = (packageName: string): string => {
  try {
    const manifest = JSON.parse(readFileSync(new URL(`../../node_modules/${packageName}/package.json`, import.meta.url), "utf8")) as { version?: unknown };
    return String(manifest.version);
  } catch {
    return "?";
  }
};
