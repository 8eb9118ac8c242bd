/**
 * The actor runtime always runs on real time. Its loops (shard assignment, locks, health,
 * passivation) and the sending of messages sleep and time out; under a simulated clock (a test's
 * TestClock) they would never move. Services that need the caller's time (the ledger's
 * regeneration and expiry) read it themselves.
 */
import { Clock, Effect, Layer } from "effect"

const realClock = Clock.make()
/** The clock every fiber has unless something provides another (the default services'). */
const defaultClock = Effect.runSync(Effect.clock)

/** Whether `clock` is real time (then calls made on it need no switch to real time). */
export const isRealTime = (clock: Clock.Clock): boolean => clock === defaultClock || clock === realClock

/** Runs `self` (e.g. a call to an entity) on real time. */
export const onRealTime = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => Effect.withClock(self, realClock)

/** Builds `layer` on real time: the fibers it forks keep real time whatever clock its builder has. */
export const builtOnRealTime = <A, E, R>(layer: Layer.Layer<A, E, R>): Layer.Layer<A, E, R> =>
  Layer.scopedContext(onRealTime(Effect.flatMap(Effect.scope, (scope) => Layer.buildWithScope(layer, scope))))
