/**
 * The distributed cache over HTTP (`/monitoring/cache`): its health, its counters, and dropping
 * everything cached about a user. Handlers are in cache-handlers.ts; the RPC twin is rpc/cache.ts.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { CacheHealth, CacheInvalidated, CacheStats } from "../services/cache/schema.js"
import { UserId } from "../services/guardian/schema.js"
import { Authentication } from "./authentication.js"

/** `user_id`, as SPEC concern 7 spells the path. */
export const InvalidateUserPath = Schema.Struct({ user_id: UserId })

const WHO = "Needs a key with the `service` or `admin` scope; user tokens and narrower keys are refused (403)."
const NEVER_FAILS = "The cache never fails because of Redis: while Redis is down this answers from memory."

export class CacheApi extends HttpApiGroup.make("cache")
  .add(
    HttpApiEndpoint.get("health", "/health")
      .addSuccess(CacheHealth)
      .annotate(OpenApi.Summary, "Cache health")
      .annotate(
        OpenApi.Description,
        "The memory tier (entries and bytes against their bounds), the Redis tier (`up`, `down`, or `disabled` " +
          "without REDIS_URL) with its ping latency and breaker, the invalidation bus, invalidations waiting for " +
          "Redis to recover, and how long a lost bus message may leave a stale value (`staleBoundSeconds`). " +
          `\`degraded\` while Redis is down. ${NEVER_FAILS} ${WHO}`
      )
  )
  .add(
    HttpApiEndpoint.get("stats", "/stats")
      .addSuccess(CacheStats)
      .annotate(OpenApi.Summary, "Cache statistics")
      .annotate(
        OpenApi.Description,
        "Counters of this instance since it started: hits by tier, misses, stale answers, hit rates, loader " +
          "calls and failures, evictions, invalidations, Redis errors, the same by kind, and latency percentiles " +
          `(memory, Redis, loader) over recent operations. ${WHO}`
      )
  )
  .add(
    HttpApiEndpoint.post("invalidateUser", "/invalidate/:user_id")
      .setPath(InvalidateUserPath)
      .addSuccess(CacheInvalidated)
      .annotate(OpenApi.Summary, "Invalidate a user's cache")
      .annotate(
        OpenApi.Description,
        "Drops everything cached about the user (tag `user:<user_id>`) from this instance's memory at once, from " +
          "Redis, and from the other instances' memory (through the bus). `propagated: false` when Redis is " +
          "unavailable: the invalidation is replayed when it recovers, and other instances' memory expires within " +
          `\`staleBoundSeconds\` meanwhile. Idempotent; a user with nothing cached answers \`l1EntriesRemoved: 0\`. ` +
          `400 InvalidRequest for a malformed user id. ${WHO}`
      )
  )
  .middleware(Authentication)
  .annotate(AccessAnnotation, Access.service())
  .prefix("/monitoring/cache")
  .annotate(OpenApi.Title, "Cache")
  .annotate(
    OpenApi.Description,
    "The distributed cache (memory in front of Redis, kept coherent across instances): health, statistics, " +
      "invalidation. Service or admin keys only."
  )
{}
