/**
 * Reads the Hub's own Effect metrics back by name (all series of a name, whatever their tags):
 * the figures endpoints and alert rules see exactly what Prometheus scrapes.
 */
import { type MetricPair, MetricState } from "effect"

type Pairs = ReadonlyArray<MetricPair.MetricPair.Untyped>

const numeric = (value: number | bigint): number => (typeof value === "bigint" ? Number(value) : value)

const matching = (pairs: Pairs, name: string, tags: Readonly<Record<string, string>>) =>
  pairs.filter((pair) =>
    pair.metricKey.name === name &&
    Object.entries(tags).every(([key, value]) => pair.metricKey.tags.some((tag) => tag.key === key && tag.value === value))
  )

/** The sum of every counter series named `name` (with `tags`, when given). */
export const counterTotal = (pairs: Pairs, name: string, tags: Readonly<Record<string, string>> = {}): number => {
  let total = 0
  for (const pair of matching(pairs, name, tags)) {
    if (MetricState.isCounterState(pair.metricState)) total += numeric(pair.metricState.count)
  }
  return total
}

/** The largest value of the gauge series named `name` (with `tags`), or null when none was set. */
export const gaugeMax = (pairs: Pairs, name: string, tags: Readonly<Record<string, string>> = {}): number | null => {
  let max: number | null = null
  for (const pair of matching(pairs, name, tags)) {
    if (MetricState.isGaugeState(pair.metricState)) {
      const value = numeric(pair.metricState.value)
      if (max === null || value > max) max = value
    }
  }
  return max
}
