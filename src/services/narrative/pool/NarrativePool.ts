/**
 * The narrative analyzer off the main thread: `analyzeAll` answers the same analyses as the pure
 * `analyze`, in input order, from worker threads when the input is large enough to be worth a round
 * trip, on the main thread otherwise (or when the workers are not there: starting, disabled, failed).
 */
import { Context, type Effect } from "effect"
import type { ServiceUnavailable } from "../../common/errors.js"
import type { Analysis, AnalyzerInput } from "../analyzer/index.js"

/**
 * Where the pool is: no workers configured, configured but not started (the first call that
 * needs them starts them), spawning them, serving, or failed (main thread until a retry).
 */
export type PoolState = "disabled" | "idle" | "starting" | "up" | "down"

/** Why a call (or a chunk of one) ran on the main thread. */
export type MainThreadReason =
  /** Smaller than the threshold: a round trip would cost more than the analysis. */
  | "small"
  /** NARRATIVE_WORKERS=0. */
  | "disabled"
  /** The workers are still spawning (or this call started them). */
  | "starting"
  /** The pool failed earlier and is not retried yet. */
  | "down"
  /** A worker call failed or timed out: that chunk fell back. */
  | "failed"
  /** The chunk's inputs did not pass `AnalyzeInput` (the door should have refused them): analysed here as given. */
  | "invalid_input"

export interface PoolStats {
  readonly state: PoolState
  /** Worker threads configured (0 = none). */
  readonly workers: number
  /** Calls that ran wholly on the main thread, and chunks that did, by reason. */
  readonly mainThread: Readonly<Record<MainThreadReason, number>>
  /** Chunks answered by a worker. */
  readonly pooledChunks: number
  /** Times the pool went down (spawn failure or timeout, a worker error or timeout). */
  readonly outages: number
}

export class NarrativePool extends Context.Tag("luna/NarrativePool")<NarrativePool, {
  /**
   * One analysis per input, in input order, identical to `analyze(input)`. Never waits on a broken
   * worker longer than the call timeout: its chunk is analysed on the main thread instead.
   * `ServiceUnavailable` is not produced today (every failure falls back); it is the error a caller
   * must be ready for if the fallback is ever bounded.
   */
  readonly analyzeAll: (inputs: ReadonlyArray<AnalyzerInput>) => Effect.Effect<ReadonlyArray<Analysis>, ServiceUnavailable>
  /**
   * Waits for the workers (starting them if none were started yet; bounded by the start timeout):
   * true when they serve calls.
   */
  readonly ready: Effect.Effect<boolean>
  readonly stats: Effect.Effect<PoolStats>
}>() {}
