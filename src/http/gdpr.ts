/**
 * GDPR over HTTP (`/gdpr`): the consent types, recording a grant or withdrawal, a user's consents
 * with their history, the check by data category processing relies on, erasure, and the export of
 * everything held about a user. Handlers are in
 * gdpr-handlers.ts; the RPC twin is rpc/gdpr.ts.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
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
import { ExportDocument } from "../services/gdpr/export/schema.js"
import { UserId } from "../services/guardian/schema.js"
import { Authentication } from "./authentication.js"
import { envelope } from "./envelope.js"

export const ConsentUserPath = Schema.Struct({ userId: UserId })
export const CheckConsentQuery = Schema.Struct({ data_category: DataCategory })
export const RequestPath = Schema.Struct({ requestId: GdprRequestId })

const unavailable = envelope(ServiceUnavailable)
const USER_OR_KEY = "The user's own token, or a key with `gdpr:manage` (or `service`, `admin`)."

export class GdprApi extends HttpApiGroup.make("gdpr")
  .add(
    HttpApiEndpoint.get("consentTypes", "/gdpr/info/consent-types")
      .addSuccess(ConsentTypes)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.authenticated)
      .annotate(OpenApi.Summary, "Consent types")
      .annotate(
        OpenApi.Description,
        "What a user may consent to: each type's code, the data category it covers, its current version and text, " +
          "and whether it is required to use the service. Any key or user token."
      )
  )
  .add(
    HttpApiEndpoint.post("recordConsent", "/gdpr/consent")
      .setPayload(RecordConsentRequest)
      .addSuccess(ConsentRecorded, { status: 201 })
      .addError(envelope(UnknownConsentType))
      .addError(envelope(ConsentVersionMismatch))
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.service("gdpr:manage"))
      .annotate(OpenApi.Summary, "Record a consent or its withdrawal")
      .annotate(
        OpenApi.Description,
        "Appends a grant (`granted: true`) or a withdrawal to the user's consent history; nothing is ever updated. " +
          "`version` is the text the user saw (default: the current one; another one is 409 ConsentVersionMismatch). " +
          "`ipAddress` is stored truncated (IPv4 /24, IPv6 /48) and `userAgent` as a keyed hash only. 400 " +
          "UnknownConsentType for an unknown code. A key with `gdpr:manage` (or `service`, `admin`): the apps record " +
          "consent on behalf of their users."
      )
  )
  .add(
    HttpApiEndpoint.get("userConsents", "/gdpr/consent/:userId")
      .setPath(ConsentUserPath)
      .addSuccess(UserConsents)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.user("gdpr:manage"))
      .annotate(OpenApi.Summary, "A user's consents")
      .annotate(
        OpenApi.Description,
        "Each consent type's state for the user (granted to the current version or not, the latest record's version " +
          `and time) and the full history of grants and withdrawals, oldest first. ${USER_OR_KEY}`
      )
  )
  .add(
    HttpApiEndpoint.get("checkConsent", "/gdpr/check-consent/:userId")
      .setPath(ConsentUserPath)
      .setUrlParams(CheckConsentQuery)
      .addSuccess(ConsentCheck)
      .addError(envelope(UnknownDataCategory))
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.user("gdpr:manage"))
      .annotate(OpenApi.Summary, "Check a consent")
      .annotate(
        OpenApi.Description,
        "Whether the user consented to the current version of the type covering `data_category`, since when and to " +
          `which version: what processing asks before it runs. 400 UnknownDataCategory when no type covers it. ${USER_OR_KEY}`
      )
  )
  .add(
    HttpApiEndpoint.del("erase", "/gdpr/delete/:userId")
      .setPath(ConsentUserPath)
      .addSuccess(ErasureStatus, { status: 202 })
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.service())
      .annotate(OpenApi.Summary, "Erase a user")
      .annotate(
        OpenApi.Description,
        "Erases everything held about the user: their data key is destroyed (their encrypted event fields become " +
          "unreadable), every row is deleted or, for the ledger, kept for accounting under an irreversible pseudonym, " +
          "their streams are renamed, their cached reads, rate-limit state and actor memory are dropped. Answers 202 " +
          "with the request: `completed` with its certificate (request id, time, keyed hash of the user id, counts per " +
          "table: no personal data) when it finished within a few seconds, else `running`: ask `statusUrl`. " +
          "Idempotent: a request already running for the user is answered; erasing an erased user finds nothing. " +
          "A key with `service` or `admin`."
      )
  )
  .add(
    HttpApiEndpoint.get("erasureStatus", "/gdpr/requests/:requestId")
      .setPath(RequestPath)
      .addSuccess(ErasureStatus)
      .addError(envelope(GdprRequestNotFound))
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.service())
      .annotate(OpenApi.Summary, "An erasure request")
      .annotate(OpenApi.Description, "The request's status, and its certificate once completed. A key with `service` or `admin`.")
  )
  .add(
    HttpApiEndpoint.get("export", "/gdpr/export/:userId")
      .setPath(ConsentUserPath)
      // Written as a stream by the handler; declared so the document's schema is in the contract.
      .addSuccess(ExportDocument)
      .addError(unavailable)
      .annotate(AccessAnnotation, Access.user("gdpr:manage"))
      .annotate(OpenApi.Summary, "Export everything held about a user")
      .annotate(
        OpenApi.Description,
        "One JSON document (`schemaVersion` 1), streamed as it is read, with `Content-Disposition: attachment`: the " +
          "energy account (null when none), every transaction (newest first), every event of the user's streams with " +
          "its personal fields decrypted, consents with their history, stored analyses, the user's data keys (never the " +
          "key itself) and their rate-limit state. A user with nothing held gets the document with a null account and " +
          "empty lists. 503 when a dependency is down before the answer starts; a failure after that cuts the " +
          `connection, so a partial document never reads as a whole one. Same as the \`Gdpr.Export\` RPC. ${USER_OR_KEY}`
      )
  )
  .middleware(Authentication)
  .annotate(OpenApi.Title, "GDPR")
  .annotate(OpenApi.Description, "Consent with its history, erasure and export (SPEC concern 9).")
{}
