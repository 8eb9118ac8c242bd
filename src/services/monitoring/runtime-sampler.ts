/**
 * Runtime figures: event-loop delay (perf_hooks, sampled every 10 ms), memory, and the fibers
 * alive in the Effect runtime (counted by a supervisor: one increment when a fiber starts, one
 * decrement when it ends; the runtime observes every fiber's end anyway).
 */
import { Effect, type Exit, type Fiber, Layer, Supervisor } from "effect"
import { monitorEventLoopDelay } from "node:perf_hooks"

class FiberCounter extends Supervisor.AbstractSupervisor<number> {
  alive = 0
  get value(): Effect.Effect<number> {
    return Effect.sync(() => this.alive)
  }
  override onStart(): void {
    this.alive++
  }
  override onEnd<A, E>(_value: Exit.Exit<A, E>, _fiber: Fiber.RuntimeFiber<A, E>): void {
    this.alive--
  }
}

/** One per process: fibers of every runtime built with `FiberCounting` are counted together. */
const fiberCounter = new FiberCounter()

/** Counts the fibers of whatever is built or run under this layer. */
export const FiberCounting: Layer.Layer<never> = Supervisor.addSupervisor(fiberCounter)

export const aliveFibers = (): number => Math.max(0, fiberCounter.alive)

export interface LoopDelay {
  readonly p50: number
  readonly p99: number
  readonly max: number
}

/** Event-loop delay since the previous `take()`; the histogram is reset on each take. */
export class LoopDelaySampler {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 })
  private last: LoopDelay = { p50: 0, p99: 0, max: 0 }
  constructor() {
    this.histogram.enable()
  }
  take(): LoopDelay {
    if (this.histogram.count > 0) {
      this.last = {
        p50: nanosToMs(this.histogram.percentile(50)),
        p99: nanosToMs(this.histogram.percentile(99)),
        max: nanosToMs(this.histogram.max)
      }
    }
    this.histogram.reset()
    return this.last
  }
  /** The last taken figures (what the current 10-second step will be compared with). */
  get latest(): LoopDelay {
    return this.last
  }
  stop(): void {
    this.histogram.disable()
  }
}

const nanosToMs = (nanos: number): number => Math.round(nanos / 1e4) / 100
