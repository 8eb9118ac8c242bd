/**
 * Production mode (DATABASE_URL set): a pooled Postgres behind retries and a breaker; Redis when
 * REDIS_URL is set (chosen independently), the in-memory store otherwise; traces exported when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import { Layer } from "effect"
import { DatabaseLive } from "../services/database/live.js"
import { RedisStoreFromConfig } from "../services/redis/index.js"
import { TracingLive } from "../services/telemetry/tracing.js"
import { makeHub } from "./hub.js"

export const ProductionInfrastructure = Layer.merge(DatabaseLive(), RedisStoreFromConfig)

// Under the whole Hub, so every layer and fiber sees the tracer (or tracing switched off).
export const ProductionHub = makeHub(ProductionInfrastructure).pipe(Layer.provide(TracingLive))
