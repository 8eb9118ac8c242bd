/**
 * Tells the edge which route answered: the route pattern (`/monitoring/health`, never the raw
 * path, so metric labels stay bounded) is written into the current request's context.
 */
import { HttpLayerRouter } from "@effect/platform"
import { Effect, FiberRef } from "effect"
import { currentRequest } from "../services/logging/request-context.js"

/** Provided to every route layer (API, RPC, docs) so that the edge learns which route answered. */
export const RouteLabel = HttpLayerRouter.middleware((httpEffect) =>
  Effect.flatMap(HttpLayerRouter.RouteContext, (context) =>
    Effect.flatMap(FiberRef.get(currentRequest), (request) => {
      if (request !== undefined) request.route = context.route.path
      return httpEffect
    })
  )
)
