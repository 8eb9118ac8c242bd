// The measuring order every comparison bench uses: a discarded warm-up of each target, then two
// measured halves in mirrored order (A B C, then C B A), so neither the order of the targets nor a
// machine drifting during the run favours one side; each target's two halves are merged.
import { Effect } from "effect";

export interface MirroredSettings {
  readonly warmupMs: number;
  /** Measured time per target, split in two halves. */
  readonly measuredMs: number;
}

/**
 * `run(index, durationMs, measured)` runs target `index` for `durationMs` (`measured` false for the
 * warm-up, whose result is dropped); answers one merged result per target, in target order.
 */
export const measureMirrored = <R, E, Req>(
  count: number,
  settings: MirroredSettings,
  run: (index: number, durationMs: number, measured: boolean) => Effect.Effect<R, E, Req>,
  merge: (first: R, second: R) => R,
): Effect.Effect<ReadonlyArray<R>, E, Req> =>
  Effect.gen(function* () {
    const indexes = Array.from({ length: count }, (_, i) => i);
    for (const index of indexes) yield* run(index, settings.warmupMs, false);
    const halves: Array<R | undefined> = indexes.map(() => undefined);
    for (const index of [...indexes, ...[...indexes].reverse()]) {
      const result = yield* run(index, settings.measuredMs / 2, true);
      const earlier = halves[index];
      halves[index] = earlier === undefined ? result : merge(earlier, result);
    }
    return halves as ReadonlyArray<R>;
  });
