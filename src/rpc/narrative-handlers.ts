import { Effect, Stream } from "effect"
import { actorOf, CurrentPrincipal } from "../services/auth/schema.js"
import { Narrative } from "../services/narrative/Narrative.js"
import { NarrativeRpcs } from "./narrative.js"

/** Texts per step of `AnalyzeStream`: small enough to answer early, large enough to use the pool. */
const STREAM_CHUNK = 8

export const NarrativeRpcLive = NarrativeRpcs.toLayer(
  Effect.gen(function* () {
    const narrative = yield* Narrative
    const actor = Effect.map(CurrentPrincipal, actorOf)
    return {
      "Narrative.Analyze": (input) => narrative.analyze(input),
      "Narrative.AnalyzeBatch": ({ texts }) => narrative.analyzeBatch(texts),
      "Narrative.AnalyzeStream": ({ texts }) =>
        Stream.fromIterable(texts).pipe(
          Stream.grouped(STREAM_CHUNK),
          Stream.mapEffect((chunk) => Effect.map(narrative.analyzeBatch([...chunk]), (batch) => batch.analyses)),
          Stream.flattenIterables
        ),
      "Narrative.AnalyzeForUser": ({ userId, ...request }) => Effect.flatMap(actor, (by) => narrative.analyzeForUser(userId, request, by)),
      "Narrative.Insights": ({ userId }) => narrative.insights(userId)
    }
  })
)
