import { Clock, type Duration, Effect, PubSub, Schema, Stream, SynchronizedRef } from "effect"
import { admit, advance, type BreakerData, complete, initialData, snapshotOf, type Step } from "./breaker-machine.js"
import { type CallOutcome, classifyExit } from "./breaker-outcome.js"
import { toSettings } from "./breaker-settings.js"

export type BreakerState = "closed" | "open" | "half_open"

export interface BreakerOptions {
  readonly name: string
  /** Consecutive failures that open it (closed → open). */
  readonly failureThreshold: number
  /**
   * Also opens when, over the sliding time window, failures / calls reaches `threshold` (0..1)
   * with at least `minimumCalls` calls in it.
   */
  readonly failureRate?: {
    readonly threshold: number
    readonly window: Duration.DurationInput
    readonly minimumCalls: number
  }
  /** open → half_open after this. */
  readonly cooldown: Duration.DurationInput
  /** Successes in half_open that close it. */
  readonly halfOpenSuccesses: number
  /** Probes allowed at once while half_open (default 1); extra callers get CircuitOpen, not a queue. */
  readonly halfOpenMaxConcurrent?: number
  /** Which typed errors count against the breaker (default: all). Interruptions never count; defects always do. */
  readonly isFailure?: (error: unknown) => boolean
}

export interface BreakerSnapshot {
  readonly name: string
  readonly state: BreakerState
  readonly consecutiveFailures: number
  readonly windowCalls: number
  readonly windowFailures: number
  /** Clock time when it last opened. */
  readonly openedAtMs: number | null
  /** 0 unless open: time left of the cooldown. */
  readonly retryAfterMs: number
  /** Total state changes since creation. */
  readonly transitions: number
}

/** The breaker refused the call without running it. */
export class CircuitOpen extends Schema.TaggedError<CircuitOpen>()("CircuitOpen", {
  breaker: Schema.String,
  retryAfterMs: Schema.Number
}) {}

export interface CircuitBreaker {
  readonly name: string
  readonly run: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | CircuitOpen, R>
  /** Current state; applies the cooldown transition if it is due, so it agrees with what the next call would see. */
  readonly snapshot: Effect.Effect<BreakerSnapshot>
  /** Every transition, for logs and metrics; subscribers that start late miss earlier ones. */
  readonly stateChanges: Stream.Stream<BreakerSnapshot>
}

// Bounded and sliding so a stalled log/metrics subscriber can never block or grow memory on the call path.
const STATE_CHANGES_CAPACITY = 1_024

const countEveryError = (): boolean => true

// A throwing isFailure must not leak a half-open probe slot, so such a call is simply counted as a failure.
const safeOutcome = (classify: () => CallOutcome): Effect.Effect<CallOutcome> =>
  Effect.sync(classify).pipe(Effect.catchAllDefect(() => Effect.succeed<CallOutcome>("failure")))

export const makeCircuitBreaker = (options: BreakerOptions): Effect.Effect<CircuitBreaker> =>
  Effect.gen(function*() {
    const settings = toSettings(options)
    const isFailure = options.isFailure ?? countEveryError
    const state = yield* SynchronizedRef.make<BreakerData>(initialData)
    const changes = yield* PubSub.sliding<BreakerSnapshot>(STATE_CHANGES_CAPACITY)

    // One lock covers clock read, decision and publish, so transitions are atomic and published in the order they happened.
    const transact = <B>(step: (data: BreakerData, nowMs: number) => Step<B>): Effect.Effect<B> =>
      Effect.uninterruptible(
        SynchronizedRef.modifyEffect(state, (data) =>
          Effect.flatMap(Clock.currentTimeMillis, (nowMs) => {
            const next = step(data, nowMs)
            const answer = [next.result, next.data] as const
            return next.changes.length === 0
              ? Effect.succeed(answer)
              : Effect.as(PubSub.publishAll(changes, next.changes), answer)
          }))
      )

    const run = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | CircuitOpen, R> =>
      // Admission and registering the completion must not be split by interruption, or a probe slot could leak.
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(
          transact((data, nowMs) => admit(settings, data, nowMs)),
          (admission): Effect.Effect<A, E | CircuitOpen, R> =>
            admission._tag === "Rejected"
              ? Effect.fail(new CircuitOpen({ breaker: settings.name, retryAfterMs: admission.retryAfterMs }))
              : restore(self).pipe(
                Effect.onExit((exit) =>
                  Effect.flatMap(
                    safeOutcome(() => classifyExit(exit, isFailure)),
                    (outcome) => transact((data, nowMs) => complete(settings, data, admission.ticket, outcome, nowMs))
                  )
                )
              )
        )
      )

    const snapshot = transact((data, nowMs) => {
      const advanced = advance(settings, data, nowMs)
      return { ...advanced, result: snapshotOf(settings, advanced.data, nowMs) }
    })

    return {
      name: settings.name,
      run,
      snapshot,
      stateChanges: Stream.fromPubSub(changes)
    } satisfies CircuitBreaker
  })
