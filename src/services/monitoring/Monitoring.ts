/**
 * The monitoring concern: liveness, per-dependency health, readiness, version, the instance's
 * figures and system information, answered the same way to the HTTP door, the RPC door and the
 * metrics exporter. Alerts are their own service (alerts/Alerts.ts).
 */
import { Context, type Effect, type Stream } from "effect"
import type { CurrentMetrics, PerformanceReport } from "./figures-schema.js"
import type { HealthV2, LegacyHealth, NotReady, ReadyReport, VersionInfo } from "./schema.js"
import type { SystemInfo } from "./system-info-schema.js"

export class Monitoring extends Context.Tag("luna/Monitoring")<Monitoring, {
  readonly liveness: Effect.Effect<LegacyHealth>
  readonly health: Effect.Effect<HealthV2>
  readonly ready: Effect.Effect<ReadyReport, NotReady>
  readonly version: Effect.Effect<VersionInfo>
  /** A health report every `intervalMs`, `limit` times: for operators watching a rollout. */
  readonly watchHealth: (options: { readonly intervalMs: number; readonly limit: number }) => Stream.Stream<HealthV2>
  readonly currentMetrics: Effect.Effect<CurrentMetrics>
  readonly performance: Effect.Effect<PerformanceReport>
  readonly systemInfo: Effect.Effect<SystemInfo>
}>() {}
