/**
 * Process lifecycle shared by readiness and the HTTP edge: once draining starts (SIGTERM/SIGINT),
 * readiness answers 503 so load balancers stop sending traffic while in-flight requests finish.
 */
import { Context, Effect, Layer, Ref } from "effect"

export class Lifecycle extends Context.Tag("luna/Lifecycle")<Lifecycle, {
  readonly draining: Effect.Effect<boolean>
  readonly beginDrain: Effect.Effect<void>
}>() {
  static readonly layer: Layer.Layer<Lifecycle> = Layer.effect(
    Lifecycle,
    Effect.map(Ref.make(false), (ref) => ({ draining: Ref.get(ref), beginDrain: Ref.set(ref, true) }))
  )
}
