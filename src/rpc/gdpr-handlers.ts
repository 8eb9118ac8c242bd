import { Effect } from "effect"
import { Consent } from "../services/gdpr/consent/Consent.js"
import { GdprRpcs } from "./gdpr.js"

export const GdprRpcLive = GdprRpcs.toLayer(
  Effect.gen(function* () {
    const consent = yield* Consent
    return {
      "Gdpr.ConsentTypes": () => consent.types,
      "Gdpr.RecordConsent": (request) => consent.record(request),
      "Gdpr.UserConsents": ({ userId }) => consent.ofUser(userId),
      "Gdpr.CheckConsent": ({ dataCategory, userId }) => consent.check(userId, dataCategory)
    }
  })
)
