/**
 * The Hub's limits (SPEC concern 8): what each scope counts, by which rule, per which identifier.
 * Defaults from the seed; `RATE_LIMIT_SCOPES` (JSON) may change any scope's algorithm, limit or window.
 */
import { ParseResult, Schema } from "effect"
import { Algorithm, isValidRule, type LimitRule } from "./schema.js"

export const ScopeName = Schema.Literal("GLOBAL_DDOS", "API_GENERAL", "API_CV_GENERATION", "AUTH_LOGIN")
export type ScopeName = typeof ScopeName.Type
export const SCOPE_NAMES: ReadonlyArray<ScopeName> = ScopeName.literals

export interface ScopeRule extends LimitRule {
  /** What one allowance belongs to. */
  readonly per: "client_ip" | "principal" | "user"
}

const MINUTE = 60_000

export const DEFAULT_SCOPES: { readonly [S in ScopeName]: ScopeRule } = {
  // Every route but the probes, before authentication.
  GLOBAL_DDOS: { algorithm: "sliding_window", limit: 1000, windowMs: MINUTE, per: "client_ip" },
  // Every authenticated call, per API key or user.
  API_GENERAL: { algorithm: "token_bucket", limit: 100, windowMs: MINUTE, per: "principal" },
  // Energy consumes and reservations of CV and cover-letter generation, per user.
  API_CV_GENERATION: { algorithm: "fixed_window", limit: 10, windowMs: 60 * MINUTE, per: "user" },
  // Failed authentications, per client IP: the sixth in the window is refused before any key lookup.
  AUTH_LOGIN: { algorithm: "sliding_window", limit: 5, windowMs: 15 * MINUTE, per: "client_ip" }
}

/** One scope's override in `RATE_LIMIT_SCOPES`: any of its rule's parts. */
export const ScopeOverride = Schema.Struct({
  algorithm: Schema.optional(Algorithm),
  limit: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))),
  windowSeconds: Schema.optional(Schema.Number.pipe(Schema.positive()))
})
export type ScopeOverride = typeof ScopeOverride.Type

export const ScopeOverrides = Schema.Struct({
  GLOBAL_DDOS: Schema.optional(ScopeOverride),
  API_GENERAL: Schema.optional(ScopeOverride),
  API_CV_GENERATION: Schema.optional(ScopeOverride),
  AUTH_LOGIN: Schema.optional(ScopeOverride)
})
export type ScopeOverrides = typeof ScopeOverrides.Type

export type Scopes = { readonly [S in ScopeName]: ScopeRule }

const decodeOverrides = Schema.decodeUnknownEither(Schema.parseJson(ScopeOverrides), { onExcessProperty: "error", errors: "first" })

/** `RATE_LIMIT_SCOPES`'s value as scopes, or what is wrong with it (one line). */
export const parseScopes = (json: string): Scopes | string => {
  const decoded = decodeOverrides(json)
  if (decoded._tag === "Left") return ParseResult.TreeFormatter.formatErrorSync(decoded.left).split("\n").map((line) => line.trim()).join(" ")
  return scopesWith(decoded.right)
}

/** The scopes with `overrides` applied; an override giving an impossible rule is reported by name. */
export const scopesWith = (overrides: ScopeOverrides): Scopes | string => {
  const scopes = { ...DEFAULT_SCOPES }
  for (const name of SCOPE_NAMES) {
    const override = overrides[name]
    if (override === undefined) continue
    const rule: ScopeRule = {
      ...scopes[name],
      ...(override.algorithm === undefined ? {} : { algorithm: override.algorithm }),
      ...(override.limit === undefined ? {} : { limit: override.limit }),
      ...(override.windowSeconds === undefined ? {} : { windowMs: Math.round(override.windowSeconds * 1000) })
    }
    if (!isValidRule(rule)) return `${name}: limit × window is too large to count exactly`
    scopes[name] = rule
  }
  return scopes
}

/** The IETF draft's policy name of a scope (`"api_general"`). */
export const policyName = (scope: ScopeName): string => scope.toLowerCase()
