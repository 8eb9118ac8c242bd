/**
 * Journey 7 (JOURNEYS.md): a TypeScript service integrates. "Imports the Hub's RPC client, calls
 * `Energy.Consume` and handles `InsufficientEnergy` as a typed error, and follows the event stream
 * live over WebSocket."
 *
 * Phoenix CV, holding a service key, uses `HubClient` (src/rpc/client.ts) as the README shows it:
 * opens an account for a user, charges `cv_generation` until the user's energy runs out, and
 * catches the refusal by its tag, reading `required` and `available` off the typed error. Meanwhile
 * a follower on `HubClient.layerWebSocket` follows the event log from its current end and sees the
 * user's stream (`energy:<userId>`) arrive live: every event once, in order, and nothing older
 * than where it started. The charges go over each transport (HTTP and WebSocket) in turn.
 *
 * Phoenix CV follows with its own service key (`Events.*` needs `events:read`, which `service`
 * includes).
 */
import { describe, expect, layer } from "@effect/vitest"
import { Context, Effect, Layer, Option, Queue, Stream } from "effect"
import { HubClient, type HubClientOptions } from "../../src/rpc/client.js"
import { energyStream } from "../../src/services/energy/events.js"
import { InsufficientEnergy, type WriteResult } from "../../src/services/energy/schema.js"
import type { Checkpoint, RecordedEvent } from "../../src/services/events/schema.js"
import { backendsUnderTest } from "../support/backends.js"
import { userIds } from "../support/energy.js"
import { compareCheckpoints } from "../support/events.js"
import { call, TestHub, testHubLayer } from "../support/hub.js"

const backends = await backendsUnderTest()

type Hub = HubClient["Type"]

const transports = [
  { name: "HTTP", layer: HubClient.layer },
  { name: "WebSocket", layer: HubClient.layerWebSocket }
] as const

/** The exported client, pointed at the test Hub, for the current scope. */
const client = (make: (options: HubClientOptions) => Layer.Layer<HubClient>, credential: string) =>
  Effect.flatMap(TestHub, (testHub) =>
    Effect.map(Layer.build(make({ url: testHub.url, credential })), (context) => Context.get(context, HubClient)))

/** Phoenix CV's service key, issued by the operator through the admin door. */
const serviceKey = Effect.map(
  call("/admin/keys", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Phoenix CV", env: "dev", scopes: ["service"] })
  }),
  (answer) => {
    expect(answer.status, answer.text).toBe(201)
    return (answer.json as { key: string }).key
  }
)

/** The log's current end: ReadAll paged until an empty page (there is no "from now" for Follow). */
const endOfLog = (hub: Hub) =>
  Effect.gen(function* () {
    let after: Checkpoint | undefined
    while (true) {
      const page = yield* hub.Events.ReadAll(after === undefined ? { limit: 1000 } : { after, limit: 1000 })
      if (page.events.length === 0) return page.next
      after = page.next
    }
  })

const COST = 25 // cv_generation, in the catalogue
const MAX_CHARGES = 10 // a free account opens with 100: four charges, then a refusal

type Outcome =
  | { readonly _tag: "Charged"; readonly result: WriteResult }
  | { readonly _tag: "Refused"; readonly error: InsufficientEnergy }

for (const backend of backends) {
  describe.skipIf(backend.skip)(`journey 7: a TypeScript service integrates (${backend.name})`, () => {
    layer(testHubLayer(backend.name), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
      const user = userIds()

      for (const transport of transports) {
        it.scoped(`Consume over ${transport.name} until InsufficientEnergy (caught by tag); the user's events followed live over WebSocket, each once, in order`, () =>
          Effect.gen(function* () {
            const key = yield* serviceKey
            const phoenixCv = yield* client(transport.layer, key)
            const follower = yield* client(HubClient.layerWebSocket, key)
            const userId = user()
            const stream = energyStream(userId)

            // Follow from the current end of the log, live.
            const end = yield* endOfLog(follower)
            const delivered = yield* Queue.unbounded<RecordedEvent>()
            yield* follower.Events.Follow({ after: end }).pipe(
              Stream.runForEach((event) => Queue.offer(delivered, event)),
              Effect.orDie,
              Effect.forkScoped
            )

            // What the follower has received so far; `arrived(v)` waits until the user's stream reached version v.
            const received: Array<RecordedEvent> = []
            const ours = () => received.filter((e) => e.streamId === stream)
            const arrived = (version: number) =>
              Effect.gen(function* () {
                while (ours().length < version) received.push(yield* Queue.take(delivered))
              }).pipe(
                Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => new Error(`followed ${ours().length} of ${version} events`) }),
                Effect.orDie
              )

            // Phoenix CV opens the account and charges a CV generation until the energy runs out. Each
            // write is followed live: its event reaches the follower before the next write is made.
            const opened = yield* phoenixCv.Energy.Open({ userId })
            expect(opened).toMatchObject({ opened: true, account: { userId, plan: "free", balance: 100 } })
            yield* arrived(opened.account.version)
            const charge = (n: number) =>
              phoenixCv.Energy.Consume({ userId, action: "cv_generation", idempotencyKey: `cv-${userId}-${n}` }).pipe(
                Effect.map((result): Outcome => ({ _tag: "Charged", result })),
                Effect.catchTag("InsufficientEnergy", (error) => Effect.succeed<Outcome>({ _tag: "Refused", error }))
              )
            const charged: Array<WriteResult> = []
            let refusal: InsufficientEnergy | undefined
            for (let n = 1; n <= MAX_CHARGES && refusal === undefined; n++) {
              const outcome = yield* charge(n)
              if (outcome._tag === "Charged") {
                charged.push(outcome.result)
                yield* arrived(outcome.result.transaction.seq)
              } else refusal = outcome.error
            }
            expect(charged.map((c) => c.balance.available)).toEqual([75, 50, 25, 0])
            expect(charged.every((c) => !c.replayed && c.transaction.amount === COST)).toBe(true)
            expect(refusal).toBeInstanceOf(InsufficientEnergy)
            expect(refusal).toMatchObject({ _tag: "InsufficientEnergy", required: COST, available: 0 })

            const balance = yield* phoenixCv.Energy.Balance({ userId })
            expect(balance).toMatchObject({ balance: 0, available: 0, reserved: 0 })

            // The follower saw the user's stream: versions 1…N, each once, in order, the charges as
            // EnergyConsumed events carrying their transactions; the refusal wrote nothing.
            yield* arrived(balance.version)
            // Anything delivered twice would follow (a follower re-reads at least every second).
            yield* Effect.sleep("1500 millis")
            received.push(...(yield* Queue.takeAll(delivered)))

            const events = ours()
            expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: balance.version }, (_, i) => i + 1))
            expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length)
            expect(events[0]?.type).toBe("EnergyAccountOpened")
            const consumed = events.filter((e) => e.type === "EnergyConsumed")
            expect(consumed.map((e) => e.eventId)).toEqual(charged.map((c) => c.transaction.transactionId))
            expect(consumed.map((e) => (e.data as { balanceAfter: number }).balanceAfter)).toEqual([75, 50, 25, 0])
            expect(events.slice(-consumed.length)).toEqual(consumed)
            // In the log's global order, and nothing from before where the follower started.
            expect(received.every((e, i) => i === 0 || compareCheckpoints(received[i - 1]!, e) < 0)).toBe(true)
            expect(received.every((e) => compareCheckpoints(end, e) < 0)).toBe(true)
            expect(Option.isNone(yield* Queue.poll(delivered))).toBe(true)
          }), { timeout: 60_000 })
      }
    })
  })
}
