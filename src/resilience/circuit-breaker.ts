import { type Clock, type Duration, Effect, PubSub, Schema, Stream } from "effect"
import { admit, advance, type BreakerData, complete, initialData, snapshotOf, type Step, type Ticket } from "./breaker-machine.js"
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

/** How a promise-returning call under `runPromise` settled: whether it counts against the breaker, and the answer. */
export interface PromiseSettlement<B, E> {
  readonly failed: boolean
  readonly answer: Effect.Effect<B, E>
}

/** What `runPromise` answers: for a value, an error (thrown or rejected), or a refusal by the open breaker. */
export interface PromiseSettle<A, B, E> {
  readonly onValue: (value: A) => PromiseSettlement<B, E>
  readonly onError: (error: unknown) => PromiseSettlement<B, E>
  readonly onOpen: (open: CircuitOpen) => Effect.Effect<B, E>
}

export interface CircuitBreaker {
  readonly name: string
  readonly run: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | CircuitOpen, R>
  /**
   * The breaker around a promise-returning call, in one asynchronous step: admitted (or refused)
   * when the effect runs, completed in the promise's callbacks, where `settle` turns its value or
   * error into the answer. For hot paths: `run` around an Effect costs several fiber steps more.
   * An interrupted caller stops waiting; the call's completion is still counted when it settles.
   */
  readonly runPromise: <A, B, E>(call: () => Promise<A>, settle: PromiseSettle<A, B, E>) => Effect.Effect<B, E>
  /** Current state; applies the cooldown transition if it is due, so it agrees with what the next call would see. */
  readonly snapshot: Effect.Effect<BreakerSnapshot>
  /** Every transition, for logs and metrics; subscribers that start late miss earlier ones. */
  readonly stateChanges: Stream.Stream<BreakerSnapshot>
}

// Bounded and sliding so a stalled log/metrics subscriber can never block or grow memory on the call path.
const STATE_CHANGES_CAPACITY = 1_024

const countEveryError = (): boolean => true

// A throwing isFailure must not leak a half-open probe slot, so such a call is simply counted as a failure.
const safeOutcome = (classify: () => CallOutcome): CallOutcome => {
  try {
    return classify()
  } catch {
    return "failure"
  }
}

// A throwing `settle` is a defect of the call, counted as a failure (as `run` counts defects).
const safeSettle = <X, B, E>(settle: (input: X) => PromiseSettlement<B, E>, input: X): PromiseSettlement<B, E> => {
  try {
    return settle(input)
  } catch (defect) {
    return { failed: true, answer: Effect.die(defect) }
  }
}

/** The call's promise, a synchronous throw included (as a rejection, so it is handled like one). */
export const started = <A>(call: () => Promise<A>): Promise<A> => {
  try {
    return call()
  } catch (error) {
    return Promise.reject(error)
  }
}

/** `answer`, after publishing the transitions admission and completion made, if any (in that order). */
const withPublished = <B, E>(answer: Effect.Effect<B, E>, first: Effect.Effect<void> | undefined, second: Effect.Effect<void> | undefined): Effect.Effect<B, E> => {
  const published = first === undefined ? second : second === undefined ? first : Effect.zipRight(first, second)
  return published === undefined ? answer : Effect.zipRight(published, answer)
}

export const makeCircuitBreaker = (options: BreakerOptions): Effect.Effect<CircuitBreaker> =>
  Effect.gen(function*() {
    const settings = toSettings(options)
    const isFailure = options.isFailure ?? countEveryError
    // Read and replaced only inside `transact`'s synchronous step (one JavaScript thread: no lock).
    let state: BreakerData = initialData
    const changes = yield* PubSub.sliding<BreakerSnapshot>(STATE_CHANGES_CAPACITY)
    // Transitions not yet published, in the order they happened; drained under a lock, oldest first.
    const unpublished: Array<BreakerSnapshot> = []
    const publishing = yield* Effect.makeSemaphore(1)
    const publishPending = publishing.withPermits(1)(
      Effect.suspend(() => PubSub.publishAll(changes, unpublished.splice(0, unpublished.length)))
    )

    // The clock read, the decision and the queueing of its transitions happen in one synchronous
    // step, so steps are atomic and ordered without a lock on the call path; only a step that
    // changed state publishes (under the lock, so in order) before returning.
    const transact = <B>(step: (data: BreakerData, nowMs: number) => Step<B>): Effect.Effect<B> =>
      Effect.clockWith((clock) => {
        const next = step(state, clock.unsafeCurrentTimeMillis())
        state = next.data
        if (next.changes.length === 0) return Effect.succeed(next.result)
        unpublished.push(...next.changes)
        return Effect.uninterruptible(Effect.as(publishPending, next.result))
      })

    /** Applies one step now; the transitions it made, if any, are published by the effect it answers. */
    const stepNow = <B>(step: Step<B>): Effect.Effect<void> | undefined => {
      state = step.data
      if (step.changes.length === 0) return undefined
      unpublished.push(...step.changes)
      return publishPending
    }

    // One synchronous admission and one synchronous completion around the call, inside one
    // uninterruptible region (the call itself stays interruptible): admission and the registering
    // of its completion cannot be split by interruption, or a probe slot could leak.
    const run = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | CircuitOpen, R> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.clockWith((clock) => {
          const admitted = admit(settings, state, clock.unsafeCurrentTimeMillis())
          const admission = admitted.result
          const publishAdmission = stepNow(admitted)
          const call: Effect.Effect<A, E | CircuitOpen, R> = admission._tag === "Rejected"
            ? Effect.fail(new CircuitOpen({ breaker: settings.name, retryAfterMs: admission.retryAfterMs }))
            : Effect.flatMap(Effect.exit(restore(self)), (exit) => {
              const outcome = safeOutcome(() => classifyExit(exit, isFailure))
              const publish = stepNow(complete(settings, state, admission.ticket, outcome, clock.unsafeCurrentTimeMillis()))
              return publish === undefined ? exit : Effect.zipRight(publish, exit)
            })
          return publishAdmission === undefined ? call : Effect.zipRight(publishAdmission, call)
        })
      )

    // Named closures made per call cost a `__name` each under tsx (see DEVELOPERS.md): the
    // callbacks below are inline, the rest module-level.
    const runPromise = <A, B, E>(call: () => Promise<A>, settle: PromiseSettle<A, B, E>): Effect.Effect<B, E> =>
      Effect.clockWith((clock) =>
        Effect.async<B, E>((resume) => {
          const admitted = admit(settings, state, clock.unsafeCurrentTimeMillis())
          const admission = admitted.result
          const publishAdmission = stepNow(admitted)
          if (admission._tag === "Rejected") {
            return resume(
              withPublished(settle.onOpen(new CircuitOpen({ breaker: settings.name, retryAfterMs: admission.retryAfterMs })), publishAdmission, undefined)
            )
          }
          started(call).then(
            (value) => {
              const settlement = safeSettle(settle.onValue, value)
              resume(withPublished(settlement.answer, publishAdmission, stepNow(completion(admission.ticket, settlement, clock))))
            },
            (error: unknown) => {
              const settlement = safeSettle(settle.onError, error)
              resume(withPublished(settlement.answer, publishAdmission, stepNow(completion(admission.ticket, settlement, clock))))
            }
          )
        })
      )
    const completion = (ticket: Ticket, settlement: PromiseSettlement<unknown, unknown>, clock: Clock.Clock) =>
      complete(settings, state, ticket, settlement.failed ? "failure" : "success", clock.unsafeCurrentTimeMillis())

    const snapshot = transact((data, nowMs) => {
      const advanced = advance(settings, data, nowMs)
      return { ...advanced, result: snapshotOf(settings, advanced.data, nowMs) }
    })

    return {
      name: settings.name,
      run,
      runPromise,
      snapshot,
      stateChanges: Stream.fromPubSub(changes)
    } satisfies CircuitBreaker
  })
