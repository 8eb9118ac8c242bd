/**
 * The monitoring concern: liveness, per-dependency health, readiness and version, answered the
 * same way to the HTTP door, the RPC door and the metrics exporter.
 */
import { Context, type Effect, type Stream } from "effect"
import type { HealthV2, LegacyHealth, NotReady, ReadyReport, VersionInfo } from "./schema.js"

export class Monitoring extends Context.Tag("luna/Monitoring")<Monitoring, {
  readonly liveness: Effect.Effect<LegacyHealth>
  readonly health: Effect.Effect<HealthV2>
  readonly ready: Effect.Effect<ReadyReport, NotReady>
  readonly version: Effect.Effect<VersionInfo>
  /** A health report every `intervalMs`, `limit` times: for operators watching a rollout. */
  readonly watchHealth: (options: { readonly intervalMs: number; readonly limit: number }) => Stream.Stream<HealthV2>
}>() {}
