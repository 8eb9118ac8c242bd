import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { actorOf } from "../services/auth/schema.js"
import { Narrative } from "../services/narrative/Narrative.js"
import { LunaApi } from "./api.js"
import { requestPrincipal } from "./authentication.js"

const actor = Effect.map(requestPrincipal, actorOf)

export const NarrativeHttpLive = HttpApiBuilder.group(LunaApi, "narrative", (handlers) =>
  Effect.gen(function* () {
    const narrative = yield* Narrative
    return handlers
      .handle("analyze", ({ payload }) => narrative.analyze(payload))
      .handle("analyzeBatch", ({ payload }) => narrative.analyzeBatch(payload.texts))
      .handle("analyzeForUser", ({ path, payload }) => Effect.flatMap(actor, (by) => narrative.analyzeForUser(path.userId, payload, by)))
      .handle("insights", ({ path }) => narrative.insights(path.userId))
  })
)
