/**
 * GDPR over RPC: the same operations, schemas, errors and policies as the HTTP group (`/gdpr`).
 * The user HTTP carries in the path is the payload's `userId` here.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Access, AccessAnnotation } from "../services/auth/schema.js"
import { ServiceUnavailable } from "../services/common/errors.js"
import {
  ConsentCheck,
  ConsentRecorded,
  ConsentTypes,
  ConsentVersionMismatch,
  DataCategory,
  RecordConsentRequest,
  UnknownConsentType,
  UnknownDataCategory,
  UserConsents
} from "../services/gdpr/consent/schema.js"
import { ErasureStatus, GdprRequestId, GdprRequestNotFound } from "../services/gdpr/erasure/schema.js"
import { ExportPart } from "../services/gdpr/export/schema.js"
import { UserId } from "../services/guardian/schema.js"
import { RpcAuthentication } from "./authentication.js"

export const UserConsentsPayload = Schema.Struct({ userId: UserId })
export const CheckConsentPayload = Schema.Struct({ userId: UserId, dataCategory: DataCategory })
export const ErasureStatusPayload = Schema.Struct({ requestId: GdprRequestId })

export class GdprRpcs extends RpcGroup.make(
  Rpc.make("ConsentTypes", { success: ConsentTypes, error: ServiceUnavailable }).annotate(AccessAnnotation, Access.authenticated),
  Rpc.make("RecordConsent", {
    payload: RecordConsentRequest,
    success: ConsentRecorded,
    error: Schema.Union(UnknownConsentType, ConsentVersionMismatch, ServiceUnavailable)
  }).annotate(AccessAnnotation, Access.service("gdpr:manage")),
  Rpc.make("UserConsents", { payload: UserConsentsPayload, success: UserConsents, error: ServiceUnavailable })
    .annotate(AccessAnnotation, Access.user("gdpr:manage")),
  Rpc.make("CheckConsent", {
    payload: CheckConsentPayload,
    success: ConsentCheck,
    error: Schema.Union(UnknownDataCategory, ServiceUnavailable)
  }).annotate(AccessAnnotation, Access.user("gdpr:manage")),
  Rpc.make("Erase", { payload: UserConsentsPayload, success: ErasureStatus, error: ServiceUnavailable })
    .annotate(AccessAnnotation, Access.service()),
  Rpc.make("ErasureStatus", { payload: ErasureStatusPayload, success: ErasureStatus, error: Schema.Union(GdprRequestNotFound, ServiceUnavailable) })
    .annotate(AccessAnnotation, Access.service()),
  // Streamed in parts (Head, then pages): a whole ledger in one reply would be held whole by the
  // server and the client; a client writes the parts as they come, or `collectExport`s them.
  Rpc.make("Export", { payload: UserConsentsPayload, success: ExportPart, error: ServiceUnavailable, stream: true })
    .annotate(AccessAnnotation, Access.user("gdpr:manage"))
)
  .prefix("Gdpr.")
  .middleware(RpcAuthentication) {}
