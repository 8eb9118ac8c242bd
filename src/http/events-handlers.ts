import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { EventStore } from "../services/events/EventStore.js"
import { LunaApi } from "./api.js"

export const EventsHttpLive = HttpApiBuilder.group(LunaApi, "events", (handlers) =>
  Effect.gen(function* () {
    const eventStore = yield* EventStore
    return handlers
      .handle("readAll", ({ urlParams: { after, limit, type } }) => eventStore.readAll({ after, limit, types: type }))
      .handle("readStream", ({ path, urlParams }) => eventStore.readStream(path.streamId, urlParams))
  })
)
