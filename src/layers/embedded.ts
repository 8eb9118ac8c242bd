/**
 * Embedded mode (no DATABASE_URL): PGlite under DATA_DIR, served over a loopback socket so the
 * same PgClient code runs; Redis if REDIS_URL is set, the in-memory store otherwise.
 */
import { Layer } from "effect"
import { DatabaseLive } from "../services/database/live.js"
import { RedisStoreFromConfig } from "../services/redis/index.js"
import { makeHub } from "./hub.js"

export const EmbeddedInfrastructure = Layer.merge(DatabaseLive(), RedisStoreFromConfig)

export const EmbeddedHub = makeHub(EmbeddedInfrastructure)
