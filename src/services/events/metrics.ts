/** Event store metrics (exported through OpenTelemetry with the rest). */
import { Metric, MetricBoundaries } from "effect"
import { counterFamily } from "../monitoring/metric-family.js"

/** By event type. */
export const eventsAppended = counterFamily("phoenix_events_appended", "Events appended, by event type")

export const appendDurationMs = Metric.histogram(
  "phoenix_event_append_duration_ms",
  MetricBoundaries.fromIterable([0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 25, 50, 100, 250, 500, 1000, 2500]),
  "Duration of one append (its own transaction or a savepoint in the caller's), in milliseconds"
)

export const followerLagMs = Metric.histogram(
  "phoenix_event_follower_lag_ms",
  MetricBoundaries.fromIterable([1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 60000]),
  "Time from an event's creation to its delivery to a follower, in milliseconds"
)

export const consumerLagEvents = Metric.gauge("phoenix_event_consumer_lag_events", {
  description: "Events stored after a named consumer's checkpoint (approximate: by position)"
})

export const consumerCheckpointPosition = Metric.gauge("phoenix_event_consumer_checkpoint_position", {
  description: "Global position of a named consumer's checkpoint"
})
