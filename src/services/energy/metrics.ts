/** Ledger metrics (exported through OpenTelemetry with the rest). */
import { Metric, MetricBoundaries } from "effect"
import { counterFamily } from "../monitoring/metric-family.js"

/** By kind and outcome. */
export const energyOperations = counterFamily(
  "phoenix_energy_operations",
  "Energy operations, by kind (consume, refund, …) and outcome (ok, replayed, refused, error)"
)

export const energyRefusedInsufficient = Metric.counter("phoenix_energy_refused_insufficient", {
  description: "Charges refused because the user's available energy did not cover them",
  incremental: true
})

export const energyActorActivations = Metric.counter("phoenix_energy_actor_activations", {
  description: "Energy account actors activated (account loaded from the database)",
  incremental: true
})

export const energyActorPassivations = Metric.counter("phoenix_energy_actor_passivations", {
  description: "Energy account actors passivated (idle for CACHE_TTL_USER_ENERGY seconds, or moved)",
  incremental: true
})

export const energyCommandDurationMs = Metric.histogram(
  "phoenix_energy_command_duration_ms",
  MetricBoundaries.exponential({ start: 0.1, factor: 2, count: 16 }),
  "Time an account actor spends on one command, in milliseconds"
)
