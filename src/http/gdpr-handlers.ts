import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Effect, Stream } from "effect"
import type { ServiceUnavailable } from "../services/common/errors.js"
import { Consent } from "../services/gdpr/consent/Consent.js"
import { Erasure } from "../services/gdpr/erasure/Erasure.js"
import { GdprExport } from "../services/gdpr/export/Export.js"
import { LunaApi } from "./api.js"

/**
 * The export as a download. Once the 200 is out, a failure can only end the answer: the connection
 * is destroyed rather than ended (which the server would otherwise do cleanly), so no client takes
 * a partial document for a whole one. The service has logged the failure.
 */
export const exportResponse = (
  request: HttpServerRequest.HttpServerRequest,
  userId: string,
  jsonText: Stream.Stream<string, ServiceUnavailable>
): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.stream(
    jsonText.pipe(
      Stream.encodeText,
      Stream.catchAllCause(() => Stream.execute(Effect.sync(() => NodeHttpServerRequest.toServerResponse(request).destroy())))
    ),
    {
      contentType: "application/json",
      // UserId allows only letters, digits, . _ and -: nothing to escape.
      headers: { "content-disposition": `attachment; filename="luna-export-${userId}.json"` }
    }
  )

export const GdprHttpLive = HttpApiBuilder.group(LunaApi, "gdpr", (handlers) =>
  Effect.gen(function* () {
    const consent = yield* Consent
    const erasure = yield* Erasure
    const gdprExport = yield* GdprExport
    return handlers
      .handle("consentTypes", () => consent.types)
      .handle("recordConsent", ({ payload }) => consent.record(payload))
      .handle("userConsents", ({ path }) => consent.ofUser(path.userId))
      .handle("checkConsent", ({ path, urlParams }) => consent.check(path.userId, urlParams.data_category))
      .handle("erase", ({ path }) => erasure.erase(path.userId))
      .handle("erasureStatus", ({ path }) => erasure.status(path.requestId))
      .handle("export", ({ path }) =>
        Effect.zipWith(HttpServerRequest.HttpServerRequest, gdprExport.jsonText(path.userId), (request, jsonText) =>
          exportResponse(request, path.userId, jsonText)))
  })
)
