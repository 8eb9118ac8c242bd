/**
 * Production mode (DATABASE_URL set): a pooled Postgres behind retries and a breaker; Redis when
 * REDIS_URL is set (chosen independently), the in-memory store otherwise.
 */
import { Layer } from "effect"
import { DatabaseLive } from "../services/database/live.js"
import { RedisStoreFromConfig } from "../services/redis/index.js"
import { makeHub } from "./hub.js"

export const ProductionInfrastructure = Layer.merge(DatabaseLive(), RedisStoreFromConfig)

export const ProductionHub = makeHub(ProductionInfrastructure)
