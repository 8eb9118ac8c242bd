/**
 * Metrics with one series per tag combination (kind, outcome, route, …), each combination's tags
 * built into its metric key once. `Metric.tagged` instead derives a new key on every update
 * (labels merged, hashed, looked up): about 1.7 µs an update against about 10 ns here, which on a
 * hot path (every request, every cache hit) costs more than the work it counts. Call sites keep the
 * metric they get for a combination and update it.
 */
import { Metric, type MetricBoundaries, MetricKey, MetricLabel } from "effect"

type Tags = Readonly<Record<string, string>>

const labelsOf = (tags: Tags) => Object.entries(tags).map(([key, value]) => MetricLabel.make(key, value))

export const counterFamily = (name: string, description: string) => (tags: Tags): Metric.Metric.Counter<number> =>
  Metric.fromMetricKey(MetricKey.counter(name, { description, incremental: true }).pipe(MetricKey.taggedWithLabels(labelsOf(tags))))

export const histogramFamily = (name: string, boundaries: MetricBoundaries.MetricBoundaries, description: string) =>
  (tags: Tags): Metric.Metric.Histogram<number> =>
    Metric.fromMetricKey(MetricKey.histogram(name, boundaries, description).pipe(MetricKey.taggedWithLabels(labelsOf(tags))))
