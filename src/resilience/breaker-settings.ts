import { Duration } from "effect"
import type { BreakerSettings } from "./breaker-machine.js"
import { bucketMsFor } from "./breaker-window.js"
import type { BreakerOptions } from "./circuit-breaker.js"

// Counts below one would open or close the breaker without any evidence, so they are raised to one.
const atLeastOne = (count: number): number => (Number.isNaN(count) ? 1 : Math.max(1, Math.floor(count)))

const ratio = (value: number): number => (Number.isNaN(value) ? 1 : Math.min(1, Math.max(0, value)))

/** Resolves defaults, clamps counts and converts every duration to milliseconds once, at construction. */
export const toSettings = (options: BreakerOptions): BreakerSettings => {
  const rate = options.failureRate
  const windowMs = rate === undefined ? 0 : Math.max(0, Duration.toMillis(rate.window))
  return {
    name: options.name,
    failureThreshold: atLeastOne(options.failureThreshold),
    failureRate: rate === undefined ? null : {
      threshold: ratio(rate.threshold),
      windowMs,
      bucketMs: bucketMsFor(windowMs),
      minimumCalls: atLeastOne(rate.minimumCalls)
    },
    cooldownMs: Math.max(0, Duration.toMillis(options.cooldown)),
    halfOpenSuccesses: atLeastOne(options.halfOpenSuccesses),
    halfOpenMaxConcurrent: atLeastOne(options.halfOpenMaxConcurrent ?? 1)
  }
}
