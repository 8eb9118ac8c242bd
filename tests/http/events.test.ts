import SwaggerParser from "@apidevtools/swagger-parser"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { randomUUID } from "node:crypto"
import { EventStore } from "../../src/services/events/EventStore.js"
import { type NewEvent, StreamId } from "../../src/services/events/schema.js"
import { backendsUnderTest, runToken } from "../support/backends.js"
import { eventually } from "../support/database.js"
import { call, errorOf, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

type Json = Record<string, any>

/** Migrations run in the background: the event store answers once the Hub is ready. */
const ready = eventually(call("/monitoring/ready"), (a) => a.status === 200, "30 seconds")

const newEvents = (type: string, count: number): Array<NewEvent> =>
  Array.from({ length: count }, (_, i) => ({ eventId: randomUUID(), type, data: { i } }))

const append = (streamId: string, events: ReadonlyArray<NewEvent>) =>
  Effect.flatMap(EventStore, (store) => store.append(StreamId.make(streamId), events, "any")).pipe(Effect.orDie)

/**
 * Read all shows an event once every older transaction has ended (on a shared Postgres, those of
 * other databases too): wait until the `count` events of `types` are visible.
 */
const visible = (types: string, count: number) =>
  eventually(call(`/admin/events?type=${types}&limit=1000`), (a) => (a.json as Json | undefined)?.events?.length === count, "30 seconds")

const checkpointOf = (page: Json): string => `${page.next.transactionId}:${page.next.position}`

/** Global order: (transactionId, position), both bigints sent as strings. */
const orderKey = (event: Json): [bigint, bigint] => [BigInt(event.transactionId), BigInt(event.position)]
const isBefore = (a: Json, b: Json): boolean => {
  const [ta, pa] = orderKey(a)
  const [tb, pb] = orderKey(b)
  return ta < tb || (ta === tb && pa < pb)
}

/** Every page from the start, following `next` until an empty page; checks each page's shape. */
const readAllPages = (query: string, limit: number) =>
  Effect.gen(function* () {
    const events: Array<Json> = []
    let after: string | undefined
    for (let pages = 0; pages < 1000; pages++) {
      const answer = yield* call(`/admin/events?limit=${limit}${query}${after === undefined ? "" : `&after=${after}`}`)
      expect(answer.status).toBe(200)
      const page = answer.json as Json
      if (page.events.length === 0) {
        if (after !== undefined) expect(checkpointOf(page)).toBe(after)
        return events
      }
      expect(page.events.length).toBeLessThanOrEqual(limit)
      events.push(...page.events)
      after = checkpointOf(page)
    }
    throw new Error("paging did not reach the end")
  })

for (const backend of backends) {
  describe.skipIf(backend.skip)(`events over HTTP (${backend.name})`, () => {
    layer(testHubLayer(backend.name, { databaseProxy: true }), { timeout: 60_000, excludeTestServices: true })((it) => {
      it.effect("read all pages through every event with `next`: in global order, none repeated or skipped", () =>
        Effect.gen(function* () {
          yield* ready
          const token = runToken()
          const type = `Paged_${token}`
          const written = newEvents(type, 7)
          // Two streams, three transactions, interleaved with other types.
          yield* append(`paging:a-${token}`, written.slice(0, 3))
          yield* append(`paging:b-${token}`, [...newEvents(`Other_${token}`, 2), ...written.slice(3, 5)])
          yield* append(`paging:a-${token}`, written.slice(5))
          yield* visible(type, 7)

          const filtered = yield* readAllPages(`&type=${type}`, 3)
          expect(filtered.map((e) => e.eventId)).toEqual(written.map((e) => e.eventId))

          const everything = yield* readAllPages("", 4)
          const ids = everything.map((e) => e.eventId)
          expect(new Set(ids).size).toBe(ids.length)
          for (const event of written) expect(ids).toContain(event.eventId)
          for (let i = 1; i < everything.length; i++) expect(isBefore(everything[i - 1]!, everything[i]!)).toBe(true)
        }))

      it.effect("read all answers bigints as strings and the start checkpoint by default", () =>
        Effect.gen(function* () {
          yield* ready
          const token = runToken()
          yield* append(`shape:s-${token}`, newEvents(`Shape_${token}`, 1))
          yield* visible(`Shape_${token}`, 1)
          const answer = yield* call(`/admin/events?type=Shape_${token}`)
          expect(answer.status).toBe(200)
          const page = answer.json as Json
          expect(page.events).toHaveLength(1)
          const [event] = page.events
          expect(event).toMatchObject({
            streamId: `shape:s-${token}`,
            streamVersion: 1,
            type: `Shape_${token}`,
            data: { i: 0 },
            metadata: {}
          })
          expect(event.position).toMatch(/^\d+$/)
          expect(event.transactionId).toMatch(/^\d+$/)
          expect(page.next).toEqual({ transactionId: event.transactionId, position: event.position })
          expect(new Date(event.createdAt).getTime()).not.toBeNaN()
          // Past the end: an empty page whose `next` is `after`.
          const after = checkpointOf(page)
          const empty = (yield* call(`/admin/events?type=Shape_${token}&after=${after}`)).json as Json
          expect(empty).toEqual({ events: [], next: page.next })
        }))

      it.effect("read all filters by a comma-separated list of types", () =>
        Effect.gen(function* () {
          yield* ready
          const token = runToken()
          const [a, b, c] = [`TypeA_${token}`, `TypeB_${token}`, `TypeC.v2_${token}`]
          const written = [...newEvents(a, 1), ...newEvents(b, 1), ...newEvents(c, 1), ...newEvents(a, 1)]
          yield* append(`filter:f-${token}`, written)
          yield* visible(`${a},${b},${c}`, 4)
          const onlyA = (yield* call(`/admin/events?type=${a}`)).json as Json
          expect(onlyA.events.map((e: Json) => e.type)).toEqual([a, a])
          const aAndC = (yield* call(`/admin/events?type=${a},${c}`)).json as Json
          expect(aAndC.events.map((e: Json) => e.eventId)).toEqual([written[0]!.eventId, written[2]!.eventId, written[3]!.eventId])
          const none = (yield* call(`/admin/events?type=Nothing_${token}`)).json as Json
          expect(none.events).toEqual([])
        }))

      it.effect("read all refuses a bad after, limit or type with 400 naming the field", () =>
        Effect.gen(function* () {
          for (const [query, field] of [
            ["after=abc", "after"],
            ["after=12", "after"],
            ["after=1:2:3", "after"],
            ["after=-1:0", "after"],
            ["after=0:9223372036854775808", "after.position"],
            ["after=18446744073709551616:0", "after.transactionId"],
            ["limit=0", "limit"],
            ["limit=1001", "limit"],
            ["limit=2.5", "limit"],
            ["limit=ten", "limit"],
            ["type=not%20a%20type", "type"],
            ["type=A,,B", "type"],
            ["type=", "type"]
          ] as const) {
            const answer = yield* call(`/admin/events?${query}`)
            expect(answer.status, query).toBe(400)
            expect(errorOf(answer), query).toMatchObject({ tag: "InvalidRequest", field })
            expect(String(errorOf(answer).message), query).toContain(field)
          }
        }))

      it.effect("read a stream forward and backward, with limit and fromVersion; `:` raw or as %3A", () =>
        Effect.gen(function* () {
          yield* ready
          const token = runToken()
          const streamId = `account:u.${token}@phoenix-cv:1`
          const written = newEvents("Step", 5)
          yield* append(streamId, written)
          const versionsOf = (answer: { json: unknown }) => (answer.json as Array<Json>).map((e) => e.streamVersion)

          const raw = yield* call(`/admin/events/streams/${streamId}`)
          expect(raw.status).toBe(200)
          expect(versionsOf(raw)).toEqual([1, 2, 3, 4, 5])
          expect((raw.json as Array<Json>).map((e) => e.eventId)).toEqual(written.map((e) => e.eventId))
          for (const event of raw.json as Array<Json>) expect(event.streamId).toBe(streamId)
          const encoded = yield* call(`/admin/events/streams/${encodeURIComponent(streamId)}`)
          expect(encoded.status).toBe(200)
          expect(encoded.json).toEqual(raw.json)

          const path = `/admin/events/streams/${encodeURIComponent(streamId)}`
          expect(versionsOf(yield* call(`${path}?limit=2`))).toEqual([1, 2])
          expect(versionsOf(yield* call(`${path}?fromVersion=3&limit=2`))).toEqual([3, 4])
          expect(versionsOf(yield* call(`${path}?direction=forward&fromVersion=4`))).toEqual([4, 5])
          expect(versionsOf(yield* call(`${path}?direction=backward`))).toEqual([5, 4, 3, 2, 1])
          expect(versionsOf(yield* call(`${path}?direction=backward&limit=2`))).toEqual([5, 4])
          expect(versionsOf(yield* call(`${path}?direction=backward&fromVersion=3&limit=2`))).toEqual([3, 2])
          expect(versionsOf(yield* call(`${path}?fromVersion=6`))).toEqual([])
        }))

      it.effect("a stream id as long as the contract allows (over the router's default 100) is read", () =>
        Effect.gen(function* () {
          yield* ready
          const streamId = `longid:${runToken()}-${"x".repeat(180)}`
          expect(streamId.length).toBeGreaterThan(180)
          yield* append(streamId, newEvents(`Long_${runToken()}`, 1))
          const answer = yield* call(`/admin/events/streams/${streamId}`)
          expect(answer.status).toBe(200)
          expect((answer.json as Array<{ streamId: string }>).map((e) => e.streamId)).toEqual([streamId])
        }))

      it.effect("an unknown stream answers 404 StreamNotFound in the envelope", () =>
        Effect.gen(function* () {
          yield* ready
          const streamId = `account:nobody-${runToken()}`
          for (const path of [streamId, encodeURIComponent(streamId)]) {
            const answer = yield* call(`/admin/events/streams/${path}`)
            expect(answer.status).toBe(404)
            expect(errorOf(answer)).toEqual({ tag: "StreamNotFound", message: `Stream ${streamId} does not exist`, streamId })
          }
        }))

      it.effect("read a stream refuses a bad stream id, direction, fromVersion or limit with 400 naming the field", () =>
        Effect.gen(function* () {
          for (const [path, field] of [
            ["/admin/events/streams/no-colon", "streamId"],
            ["/admin/events/streams/Account:x", "streamId"],
            ["/admin/events/streams/account:has%20space", "streamId"],
            ["/admin/events/streams/account:x?direction=sideways", "direction"],
            ["/admin/events/streams/account:x?fromVersion=-1", "fromVersion"],
            ["/admin/events/streams/account:x?fromVersion=one", "fromVersion"],
            ["/admin/events/streams/account:x?limit=0", "limit"]
          ] as const) {
            const answer = yield* call(path)
            expect(answer.status, path).toBe(400)
            expect(errorOf(answer), path).toMatchObject({ tag: "InvalidRequest", field })
          }
        }))

      it.effect("the OpenAPI document lists both endpoints with their parameters and declared errors, and validates", () =>
        Effect.gen(function* () {
          const spec = (yield* call("/openapi.json")).json as Json
          const readAll = spec.paths["/admin/events"]?.get
          expect(readAll).toBeDefined()
          expect(readAll.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(["after", "limit", "type"]))
          expect(JSON.stringify(readAll.responses["200"])).toContain("#/components/schemas/ReadAllPage")
          expect(JSON.stringify(readAll.responses["400"])).toContain("InvalidRequestError")
          expect(JSON.stringify(readAll.responses["503"])).toContain("#/components/schemas/ServiceUnavailable")
          expect(readAll.responses["500"]).toBeDefined()
          expect(readAll.description).toContain("events:read")

          const readStream = spec.paths["/admin/events/streams/{streamId}"]?.get
          expect(readStream).toBeDefined()
          expect(readStream.parameters.map((p: Json) => [p.name, p.in])).toEqual(
            expect.arrayContaining([["streamId", "path"], ["fromVersion", "query"], ["limit", "query"], ["direction", "query"]])
          )
          expect(JSON.stringify(readStream.responses["200"])).toContain("#/components/schemas/RecordedEvent")
          expect(JSON.stringify(readStream.responses["404"])).toContain("#/components/schemas/StreamNotFound")
          expect(JSON.stringify(readStream.responses["503"])).toContain("#/components/schemas/ServiceUnavailable")

          const schemas = spec.components.schemas as Json
          expect(schemas.StreamNotFound.properties.error.required).toEqual(expect.arrayContaining(["tag", "message", "streamId"]))
          expect(schemas.ServiceUnavailable.properties.error.required).toEqual(
            expect.arrayContaining(["tag", "message", "dependency", "reason", "retryAfterSeconds"])
          )
          yield* Effect.promise(() => SwaggerParser.validate(structuredClone(spec) as never))
        }))

      it.effect("while the database is cut both endpoints answer 503 ServiceUnavailable with Retry-After, then recover", () =>
        Effect.gen(function* () {
          yield* ready
          const token = runToken()
          const streamId = `outage:o-${token}`
          yield* append(streamId, newEvents(`Outage_${token}`, 1))
          const hub = yield* TestHub
          const proxy = Option.getOrThrow(hub.databaseProxy)
          yield* proxy.cut
          for (const path of ["/admin/events", `/admin/events/streams/${streamId}`]) {
            const answer = yield* eventually(call(path), (a) => a.status !== 200, "30 seconds")
            expect(answer.status, path).toBe(503)
            expect(errorOf(answer), path).toMatchObject({ tag: "ServiceUnavailable", dependency: expect.any(String) })
            expect(Number(answer.headers.get("retry-after")), path).toBeGreaterThanOrEqual(1)
          }
          yield* proxy.restore
          const back = yield* eventually(call(`/admin/events/streams/${streamId}`), (a) => a.status === 200, "30 seconds")
          expect(back.json).toHaveLength(1)
        }), { timeout: 90_000 })
    })
  })
}
