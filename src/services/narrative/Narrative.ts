/**
 * The narrative analyzer (SPEC concern 6) as both doors reach it: texts analysed by content (cached
 * under the analyzer's version), batches across the worker pool, and a user's analyses, which need
 * their `narrative_analysis` consent, charge `narrative_analysis` energy once per idempotency key,
 * and are stored sealed with the user's data key (their evidence quotes the user's text).
 */
import { Context, type Effect } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import type { IdempotencyKeyReused, InsufficientEnergy, UserNotFound } from "../energy/schema.js"
import type { ConsentRequired } from "../gdpr/consent/schema.js"
import type { Analysis, AnalyzeInput, NarrativeBatchAnalysis } from "./analyzer/schema.js"
import type { AnalyzeForUserRequest, NarrativeInsights, NarrativeKeyReused, StoredAnalysis, UserAnalysis } from "./schema.js"

export type AnalyzeForUserError =
  | ConsentRequired
  | UserNotFound
  | InsufficientEnergy
  | IdempotencyKeyReused
  | NarrativeKeyReused
  | ServiceUnavailable

export class Narrative extends Context.Tag("luna/Narrative")<Narrative, {
  readonly analyze: (input: AnalyzeInput) => Effect.Effect<Analysis, ServiceUnavailable>
  readonly analyzeBatch: (inputs: ReadonlyArray<AnalyzeInput>) => Effect.Effect<NarrativeBatchAnalysis, ServiceUnavailable>
  readonly analyzeForUser: (userId: string, request: AnalyzeForUserRequest, actor: string) => Effect.Effect<UserAnalysis, AnalyzeForUserError>
  readonly insights: (userId: string) => Effect.Effect<NarrativeInsights, ServiceUnavailable>
  /** Every analysis stored for the user, oldest first (the export reads these). */
  readonly stored: (userId: string) => Effect.Effect<ReadonlyArray<StoredAnalysis>, ServiceUnavailable>
}>() {}

