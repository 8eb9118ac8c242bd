/**
 * The narrative service's contract beyond the analyzer's own (analyzer/schema.ts): analyses stored
 * for a user, and what a user's insights answer.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { IdempotencyKey, Transaction } from "../energy/schema.js"
import { Analysis, AnalyzeInput, NarrativeProfile } from "./analyzer/schema.js"

export const AnalyzeForUserRequest = Schema.extend(
  AnalyzeInput,
  Schema.Struct({
    idempotencyKey: IdempotencyKey.annotations({
      description: "Makes the analysis and its charge happen once: the same key with the same text answers the stored analysis."
    })
  })
).annotations({ identifier: "NarrativeAnalyzeForUserRequest" })
export type AnalyzeForUserRequest = typeof AnalyzeForUserRequest.Type

export const StoredAnalysis = Schema.Struct({
  analysisId: Schema.UUID,
  createdAt: Schema.DateTimeUtc,
  analysis: Analysis
}).annotations({ identifier: "NarrativeStoredAnalysis" })
export type StoredAnalysis = typeof StoredAnalysis.Type

export const UserAnalysis = Schema.Struct({
  analysisId: Schema.UUID,
  createdAt: Schema.DateTimeUtc,
  analysis: Analysis,
  charge: Transaction.annotations({ description: "The `narrative_analysis` charge (the original one on a replay)." }),
  replayed: Schema.Boolean.annotations({ description: "True when the key had been used for this text: nothing new was charged or stored." })
}).annotations({ identifier: "NarrativeUserAnalysis" })
export type UserAnalysis = typeof UserAnalysis.Type

export const NarrativeInsights = Schema.Struct({
  userId: Schema.String,
  analyses: Schema.Int.annotations({ description: "Stored analyses the profile is built from (the most recent, at most MAX_INSIGHT_ANALYSES)." }),
  profile: NarrativeProfile
}).annotations({ identifier: "NarrativeInsights" })
export type NarrativeInsights = typeof NarrativeInsights.Type

export class NarrativeKeyReused extends Schema.TaggedError<NarrativeKeyReused>()(
  "NarrativeKeyReused",
  { idempotencyKey: Schema.String, analysisId: Schema.String },
  HttpApiSchema.annotations({ status: 409, description: "The idempotency key was already used for another text." })
) {
  override get message(): string {
    return `Idempotency key ${this.idempotencyKey} was already used for another text (analysis ${this.analysisId})`
  }
}
