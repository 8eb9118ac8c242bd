import { Effect, Stream } from "effect"
import { Consent } from "../services/gdpr/consent/Consent.js"
import { Erasure } from "../services/gdpr/erasure/Erasure.js"
import { GdprExport } from "../services/gdpr/export/Export.js"
import { GdprRpcs } from "./gdpr.js"

export const GdprRpcLive = GdprRpcs.toLayer(
  Effect.gen(function* () {
    const consent = yield* Consent
    const erasure = yield* Erasure
    const gdprExport = yield* GdprExport
    return {
      "Gdpr.ConsentTypes": () => consent.types,
      "Gdpr.RecordConsent": (request) => consent.record(request),
      "Gdpr.UserConsents": ({ userId }) => consent.ofUser(userId),
      "Gdpr.CheckConsent": ({ dataCategory, userId }) => consent.check(userId, dataCategory),
      "Gdpr.Erase": ({ userId }) => erasure.erase(userId),
      "Gdpr.ErasureStatus": ({ requestId }) => erasure.status(requestId),
      "Gdpr.Export": ({ userId }) => Stream.unwrap(gdprExport.parts(userId))
    }
  })
)
