/**
 * The narrative analyzer over RPC: the same operations, schemas, errors and policies as the HTTP
 * group (`/narrative`), plus `AnalyzeStream`, which answers a batch's analyses one by one as they
 * are ready (in input order), so a client can show the first before the last is done.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import { IdempotencyKeyReused, InsufficientEnergy, UserNotFound } from "../services/energy/schema.js"
import { ConsentRequired } from "../services/gdpr/consent/schema.js"
import { UserId } from "../services/guardian/schema.js"
import { Analysis, AnalyzeBatchInput, AnalyzeInput, NarrativeBatchAnalysis } from "../services/narrative/analyzer/schema.js"
import { AnalyzeForUserRequest, NarrativeInsights, NarrativeKeyReused, UserAnalysis } from "../services/narrative/schema.js"
import { RpcAuthentication } from "./authentication.js"

export const NarrativeUserPayload = Schema.Struct({ userId: UserId })
export const AnalyzeForUserPayload = Schema.extend(NarrativeUserPayload, AnalyzeForUserRequest)

const KEYS = Access.service("narrative:analyze")
const USER_OR_KEY = Access.user("narrative:analyze")

export class NarrativeRpcs extends RpcGroup.make(
  Rpc.make("Analyze", { payload: AnalyzeInput, success: Analysis, error: ServiceUnavailable }).annotate(AccessAnnotation, KEYS),
  Rpc.make("AnalyzeBatch", { payload: AnalyzeBatchInput, success: NarrativeBatchAnalysis, error: ServiceUnavailable })
    .annotate(AccessAnnotation, KEYS),
  Rpc.make("AnalyzeStream", { payload: AnalyzeBatchInput, success: Analysis, error: ServiceUnavailable, stream: true })
    .annotate(AccessAnnotation, KEYS),
  Rpc.make("AnalyzeForUser", {
    payload: AnalyzeForUserPayload,
    success: UserAnalysis,
    error: Schema.Union(ConsentRequired, UserNotFound, InsufficientEnergy, IdempotencyKeyReused, NarrativeKeyReused, ServiceUnavailable)
  }).annotate(AccessAnnotation, USER_OR_KEY),
  Rpc.make("Insights", { payload: NarrativeUserPayload, success: NarrativeInsights, error: ServiceUnavailable })
    .annotate(AccessAnnotation, USER_OR_KEY)
)
  .prefix("Narrative.")
  .middleware(RpcAuthentication) {}
