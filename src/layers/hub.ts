/**
 * The Hub minus its infrastructure: services, doors and the HTTP server, given a database and a
 * key-value store. `embedded.ts` and `production.ts` supply those; tests swap them.
 */
import { Layer } from "effect"
import { HubRoutes } from "../http/routes.js"
import { HubHttpServer } from "../http/server.js"
import type { DatabaseServices } from "../services/database/live.js"
import { AuthLive } from "../services/auth/live.js"
import { CacheLive } from "../services/cache/live.js"
import { RateLimitAdminLive } from "../services/rate-limit/admin.js"
import { AdmissionLive } from "../services/rate-limit/admission.js"
import { ConsentLive } from "../services/gdpr/consent/live.js"
import { RateLimitsLive } from "../services/rate-limit/policy.js"
import { ClusterLive } from "../services/cluster/live.js"
import { EnergyLive } from "../services/energy/live.js"
import { EventStoreLive } from "../services/events/live.js"
import { OpenedEventStore } from "../services/gdpr/data-keys/event-store.js"
import { DataKeysLive } from "../services/gdpr/data-keys/live.js"
import { ErasureLive } from "../services/gdpr/erasure/live.js"
import { GdprExportLive } from "../services/gdpr/export/live.js"
import { RetentionLive } from "../services/gdpr/retention/live.js"
import { NarrativeLive } from "../services/narrative/live.js"
import { NarrativePoolLive } from "../services/narrative/pool/live.js"
import { ApiKeysLive } from "../services/keys/live.js"
import { AlertsLive } from "../services/monitoring/alerts/live.js"
import { BuildInfo } from "../services/monitoring/build-info.js"
import { FiguresLive } from "../services/monitoring/figures.js"
import { FiberCounting } from "../services/monitoring/runtime-sampler.js"
import { Lifecycle } from "../services/monitoring/lifecycle.js"
import { MonitoringLive } from "../services/monitoring/live.js"
import { PrometheusMetricsLive } from "../services/monitoring/prometheus.js"
import type { RedisStore } from "../services/redis/RedisStore.js"

export type Infrastructure = DatabaseServices | RedisStore

/** The event store with personal fields opened for readers, and the data keys that seal them. */
export const EventStoreWithDataKeys = OpenedEventStore.pipe(Layer.provide(EventStoreLive), Layer.provideMerge(DataKeysLive))

/** Every concern's service, built on the infrastructure. */
export const ServiceLayers = Layer.mergeAll(AdmissionLive, ErasureLive, GdprExportLive, RetentionLive).pipe(
  // Erasure and export reach every concern that holds user data.
  Layer.provideMerge(NarrativeLive.pipe(Layer.provideMerge(NarrativePoolLive))),
  Layer.provideMerge(Layer.merge(EnergyLive, RateLimitAdminLive)),
  // Energy's stats ask Consent first (behavioural data).
  Layer.provideMerge(ConsentLive),
  Layer.provideMerge(AuthLive.pipe(Layer.provideMerge(ApiKeysLive))),
  Layer.provideMerge(Layer.mergeAll(MonitoringLive, PrometheusMetricsLive, EventStoreWithDataKeys, CacheLive, RateLimitsLive)),
  // Alerts read the figures; the rules are evaluated by one runner of the cluster.
  Layer.provideMerge(AlertsLive),
  Layer.provideMerge(Layer.mergeAll(BuildInfo.layer, Lifecycle.layer, FiguresLive)),
  // The actor runtime the energy accounts run on (in memory on PGlite, runners over Postgres).
  Layer.provideMerge(ClusterLive)
)

/** The whole Hub on `infrastructure`; tests may serve extra routes beside the Hub's own. */
export const makeHub = <ROut, E, R, RE = never, RR = never>(
  infrastructure: Layer.Layer<ROut, E, R>,
  extraRoutes: Layer.Layer<never, RE, RR> = Layer.empty as Layer.Layer<never, RE, RR>
) =>
  HubHttpServer(Layer.merge(HubRoutes, extraRoutes)).pipe(
    Layer.provideMerge(ServiceLayers),
    Layer.provideMerge(infrastructure),
    // Every fiber the Hub starts is counted (the runtime figures' `fibers`).
    Layer.provide(FiberCounting)
  )
