/**
 * What the admin sees of rate limiting, through both doors: every scope's state for an identifier,
 * and resets, each audited as an event in the stream `ratelimit:<hash>` (the identifier itself, an
 * IP or a user id, is personal data: the stream and the event name it by a keyed hash).
 */
import { randomUUID } from "node:crypto"
import { Context, Effect, Layer, Schema } from "effect"
import { HubConfig } from "../../config.js"
import { makeIdentifierHasher } from "../auth/identifier-hash.js"
import type { ServiceUnavailable } from "../common/errors.js"
import { EventStore } from "../events/EventStore.js"
import type { StreamId } from "../events/schema.js"
import { RateLimits } from "./RateLimits.js"
import { Algorithm } from "./schema.js"
import { ScopeName } from "./scopes.js"

/** Whatever a scope counts by: an IP address, a user id, `key:<id>`. */
export const RateLimitIdentifier = Schema.String.pipe(
  Schema.minLength(1),
  Schema.maxLength(200),
  Schema.pattern(/^[^\s]+$/, { message: () => "an identifier: 1 to 200 characters, no spaces" })
).annotations({ description: "What a scope counts by: a client IP address, a user id, or `key:<id>` for an API key." })

const Seconds = Schema.Number.annotations({ description: "Seconds (ms precision)." })

export const ScopeState = Schema.Struct({
  scope: ScopeName,
  algorithm: Algorithm,
  limit: Schema.Int,
  windowSeconds: Seconds,
  per: Schema.Literal("client_ip", "principal", "user"),
  allowed: Schema.Boolean.annotations({ description: "Whether a check of cost 1 would pass now." }),
  remaining: Schema.Int,
  resetAfterSeconds: Seconds,
  retryAfterSeconds: Seconds
}).annotations({ identifier: "RateLimitScopeState" })

export const RateLimitStatus = Schema.Struct({
  identifier: Schema.String,
  enabled: Schema.Boolean,
  scopes: Schema.Array(ScopeState)
}).annotations({ identifier: "RateLimitStatus", description: "Every scope's state for an identifier; reading it spends nothing." })
export type RateLimitStatus = typeof RateLimitStatus.Type

export const RateLimitReset = Schema.Struct({
  identifier: Schema.String,
  reset: Schema.Array(ScopeName),
  auditStream: Schema.String.annotations({ description: "The event stream recording the reset." })
}).annotations({ identifier: "RateLimitReset" })
export type RateLimitReset = typeof RateLimitReset.Type

export class RateLimitAdmin extends Context.Tag("luna/RateLimitAdmin")<RateLimitAdmin, {
  readonly status: (identifier: string) => Effect.Effect<RateLimitStatus, ServiceUnavailable>
  /** Resets `scope`, or every scope; `actor` names who did it in the audit event. */
  readonly reset: (identifier: string, scope: ScopeName | undefined, actor: string) => Effect.Effect<RateLimitReset, ServiceUnavailable>
}>() {}

const seconds = (ms: number) => ms / 1000

export const RateLimitAdminLive: Layer.Layer<RateLimitAdmin, never, RateLimits | EventStore | HubConfig> = Layer.effect(
  RateLimitAdmin,
  Effect.gen(function*() {
    const limits = yield* RateLimits
    const events = yield* EventStore
    const hash = makeIdentifierHasher((yield* HubConfig).gdpr.anonymizationSalt)
    return RateLimitAdmin.of({
      status: (identifier) =>
        Effect.map(limits.status(identifier), (states) => ({
          identifier,
          enabled: limits.enabled,
          scopes: states.map(({ decision, rule, scope }) => ({
            scope,
            algorithm: rule.algorithm,
            limit: rule.limit,
            windowSeconds: seconds(rule.windowMs),
            per: rule.per,
            allowed: decision.allowed,
            remaining: decision.remaining,
            resetAfterSeconds: seconds(decision.resetAfterMs),
            retryAfterSeconds: seconds(decision.retryAfterMs)
          }))
        })),
      reset: (identifier, scope, actor) =>
        Effect.gen(function*() {
          const hashed = hash(identifier)
          const stream = `ratelimit:${hashed}` as StreamId
          const reset = yield* limits.reset(identifier, scope)
          yield* events.append(stream, [{
            eventId: randomUUID(),
            type: "RateLimitReset",
            data: { identifierHash: hashed, scopes: reset },
            metadata: { actor }
          }], "any").pipe(
            // "any" version, a fresh event id, a fixed shape: none of these can happen but by a bug.
            Effect.catchTags({ ConcurrencyConflict: Effect.die, EventIdReused: Effect.die, InvalidEvent: Effect.die })
          )
          yield* Effect.logInfo("Rate limits reset").pipe(Effect.annotateLogs({ logger: "rate-limit", identifier: hashed, scopes: reset.join(","), actor }))
          return { identifier, reset, auditStream: stream }
        })
    })
  })
)
