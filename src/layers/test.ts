/**
 * Test mode: the same layers with everything in memory: PGlite without a data dir and the
 * in-memory store, settings from a plain record. Suites swap this in when they need a whole Hub
 * quickly and leave nothing on disk; suites that must prove real Postgres/Redis behaviour use the
 * backends of tests/support instead.
 */
import { Layer } from "effect"
import { HubConfig } from "../config.js"
import { DatabaseLive } from "../services/database/live.js"
import { RedisStoreMemory } from "../services/redis/index.js"
import { makeHub } from "./hub.js"

/** Settings for tests: a free loopback port, in-memory database, plus the given overrides. */
export const testSettings = (env: Readonly<Record<string, string>> = {}) =>
  HubConfig.fromRecord({ HOST: "127.0.0.1", PORT: "0", DATA_DIR: "memory://", ...env })

export const TestInfrastructure = (env: Readonly<Record<string, string>> = {}) =>
  Layer.merge(DatabaseLive(), RedisStoreMemory).pipe(Layer.provideMerge(testSettings(env)))

export const TestHub = (env: Readonly<Record<string, string>> = {}) => makeHub(TestInfrastructure(env))
