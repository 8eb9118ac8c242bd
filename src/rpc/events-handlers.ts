import { Effect } from "effect"
import { EventStore } from "../services/events/EventStore.js"
import { START } from "../services/events/schema.js"
import { EventsRpcs } from "./events.js"

export const EventsRpcLive = EventsRpcs.toLayer(
  Effect.gen(function* () {
    const eventStore = yield* EventStore
    return {
      "Events.ReadStream": ({ streamId, ...options }) => eventStore.readStream(streamId, options),
      "Events.ReadAll": (options) => eventStore.readAll(options),
      "Events.Follow": ({ after, types }) => eventStore.follow(after ?? START, { types })
    }
  })
)
