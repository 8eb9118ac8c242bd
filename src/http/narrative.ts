/**
 * The narrative analyzer over HTTP (`/narrative`): a text or a batch analysed by content (keys
 * with `narrative:analyze`), a user's text analysed, charged and stored, and the user's insights.
 * Handlers are in narrative-handlers.ts; the RPC twin is rpc/narrative.ts.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import { IdempotencyKeyReused, InsufficientEnergy, UserNotFound } from "../services/energy/schema.js"
import { ConsentRequired } from "../services/gdpr/consent/schema.js"
import { UserId } from "../services/guardian/schema.js"
import { Analysis, AnalyzeBatchInput, AnalyzeInput, NarrativeBatchAnalysis } from "../services/narrative/analyzer/schema.js"
import { MAX_TEXT_CHARACTERS, MAX_TEXTS_PER_BATCH } from "../services/narrative/analyzer/limits.js"
import { AnalyzeForUserRequest, NarrativeInsights, NarrativeKeyReused, UserAnalysis } from "../services/narrative/schema.js"
import { Authentication } from "./authentication.js"
import { envelope } from "./envelope.js"

export const NarrativeUserPath = Schema.Struct({ userId: UserId })

const unavailable = envelope(ServiceUnavailable)
const BOUNDS = `A text is 1 to ${MAX_TEXT_CHARACTERS} characters (an empty one is 400); a body over HTTP_MAX_BODY_BYTES is 413.`
const KEYS = "A key with `narrative:analyze` (or `service`, `admin`)."
const USER_OR_KEY = "The user's own token, or a key with `narrative:analyze` (or `service`, `admin`)."

export class NarrativeApi extends HttpApiGroup.make("narrative")
  .add(
    HttpApiEndpoint.post("analyze", "/narrative/analyze")
      .setPayload(AnalyzeInput)
      .addSuccess(Analysis)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.service("narrative:analyze"))
      .annotate(OpenApi.Summary, "Analyse a text")
      .annotate(
        OpenApi.Description,
        "Language, sentiment, emotions, career-transition stage, themes, skills, motivations, blockers and key phrases " +
          "of a French, English or mixed text, each with the spans of the text that support it. Deterministic, and " +
          `cached by content. Nothing is stored. ${BOUNDS} ${KEYS}`
      )
  )
  .add(
    HttpApiEndpoint.post("analyzeBatch", "/narrative/analyze/batch")
      .setPayload(AnalyzeBatchInput)
      .addSuccess(NarrativeBatchAnalysis)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.service("narrative:analyze"))
      .annotate(OpenApi.Summary, "Analyse several texts")
      .annotate(
        OpenApi.Description,
        `Up to ${MAX_TEXTS_PER_BATCH} texts of one user's, analysed in parallel (cached ones are not analysed again): ` +
          `one analysis per text, in order, and the profile they make together. ${BOUNDS} ${KEYS}`
      )
  )
  .add(
    HttpApiEndpoint.post("analyzeForUser", "/narrative/:userId/analyze")
      .setPath(NarrativeUserPath)
      .setPayload(AnalyzeForUserRequest)
      .addSuccess(UserAnalysis)
      .addError(envelope(ConsentRequired))
      .addError(envelope(UserNotFound))
      .addError(envelope(InsufficientEnergy))
      .addError(envelope(IdempotencyKeyReused))
      .addError(envelope(NarrativeKeyReused))
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.user("narrative:analyze"))
      .annotate(OpenApi.Summary, "Analyse a user's text, charged and kept")
      .annotate(
        OpenApi.Description,
        "Needs the user's `narrative_analysis` consent (403 ConsentRequired), charges `narrative_analysis` energy " +
          "(402 InsufficientEnergy, 404 UserNotFound without an account) and stores the analysis for the user's insights, " +
          "encrypted with their data key. Idempotent by `idempotencyKey`: the same key and text answer the stored analysis " +
          `(replayed, charged once); the same key with another text is 409 NarrativeKeyReused. ${BOUNDS} ${USER_OR_KEY}`
      )
  )
  .add(
    HttpApiEndpoint.get("insights", "/narrative/:userId/insights")
      .setPath(NarrativeUserPath)
      .addSuccess(NarrativeInsights)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.user("narrative:analyze"))
      .annotate(OpenApi.Summary, "A user's insights")
      .annotate(
        OpenApi.Description,
        `The profile the user's stored analyses make together (the latest 500): themes, skills, stage, sentiment, emotions, motivations and blockers with the texts' evidence. ${USER_OR_KEY}`
      )
  )
  .middleware(Authentication)
  .annotate(OpenApi.Title, "Narrative")
  .annotate(OpenApi.Description, "Career-transition insight from a user's texts (SPEC concern 6).")
{}
