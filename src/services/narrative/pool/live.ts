/**
 * `NarrativePool` over `@effect/platform` worker threads (`NodeWorker`). Inputs below a measured
 * size run on the main thread (a round trip costs more than their analysis); larger ones are cut into
 * chunks of about equal cost and sent with bounded concurrency (workers × calls per worker). The
 * workers start on the first call that needs them, in the background; that call and the ones
 * until they are up run on the main thread. Not at the Hub's start: each worker compiles the
 * analyzer and Effect (under tsx, ~10 CPU-seconds on this 2-core machine, and as much again in its
 * loader thread), and started with the Hub that took its HTTP throughput from ~3,700 to ~250 req/s
 * for its first ~15 s (bench:http), in a Hub that may never be sent a batch. A start that does not
 * finish in time, a worker error or a call that times out takes the pool down: its workers are
 * stopped, one warning is logged, calls run on the main thread, and a new pool is started on the
 * first call after `retryAfter`.
 */
import { Worker, type WorkerError } from "@effect/platform"
import { NodeWorker } from "@effect/platform-node"
import {
  Cause,
  Clock,
  Deferred,
  Duration,
  Effect,
  ExecutionStrategy,
  Exit,
  Layer,
  Logger,
  LogLevel,
  Metric,
  Option,
  Ref,
  Schema,
  Scope
} from "effect"
import { Worker as ThreadWorker } from "node:worker_threads"
import { HubConfig } from "../../../config.js"
import { analyze, type Analysis, AnalyzeInput, type AnalyzerInput, MAX_TEXT_CHARACTERS } from "../analyzer/index.js"
import { chunkRanges, costOf, TEXT_OVERHEAD_CHARACTERS } from "./chunks.js"
import { mainThreadByReason, pooledChunks, poolOutages } from "./metrics.js"
import { type MainThreadReason, NarrativePool, type PoolStats } from "./NarrativePool.js"
import { MalformedWire } from "./codec.js"
import { AnalyzeChunk, type NarrativeWorkerRequest, readAnswer } from "./protocol.js"

export interface NarrativePoolOptions {
  /** Worker threads; 0 runs every call on the main thread. */
  readonly workers: number
  /** Chunks in flight per worker: with 2 the next one waits in the worker's queue while one runs. */
  readonly callsPerWorker?: number
  /** Inputs costing at most this (characters, see chunks.ts) run on the main thread; 0 sends everything to the pool. */
  readonly mainThreadMaxCost?: number
  /** The most one chunk costs (unless a single text does): bounds a call's time in a worker. */
  readonly maxChunkCost?: number
  readonly startTimeout?: Duration.DurationInput
  /** One chunk's budget once a worker has taken it. */
  readonly callTimeout?: Duration.DurationInput
  /** After the pool went down, how long calls stay on the main thread before a new start. */
  readonly retryAfter?: Duration.DurationInput
  /** The worker entry to spawn; tests point it elsewhere. Default: `worker.mjs` (tsx), `worker.js` when compiled. */
  readonly workerUrl?: URL
}

/**
 * Calls costing at most this run on the main thread: every single text (the longest allowed one
 * costs exactly this) and batches up to ~2.5 ms of analysis. Measured on this 2-core machine, p50 of
 * one call on an otherwise idle process, main thread against a pool of 2 workers: one 300-word text
 * 0.21 vs 1.85 ms, one 3,000-word text 1.78 vs 4.63 ms, 64 corpus texts 1.57 vs 3.72 ms, 200 corpus
 * texts 5.0 vs 8.2 ms, 64 texts of 300 words 12.2 vs 14.0 ms. A round trip through the platform's
 * worker costs ~1–1.5 ms and a single text cannot be split, so one text is always faster here; for
 * batches the pool is never faster on 2 cores either, and the threshold instead bounds how long one
 * call holds the event loop (other requests wait behind it), at the price of those 1–3 ms.
 */
export const MAIN_THREAD_MAX_COST = MAX_TEXT_CHARACTERS + TEXT_OVERHEAD_CHARACTERS
/**
 * ~4 ms of analysis. A round trip through the platform's worker costs ~1–1.5 ms here (wake-ups,
 * fiber hops, the codec), hidden by keeping two chunks per worker in flight; larger chunks balance
 * the workers worse at the end of a batch.
 */
export const MAX_CHUNK_COST = 32_000
export const CALLS_PER_WORKER = 2
export const MAX_WORKERS = 64
export const START_TIMEOUT = Duration.seconds(15)
export const CALL_TIMEOUT = Duration.seconds(3)
export const RETRY_AFTER = Duration.seconds(30)

/**
 * A worker's heap, bounded. The analysis makes much short-lived garbage; a 32 MB young generation
 * (fewer scavenges) measured from no change to ~10 % faster on a 1,000-text batch. The old generation
 * holds the lexicons and one or two chunks; past the limit the worker dies and its chunk falls back.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 512 }

type Workers = Worker.SerializedWorkerPool<NarrativeWorkerRequest>

/** One started pool: its workers, the scope that stops them, and the threads behind them. */
interface Generation {
  readonly workers: Workers
  readonly scope: Scope.CloseableScope
  readonly threads: Threads
}

/** The threads a pool spawned (the platform respawns a dead one), and the last error one reported. */
interface Threads {
  readonly live: Set<ThreadWorker>
  lastError: string | undefined
}

/** One pooled call: its inputs and the analyses of each chunk, in order. */
interface Call {
  inputs: ReadonlyArray<AnalyzerInput>
  parts: Array<ReadonlyArray<Analysis>>
}

type State =
  | { readonly _tag: "disabled" }
  | { readonly _tag: "idle" }
  | { readonly _tag: "starting"; readonly started: Deferred.Deferred<boolean> }
  | { readonly _tag: "up"; readonly generation: Generation }
  | { readonly _tag: "down"; readonly retryAtMs: number }

const defaultWorkerUrl = (): URL =>
  new URL(import.meta.url.endsWith(".ts") ? "./worker.mjs" : "./worker.js", import.meta.url)

const withLogger = Effect.annotateLogs({ logger: "narrative" })

const isAnalyzeInput = Schema.is(AnalyzeInput)

const emptyCounts = (): Record<MainThreadReason, number> => ({
  small: 0,
  disabled: 0,
  starting: 0,
  down: 0,
  failed: 0,
  invalid_input: 0
})

interface Counts {
  readonly mainThread: Record<MainThreadReason, number>
  readonly pooledChunks: number
  readonly outages: number
}

const isWorkerError = (error: unknown): error is WorkerError.WorkerError =>
  typeof error === "object" && error !== null && "_tag" in error && error._tag === "WorkerError"

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Why a call took the pool down, in words for the warning. */
const failureOf = (cause: Cause.Cause<unknown>, callTimeoutMs: number): string => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (Cause.isTimeoutException(error)) return `a worker call took longer than ${callTimeoutMs} ms`
    if (isWorkerError(error)) return `worker error (${error.reason}): ${describe(error.cause)}`
    return describe(error)
  }
  if (Cause.isInterruptedOnly(cause)) return "the pool was closed"
  return Cause.pretty(cause)
}

export const makeNarrativePool = (options: NarrativePoolOptions) =>
  Effect.gen(function*() {
    if (!Number.isInteger(options.workers) || options.workers < 0 || options.workers > MAX_WORKERS) {
      return yield* Effect.dieMessage(`narrative pool: workers must be a whole number from 0 to ${MAX_WORKERS}, got ${options.workers}`)
    }
    const workerCount = options.workers
    const callsPerWorker = options.callsPerWorker ?? CALLS_PER_WORKER
    const parallelism = workerCount * callsPerWorker
    const mainThreadMaxCost = options.mainThreadMaxCost ?? MAIN_THREAD_MAX_COST
    const plan = { minChunks: workerCount, maxChunkCost: options.maxChunkCost ?? MAX_CHUNK_COST, multipleOf: workerCount }
    const startTimeout = Duration.decode(options.startTimeout ?? START_TIMEOUT)
    const callTimeout = Duration.decode(options.callTimeout ?? CALL_TIMEOUT)
    const callTimeoutMs = Duration.toMillis(callTimeout)
    const retryAfterMs = Duration.toMillis(options.retryAfter ?? RETRY_AFTER)
    const workerUrl = options.workerUrl ?? defaultWorkerUrl()

    const layerScope = yield* Effect.scope
    const state = yield* Ref.make<State>({ _tag: "disabled" })
    const counts = yield* Ref.make<Counts>({ mainThread: emptyCounts(), pooledChunks: 0, outages: 0 })

    const spawnInto = (threads: Threads) => (id: number) => {
      const thread = new ThreadWorker(workerUrl, { name: `narrative-${id}`, resourceLimits: WORKER_HEAP })
      threads.live.add(thread)
      // The platform retries a failed spawn without saying why (its own warnings are silenced below).
      thread.on("error", (error) => {
        threads.lastError = describe(error)
      })
      thread.on("exit", () => threads.live.delete(thread))
      return thread
    }

    const countMainThread = (reason: MainThreadReason) =>
      Effect.zipRight(
        Metric.increment(mainThreadByReason[reason]),
        Ref.update(counts, (c) => ({ ...c, mainThread: { ...c.mainThread, [reason]: c.mainThread[reason] + 1 } }))
      )

    const onMainThread = (inputs: ReadonlyArray<AnalyzerInput>, reason: MainThreadReason) =>
      Effect.zipRight(countMainThread(reason), Effect.sync(() => inputs.map(analyze)))

    /**
     * Stops a failed pool at once: its threads are terminated (a hung one would otherwise hold the
     * platform's graceful close, 5 s, and the callers releasing it), calls in flight on them fail
     * and fall back, and the pool's scope is closed in the background (the layer's close waits for it).
     */
    const stop = (scope: Scope.CloseableScope, threads: Threads) =>
      Effect.zipRight(
        Effect.sync(() => {
          for (const thread of threads.live) void thread.terminate()
        }),
        Effect.forkIn(Effect.uninterruptible(Scope.close(scope, Exit.void)), layerScope)
      )

    const wentDown = (why: string) =>
      Effect.gen(function*() {
        yield* Metric.increment(poolOutages)
        yield* Ref.update(counts, (c) => ({ ...c, outages: c.outages + 1 }))
        yield* Effect.logWarning(
          `Narrative worker pool unavailable (${why}); analysing on the main thread, next start in ${retryAfterMs / 1000} s`
        ).pipe(withLogger)
      })

    const start = (started: Deferred.Deferred<boolean>) =>
      Effect.gen(function*() {
        const threads: Threads = { live: new Set(), lastError: undefined }
        const scope = yield* Scope.fork(layerScope, ExecutionStrategy.sequential)
        const exit = yield* Worker.makePoolSerialized<NarrativeWorkerRequest>({ size: workerCount, concurrency: callsPerWorker }).pipe(
          Effect.provide(NodeWorker.layer(spawnInto(threads))),
          Scope.extend(scope),
          // The pool waits for its first worker without letting itself be interrupted: the timeout
          // must not wait for it. Closing the scope below ends that wait.
          Effect.disconnect,
          Effect.timeout(startTimeout),
          // The platform logs every failed spawn and retries each second; the one warning is ours.
          Logger.withMinimumLogLevel(LogLevel.Error),
          Effect.exit
        )
        if (Exit.isSuccess(exit)) {
          yield* Ref.set(state, { _tag: "up", generation: { workers: exit.value, scope, threads } })
          yield* Effect.logDebug(`Narrative worker pool started: ${workerCount} workers`).pipe(withLogger)
          return yield* Deferred.succeed(started, true)
        }
        yield* stop(scope, threads)
        const retryAtMs = (yield* Clock.currentTimeMillis) + retryAfterMs
        yield* Ref.set(state, { _tag: "down", retryAtMs })
        const timedOut = Cause.isFailType(exit.cause) && Cause.isTimeoutException(exit.cause.error)
        yield* wentDown(
          (timedOut ? `not started within ${Duration.format(startTimeout)}` : Cause.pretty(exit.cause)) +
            (threads.lastError === undefined ? "" : `; last worker error: ${threads.lastError}`)
        )
        return yield* Deferred.succeed(started, false)
      })

    /** Starts a pool in place of `from`, the state the caller saw, unless another fiber already moved on from it. */
    const startFrom = (from: State): Effect.Effect<void> =>
      Effect.flatMap(Deferred.make<boolean>(), (started) =>
        Effect.flatMap(
          Ref.modify(state, (latest): readonly [boolean, State] =>
            latest === from ? [true, { _tag: "starting", started }] : [false, latest]),
          (won) => (won ? Effect.asVoid(Effect.forkIn(start(started), layerScope)) : Effect.void)
        ))

    /**
     * The pool to use now, or why not. The first call that needs workers starts them (and runs on
     * the main thread, as the calls until they are up do); so does the first after `retryAfter`.
     */
    const current: Effect.Effect<Generation | MainThreadReason> = Effect.flatMap(
      Ref.get(state),
      (s): Effect.Effect<Generation | MainThreadReason> => {
        switch (s._tag) {
          case "up":
            return Effect.succeed(s.generation)
          case "disabled":
          case "starting":
            return Effect.succeed(s._tag)
          case "idle":
            return Effect.as(startFrom(s), "starting" as const)
          case "down":
            return Effect.flatMap(Clock.currentTimeMillis, (now) =>
              now < s.retryAtMs ? Effect.succeed("down" as const) : Effect.as(startFrom(s), "starting" as const))
        }
      }
    )

    /** Takes down the pool a failed call went to, unless that already happened. */
    const takeDown = (generation: Generation, why: string) =>
      Effect.gen(function*() {
        const retryAtMs = (yield* Clock.currentTimeMillis) + retryAfterMs
        const downed = yield* Ref.modify(state, (s): readonly [boolean, State] =>
          s._tag === "up" && s.generation === generation ? [true, { _tag: "down", retryAtMs }] : [false, s])
        if (!downed) return
        yield* stop(generation.scope, generation.threads)
        yield* wentDown(why)
      })

    /**
     * One chunk of `call` (`call.inputs[from, to)`) on a worker: its answer is read and put in
     * `call.parts[index]` here, so no fiber ends holding analyses (see `onPool`). A call that
     * fails takes the pool down and the chunk runs on the main thread.
     */
    const sendChunk = (generation: Generation, call: Call, index: number, from: number, to: number): Effect.Effect<void> => {
      const chunk = call.inputs.slice(from, to)
      return Effect.scoped(
        Effect.flatMap(generation.workers.backing.get, (worker) =>
          // Timed once a worker has taken the chunk: waiting for a free one is bounded by the others' timeouts.
          Effect.timeout(worker.executeEffect(new AnalyzeChunk({ inputs: chunk }, true)), callTimeout))
      ).pipe(
        Effect.flatMap((wire) => {
          const analyses = readAnswer(wire, chunk)
          if (analyses instanceof MalformedWire) return Effect.fail(analyses)
          call.parts[index] = analyses
          return Effect.zipRight(Metric.increment(pooledChunks), Ref.update(counts, (c) => ({ ...c, pooledChunks: c.pooledChunks + 1 })))
        }),
        Effect.catchAllCause((cause) =>
          Effect.zipRight(takeDown(generation, failureOf(cause, callTimeoutMs)), chunkOnMainThread(call, index, from, to, "failed"))
        )
      )
    }

    const chunkOnMainThread = (call: Call, index: number, from: number, to: number, reason: MainThreadReason) =>
      Effect.map(onMainThread(call.inputs.slice(from, to), reason), (analyses) => {
        call.parts[index] = analyses
      })

    /** One chunk, on the pool if it still serves (an earlier chunk of the call may have taken it down). */
    const runChunk = (call: Call, index: number, from: number, to: number) =>
      Effect.flatMap(current, (target) => {
        if (typeof target === "string") return chunkOnMainThread(call, index, from, to, target)
        // Inputs the door would refuse never reach a worker (its decoding would refuse them too).
        for (let i = from; i < to; i++) {
          if (!isAnalyzeInput(call.inputs[i])) return chunkOnMainThread(call, index, from, to, "invalid_input")
        }
        return sendChunk(target, call, index, from, to)
      })

    /**
     * The chunk fibers reach the inputs and the answers only through `call`, emptied when the call
     * ends. A finished fiber can stay reachable unseen: a Map or Set it was in (its parent's
     * children, the platform's calls in flight) leaves replaced tables that V8 keeps until the next
     * full collection, and what they reach survives every scavenge. Reached from finished fibers, a
     * batch's analyses were copied and promoted each time: ~20 ms of scavenging per 1,000 texts and
     * 25-35 µs of main-thread time per text with one worker, as much as the worker's analysis.
     */
    const onPool = (inputs: ReadonlyArray<AnalyzerInput>) => {
      const ranges = chunkRanges(inputs.map((input) => costOf(input.text)), plan)
      const call: Call = { inputs, parts: new Array(ranges.length) }
      return Effect.forEach(ranges, ([from, to], index) => runChunk(call, index, from, to), {
        concurrency: parallelism,
        discard: true
      }).pipe(
        Effect.map(() => (call.parts.length === 1 ? call.parts[0]! : call.parts.flat())),
        Effect.ensuring(Effect.sync(() => {
          call.inputs = []
          call.parts = []
        }))
      )
    }

    const analyzeAll = (inputs: ReadonlyArray<AnalyzerInput>): Effect.Effect<ReadonlyArray<Analysis>> => {
      if (inputs.length === 0) return Effect.succeed([])
      let cost = 0
      for (const input of inputs) cost += costOf(input.text)
      if (cost <= mainThreadMaxCost) return onMainThread(inputs, "small")
      return Effect.flatMap(current, (target) => (typeof target === "string" ? onMainThread(inputs, target) : onPool(inputs)))
    }

    const ready: Effect.Effect<boolean> = Effect.flatMap(Ref.get(state), (s) => {
      switch (s._tag) {
        case "up":
          return Effect.succeed(true)
        case "starting":
          return Deferred.await(s.started)
        case "idle":
          return Effect.flatMap(startFrom(s), () => ready)
        default:
          return Effect.succeed(false)
      }
    })

    const stats: Effect.Effect<PoolStats> = Effect.map(
      Effect.all([Ref.get(state), Ref.get(counts)]),
      ([s, c]) => ({ state: s._tag, workers: workerCount, mainThread: { ...c.mainThread }, pooledChunks: c.pooledChunks, outages: c.outages })
    )

    if (workerCount > 0) yield* Ref.set(state, { _tag: "idle" })

    return NarrativePool.of({ analyzeAll, ready, stats })
  })

/** The pool with these options; its workers stop with the layer's scope. */
export const layer = (options: NarrativePoolOptions): Layer.Layer<NarrativePool> =>
  Layer.scoped(NarrativePool, makeNarrativePool(options))

/** The pool sized by NARRATIVE_WORKERS (default: one per core). */
export const NarrativePoolLive: Layer.Layer<NarrativePool, never, HubConfig> = Layer.scoped(
  NarrativePool,
  Effect.flatMap(HubConfig, (settings) => makeNarrativePool({ workers: settings.narrative.workers }))
)

/** No workers: every call on the main thread (tests, embedded tools). */
export const NarrativePoolMainThread: Layer.Layer<NarrativePool> = layer({ workers: 0 })
