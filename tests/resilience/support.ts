import { Data, Deferred, Effect, Ref } from "effect"

/** A backend error that should count against a breaker and be retried. */
export class Unavailable extends Data.TaggedError("Unavailable")<{}> {}

/** A backend answer that is an error for the caller but says the backend is healthy. */
export class NotFound extends Data.TaggedError("NotFound")<{}> {}

/** Counts how many times an effect really ran, so tests can prove a call was (not) executed. */
export const makeCounter = Effect.map(Ref.make(0), (ref) => ({
  count: Ref.get(ref),
  counted: <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => Effect.zipRight(Ref.update(ref, (n) => n + 1), self)
}))

/** A call that signals it started and then holds until the gate opens, to keep a half-open probe in flight. */
export const makeHeldCall = Effect.gen(function*() {
  const started = yield* Deferred.make<void>()
  const gate = yield* Deferred.make<void>()
  return {
    call: Effect.zipRight(Deferred.succeed(started, undefined), Deferred.await(gate)),
    started: Deferred.await(started),
    release: Deferred.succeed(gate, undefined)
  }
})

/** Completes once `total` events were signalled, so a test waits for concurrent callers without sleeping. */
export const makeCountdown = (total: number) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make(0)
    const done = yield* Deferred.make<void>()
    const signal = Effect.flatMap(Ref.updateAndGet(seen, (n) => n + 1), (n) => n >= total ? Deferred.succeed(done, undefined) : Effect.void)
    return { signal, done: Deferred.await(done) }
  })
