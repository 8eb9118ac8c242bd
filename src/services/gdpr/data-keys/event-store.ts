/**
 * The event store as readers see it: sealed personal fields opened with their owner's key, or
 * `ERASED` once the key is destroyed. Appends are untouched (writers seal what they own before).
 */
import { Chunk, Effect, Layer, Stream } from "effect"
import { EventStore } from "../../events/EventStore.js"
import type { RecordedEvent } from "../../events/schema.js"
import { DataKeys } from "./DataKeys.js"

export const OpenedEventStore: Layer.Layer<EventStore, never, EventStore | DataKeys> = Layer.effect(
  EventStore,
  Effect.gen(function*() {
    const inner = yield* EventStore
    const keys = yield* DataKeys
    const openEvent = (event: RecordedEvent) => Effect.map(keys.open(event.data), (data) => (data === event.data ? event : { ...event, data }))
    const openAll = (events: Iterable<RecordedEvent>) => Effect.forEach(events, openEvent)
    return EventStore.of({
      ...inner,
      readStream: (streamId, options) => Effect.flatMap(inner.readStream(streamId, options), openAll),
      readAll: (options) => Effect.flatMap(inner.readAll(options), (page) => Effect.map(openAll(page.events), (events) => ({ ...page, events }))),
      follow: (after, options) => Stream.mapEffect(inner.follow(after, options), openEvent),
      runConsumer: (options) =>
        inner.runConsumer({ ...options, handle: (batch) => Effect.flatMap(openAll(batch), (opened) => options.handle(Chunk.unsafeFromArray(opened))) })
    })
  })
)
