/**
 * Two Hubs on one Postgres are two runners of one cluster: both list each other, the alert
 * evaluation (a cluster singleton) runs on exactly one of them, both answer the same alerts, and
 * when that runner leaves the other takes the evaluation over. Real services only (the embedded
 * Hub is a single process by design).
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { TEST_ADMIN_KEY } from "../support/auth.js"
import { backendsUnderTest } from "../support/backends.js"
import { eventually, testDatabaseUrl } from "../support/database.js"
import { TestHub, testHubLayer, type TestHubService } from "../support/hub.js"

const real = (await backendsUnderTest()).filter((backend) => backend.name === "real")

const EVALUATING = "Alert evaluation running on this runner"

const get = (hub: TestHubService, path: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })
    return (await response.json()) as Record<string, any>
  })

const evaluating = (hub: TestHubService): boolean => hub.logs.some((line) => line.includes(EVALUATING))

/** A whole Hub on `databaseUrl`, alive until `scope` closes. */
const startHub = (databaseUrl: string, scope: Scope.Scope) =>
  Layer.buildWithScope(testHubLayer("real", { databaseUrl, env: { ALERT_EVALUATION_INTERVAL: "1" } }), scope).pipe(
    Effect.map((context) => Context.get(context, TestHub))
  )

for (const backend of real) {
  describe.skipIf(backend.skip)("a cluster of two Hubs (real)", () => {
    it.live("lists both runners, evaluates alerts on one, and moves the evaluation when that one leaves", () =>
      Effect.gen(function* () {
        const databaseUrl = yield* testDatabaseUrl
        const scopes = [yield* Scope.make(), yield* Scope.make()] as const
        yield* Effect.addFinalizer(() => Effect.forEach(scopes, (scope) => Scope.close(scope, Exit.void)))
        const hubs = [yield* startHub(databaseUrl, scopes[0]), yield* startHub(databaseUrl, scopes[1])] as const
        const systemInfo = Effect.all(hubs.map((hub) => get(hub, "/monitoring/system-info")))

        const [info] = yield* eventually(systemInfo, (both) => both.every((i) => i.cluster.runners.length === 2), "30 seconds")
        expect(info!.cluster.mode).toBe("runners")
        // Every shard has one owner (while shards move, a moment may show fewer).
        yield* eventually(systemInfo, (both) => both[0]!.cluster.shards.ownedHere + both[1]!.cluster.shards.ownedHere === 300, "30 seconds")

        // Exactly one runner evaluates; both answer from the same alert store.
        yield* eventually(Effect.sync(() => hubs.filter(evaluating).length), (n) => n === 1, "30 seconds")
        const alerts = yield* eventually(Effect.all(hubs.map((hub) => get(hub, "/monitoring/alerts"))), (both) => both[0]!.evaluatedAt !== null, "10 seconds")
        expect(alerts[1]!.rules).toEqual(alerts[0]!.rules)

        // The evaluating runner leaves: the other takes the evaluation over once the shard locks lapse.
        const leaving = evaluating(hubs[0]) ? 0 : 1
        const staying = hubs[1 - leaving]!
        yield* Scope.close(scopes[leaving], Exit.void)
        yield* eventually(Effect.sync(() => evaluating(staying)), (yes) => yes, "40 seconds")
        const before = (yield* get(staying, "/monitoring/alerts")).evaluatedAt as string
        yield* eventually(get(staying, "/monitoring/alerts"), (a) => a.evaluatedAt !== before, "10 seconds")
        // ... and every shard, once the leaver's are handed over.
        yield* eventually(get(staying, "/monitoring/system-info"), (i) => i.cluster.shards.ownedHere === 300, "30 seconds")
      }).pipe(Effect.scoped), 120_000)
  })
}
