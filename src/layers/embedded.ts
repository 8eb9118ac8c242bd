/**
 * Embedded mode (no DATABASE_URL): PGlite under DATA_DIR, served over a loopback socket so the
 * same PgClient code runs; Redis if REDIS_URL is set, the in-memory store otherwise; traces
 * exported when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import { Layer } from "effect"
import { DatabaseLive } from "../services/database/live.js"
import { RedisStoreFromConfig } from "../services/redis/index.js"
import { TracingLive } from "../services/telemetry/tracing.js"
import { makeHub } from "./hub.js"

export const EmbeddedInfrastructure = Layer.merge(DatabaseLive(), RedisStoreFromConfig)

// Under the whole Hub, so every layer and fiber sees the tracer (or tracing switched off).
export const EmbeddedHub = makeHub(EmbeddedInfrastructure).pipe(Layer.provide(TracingLive))
