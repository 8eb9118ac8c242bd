import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { Consent } from "../services/gdpr/consent/Consent.js"
import { LunaApi } from "./api.js"

export const GdprHttpLive = HttpApiBuilder.group(LunaApi, "gdpr", (handlers) =>
  Effect.gen(function* () {
    const consent = yield* Consent
    return handlers
      .handle("consentTypes", () => consent.types)
      .handle("recordConsent", ({ payload }) => consent.record(payload))
      .handle("userConsents", ({ path }) => consent.ofUser(path.userId))
      .handle("checkConsent", ({ path, urlParams }) => consent.check(path.userId, urlParams.data_category))
  })
)
