/**
 * Scale-out under faults (`npm run test:faults`; also part of `npm test`).
 *
 * Three Hub processes in production mode (`node --import tsx src/main.ts`), each a cluster runner
 * on its own loopback ports, share one fresh Postgres database (reached through a TCP proxy the
 * suite can cut) and a Redis server of the suite's own. A mixed load goes through their real doors,
 * HTTP and RPC, spread over the three: consume, refund, reserve then commit or release, purchase,
 * balance and transaction reads, rate-limited `cv_generation` charges, and an event follower. The
 * clients record every attempt with its idempotency key. Meanwhile the suite injects, one after
 * the other: a Redis outage (the server killed, then started again empty), SIGKILL of one Hub and
 * its restart, `pg_terminate_backend` on every Hub connection, and a cut of the database for a few
 * seconds.
 *
 * Afterwards the clients retry every write whose outcome they do not know, with the same key, and
 * replay a sample of acknowledged ones; then the database (read only) and the clients' records are
 * checked against the invariants in tests/support/fault-invariants.ts and fault-limits.ts. The run
 * prints one summary line and fails on any violation.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import * as net from "node:net"
import { TEST_ADMIN_KEY, TEST_AUTH_ENV } from "../support/auth.js"
import { IN_CI, runToken, TEST_DATABASE_URL } from "../support/backends.js"
import { startFollower } from "../support/fault-follower.js"
import { hubCluster } from "../support/fault-hubs.js"
import {
  checkBalancesAnswered,
  checkCachedPages,
  checkFollower,
  checkLedger,
  type InvariantReport,
  readStoredLedger
} from "../support/fault-invariants.js"
import { ledgerClient, okAnswers, settledOutcome, type WriteOp } from "../support/fault-ledger-client.js"
import { limitProbe } from "../support/fault-limits.js"
import { type LoadCounters, runMixedLoad, sendWithOneRetry, WriteJournal } from "../support/fault-load.js"
import { faultDatabase } from "../support/fault-postgres.js"
import { ownRedis } from "../support/fault-redis.js"

const HUBS = 3
/** Users of the mixed load; the first FOLLOWED of them are the follower's streams. */
const LOAD_USERS = 24
const FOLLOWED = 8
const LOAD_WORKERS = 8
const SEED_ENERGY = 3_000
/** API_CV_GENERATION for the suite: a small allowance in a window the run never leaves (a day). */
const GENERATION_LIMIT = 3
const RATE_LIMIT_SCOPES = JSON.stringify({
  GLOBAL_DDOS: { limit: 1_000_000 },
  API_GENERAL: { limit: 1_000_000 },
  AUTH_LOGIN: { limit: 1_000_000 },
  API_CV_GENERATION: { algorithm: "fixed_window", limit: GENERATION_LIMIT, windowSeconds: 86_400 }
})
/** CACHE_L1_TTL_SECONDS (default 5): past it, every instance's cached pages must be current. */
const L1_BOUND_MS = 5_000

// Bounds of each step (a run takes 1.5 to 2 minutes on a busy 2-core machine).
const START_TIMEOUT_MS = 90_000
const RESTART_TIMEOUT_MS = 60_000
const RETRY_PHASE_MS = 30_000
const FOLLOWER_CATCH_UP_MS = 20_000
const TEST_TIMEOUT_MS = 240_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const postgresReachable = (): Promise<boolean> =>
  new Promise((resolve) => {
    const url = new URL(TEST_DATABASE_URL)
    const socket = net.connect({ host: url.hostname, port: Number(url.port || 5432) })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.once("connect", () => done(true))
    socket.once("error", () => done(false))
  })
const redisServerInstalled = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0
// Outside CI the suite needs a local Postgres and the redis-server binary; in CI it must run.
const canRun = IN_CI || (redisServerInstalled && (await postgresReachable()))

const json = async (url: string, init: RequestInit & { readonly key: string }) => {
  const response = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${init.key}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
    signal: AbortSignal.timeout(15_000)
  })
  return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown }
}

/** The bootstrap admin key works once the first instance has installed it. */
const waitForAdminKey = async (url: string) => {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if ((await json(`${url}/admin/keys`, { key: TEST_ADMIN_KEY }).catch(() => ({ status: 0 }))).status === 200) return
    await sleep(200)
  }
  throw new Error("the bootstrap admin key never worked")
}

/** `request` again while it answers 503 (at most 10 times); any other answer but 2xx throws. */
const retryOn503 = async (request: () => Promise<{ readonly status: number; readonly body: unknown }>) => {
  for (let attempt = 1; ; attempt++) {
    const answer = await request()
    if (answer.status >= 200 && answer.status < 300) return answer
    if (answer.status !== 503 || attempt >= 10) throw new Error(`answered ${answer.status} ${JSON.stringify(answer.body)}`)
    await sleep(300 * attempt)
  }
}

/** A user's id of this run (ids are unique per run: the database is fresh anyway). */
const userIds = (run: string, kind: string, count: number) => Array.from({ length: count }, (_, i) => `f-${run}-${kind}${i}`)

describe.skipIf(!canRun)("three Hubs under faults", () => {
  it("keeps every ledger invariant through a Redis outage, a killed Hub and cut database connections", { timeout: TEST_TIMEOUT_MS }, async () => {
    const started = Date.now()
    const timeline: Array<string> = []
    const note = (what: string) => timeline.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${what}`)
    const run = runToken()
    const loadUsers = userIds(run, "u", LOAD_USERS)
    const followedUsers = loadUsers.slice(0, FOLLOWED)
    const blockedUsers = userIds(run, "b", 2)
    const freshUsers = userIds(run, "n", 2)
    const allUsers = [...loadUsers, ...blockedUsers, ...freshUsers]

    const redis = await ownRedis()
    await redis.start()
    const database = await faultDatabase()
    const hubs = await hubCluster(HUBS, {
      ...TEST_AUTH_ENV,
      DATABASE_URL: database.proxiedUrl,
      REDIS_URL: redis.url,
      LOG_LEVEL: "warning",
      NARRATIVE_WORKERS: "0",
      RATE_LIMIT_SCOPES
    })
    const cleanups: Array<() => Promise<unknown>> = []
    let passed = false
    try {
      for (let i = 0; i < HUBS; i++) hubs.start(i)
      await Promise.all(hubs.instances.map((_, i) => hubs.waitReady(i, START_TIMEOUT_MS)))
      note("three Hubs ready")
      const urls = hubs.instances.map((h) => h.url)
      await waitForAdminKey(urls[0]!)
      const created = await json(`${urls[0]}/admin/keys`, { method: "POST", key: TEST_ADMIN_KEY, body: JSON.stringify({ name: "fault suite", env: "dev", scopes: ["service"] }) })
      const serviceKey = (created.body as { key?: string } | undefined)?.key
      if (serviceKey === undefined) throw new Error(`POST /admin/keys answered ${created.status}`)

      const client = ledgerClient(urls, serviceKey)
      cleanups.push(() => client.close())
      const journal = new WriteJournal()

      // Accounts on the pack plan (no regeneration: every balance change is a client's write), seeded by a purchase.
      // (Shards may still move between the runners that just started: a 503 is retried, as any client would.)
      await Promise.all(allUsers.map(async (userId, n) => {
        await retryOn503(() => json(`${urls[n % HUBS]}/energy/${userId}/account`, { method: "POST", key: serviceKey, body: JSON.stringify({ plan: "pack" }) }))
        const seed = journal.create("purchase", userId, { amount: SEED_ENERGY, paymentReference: `seed-${userId}` })
        for (let attempt = 0; settledOutcome(seed) === undefined && attempt < 10; attempt++) await sendWithOneRetry(client, seed, "load")
        if (settledOutcome(seed)?.type !== "ok") throw new Error(`seeding ${userId}: ${JSON.stringify(seed.attempts.map((a) => a.outcome))}`)
      }))
      note(`${allUsers.length} accounts opened and seeded`)

      // The follower starts on the Hub that will be killed, from the start of the log.
      const followedStreams = new Set(followedUsers.map((u) => `energy:${u}`))
      const follower = startFollower({ urls, credential: serviceKey, firstInstance: 1, follows: (stream) => followedStreams.has(stream) })
      cleanups.push(() => follower.stop())

      const counters: LoadCounters = { writes: 0, reads: 0, readFailures: 0 }
      let loadRunning = true
      const load = runMixedLoad({ client, journal, users: loadUsers, workers: LOAD_WORKERS, counters, running: () => loadRunning })
      const probe = limitProbe({ client, journal, blockedUsers, freshUsers, limit: GENERATION_LIMIT })
      const faults: Array<string> = []

      const injectFaults = async () => {
        await sleep(2_000)
        await probe.blockOnEveryInstance()
        note("blocked users refused by every instance")

        // 1. Redis outage: the server killed (connections drop at once), 6 s down, back empty.
        let probing = true
        await redis.stop()
        probe.storeDown()
        note("Redis killed")
        faults.push("Redis outage 6 s")
        const duringOutage = probe.run(() => probing, 100)
        await sleep(6_000)
        probing = false
        await duringOutage
        await redis.start()
        probe.storeUp()
        note("Redis back (empty)")
        probing = true
        const afterOutage = probe.run(() => probing, 100)
        await sleep(8_000)
        probing = false
        await afterOutage
        probe.done()

        // 2. SIGKILL of the follower's Hub, restarted 2 s later on the same ports.
        await hubs.kill(1)
        note("hub 1 SIGKILLed")
        faults.push("SIGKILL hub 1 and restart")
        await sleep(2_000)
        hubs.start(1)
        await hubs.waitReady(1, RESTART_TIMEOUT_MS)
        note("hub 1 ready again")
        await sleep(3_000)

        // 3. Every Hub connection to the database terminated by the server.
        const terminated = await database.terminateConnections()
        note(`pg_terminate_backend: ${terminated} connections`)
        faults.push(`pg_terminate_backend (${terminated} connections)`)
        await sleep(5_000)

        // 4. The database unreachable for 3 s (connections reset, new ones refused), then back.
        await Effect.runPromise(database.proxy.cut)
        note("database cut")
        faults.push("database cut 3 s")
        await sleep(3_000)
        await Effect.runPromise(database.proxy.restore)
        note("database back")
        await sleep(5_000)
      }
      await injectFaults()
      loadRunning = false
      await load
      note(`load stopped: ${counters.writes} writes, ${counters.reads} reads`)

      // Retry phase: every write without a definite answer again, same key, until it gets one.
      const retryDeadline = Date.now() + RETRY_PHASE_MS
      const unsettled = () => journal.ops.filter((op) => settledOutcome(op) === undefined)
      const retried = unsettled().length
      for (let round = 0; unsettled().length > 0 && Date.now() < retryDeadline; round++) {
        await forEachConcurrently(unsettled(), 8, (op) => client.send(op, (op.id + round) % HUBS, op.pinnedTransport ?? (round % 2 === 0 ? "http" : "rpc"), "retry"))
        if (unsettled().length > 0) await sleep(1_000)
      }
      note(`retried ${retried} unsettled writes; ${unsettled().length} still unsettled`)

      // Replay: acknowledged writes sent again must answer the original (a sample, and every retried one).
      const acknowledged = journal.ops.filter((op) => okAnswers(op).length > 0)
      const sample = acknowledged.filter((op, i) => op.attempts.length > 1 || i % Math.max(1, Math.floor(acknowledged.length / 200)) === 0)
      await forEachConcurrently(sample, 8, (op) => client.send(op, (op.id + 1) % HUBS, op.pinnedTransport ?? (op.id % 2 === 0 ? "rpc" : "http"), "replay"))
      note(`replayed ${sample.length} acknowledged writes`)

      // The follower catches up with the stored streams.
      const stored = await readStoredLedger(database.directUrl, allUsers)
      const lengths = new Map<string, number>()
      for (const e of stored.events) lengths.set(e.stream_id, Math.max(lengths.get(e.stream_id) ?? 0, e.stream_version))
      const caughtUp = await follower.waitFor((record) => [...followedStreams].every((s) => (record.seen.get(s)?.length ?? 0) >= (lengths.get(s) ?? 0)), FOLLOWER_CATCH_UP_MS)
      note(`follower ${caughtUp ? "caught up" : "did NOT catch up"} (${follower.record().eventsReceived} events, ${follower.record().resumptions} resumptions)`)
      await follower.stop()

      // Past the L1 bound, every instance answers current balances and pages.
      await sleep(L1_BOUND_MS + 1_000)
      const balances = await Promise.all(allUsers.flatMap((userId) =>
        urls.map(async (_, instance) => ({ userId, instance, balance: await client.balance(userId, instance, instance % 2 === 0 ? "http" : "rpc") }))))
      const pages = await Promise.all(loadUsers.flatMap((userId) =>
        urls.map(async (_, instance) => ({ userId, instance, ids: await client.latestTransactions(userId, instance, 10) }))))

      const limits = probe.evaluate()
      const reports: Array<InvariantReport> = [
        ...checkLedger(stored, journal.ops),
        checkFollower(follower.record(), stored, followedUsers),
        checkBalancesAnswered(stored, balances),
        checkCachedPages(stored, pages, 10),
        { name: "rate limits within the documented bound", checked: limits.figures.checks, violations: limits.violations }
      ]

      const violations = reports.reduce((sum, r) => sum + r.violations.length, 0)
      const attempts = journal.ops.reduce((sum, op) => sum + op.attempts.length, 0)
      const unknowns = journal.ops.reduce((sum, op) => sum + op.attempts.filter((a) => a.outcome.type === "unknown").length, 0)
      const seconds = ((Date.now() - started) / 1000).toFixed(0)
      for (const line of timeline) console.log(`[faults] ${line}`)
      for (const r of reports) {
        console.log(`[faults] ${r.violations.length === 0 ? "ok  " : "FAIL"} ${r.name}: ${r.checked} checked, ${r.violations.length} violations`)
        for (const v of r.violations.slice(0, 15)) console.log(`[faults]        ${v}`)
      }
      console.log(`[faults] rate limit figures: ${JSON.stringify(limits.figures)}`)
      console.log(`[faults] unknown outcomes by reason: ${unknownReasons(journal.ops)}`)
      const foundApplied = journal.ops.filter(foundAppliedOnRetry)
      console.log(`[faults] writes whose outcome was unknown and a retry found applied: ${foundApplied.length} (their unknown answers: ${unknownReasons(unknownsBeforeFoundApplied(foundApplied))})`)
      console.log(`[faults] unknown attempts by time (s, 5 s buckets): ${histogram(journal.ops.flatMap((op) => op.attempts.filter((a) => a.outcome.type === "unknown").map((a) => Math.floor((a.startedAt - started) / 5_000) * 5)))}`)
      console.log(
        `[faults] summary: operations=${journal.ops.length + counters.reads} ` +
        `writes=${journal.ops.length} attempts=${attempts} unknown=${unknowns} reads=${counters.reads} ` +
        `faults=${faults.length} (${faults.join("; ")}) invariants=${reports.length} ` +
        `checked=${reports.reduce((sum, r) => sum + r.checked, 0)} violations=${violations} seconds=${seconds}`
      )
      expect(violations).toBe(0)
      passed = true
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
      await hubs.stopAll()
      await redis.stop()
      await database.drop().catch((error: unknown) => console.log(`[faults] could not drop ${database.name}: ${String(error)}`))
      if (passed) hubs.removeLogs()
      else console.log(`[faults] Hub logs kept in ${hubs.logDir}`)
    }
  })
})

/** "reason×count, …" of the attempts that ended unknown, most frequent first. */
const unknownReasons = (ops: ReadonlyArray<WriteOp>): string => {
  const counts = new Map<string, number>()
  for (const op of ops) {
    for (const { outcome } of op.attempts) {
      if (outcome.type !== "unknown") continue
      // Ids and numbers vary per request: stripped, so reasons group.
      const reason = outcome.reason.replace(/[0-9a-f]{8}-[0-9a-f-]{27}|\bf-[a-z0-9]+-[a-z]\d+\b|\d{4,}/g, "…").slice(0, 120)
      counts.set(reason, (counts.get(reason) ?? 0) + 1)
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${reason}×${n}`).join(", ") || "none"
}

/** "value×count, …" in value order. */
const histogram = (values: ReadonlyArray<number>): string => {
  const counts = new Map<number, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${v}:${n}`).join(" ")
}

/** An attempt ended unknown, and a later one answered the original (the write had been applied). */
const foundAppliedOnRetry = (op: WriteOp): boolean => {
  const firstOk = op.attempts.findIndex((a) => a.outcome.type === "ok")
  const answer = op.attempts[firstOk]?.outcome
  return answer?.type === "ok" && answer.replayed && op.attempts.slice(0, firstOk).some((a) => a.outcome.type === "unknown")
}

/** The attempts that ended unknown before a retry found the write applied (one of them had applied it). */
const unknownsBeforeFoundApplied = (ops: ReadonlyArray<WriteOp>): ReadonlyArray<WriteOp> =>
  ops.filter(foundAppliedOnRetry).map((op) => ({ ...op, attempts: op.attempts.slice(0, op.attempts.findIndex((a) => a.outcome.type === "ok")) }))

/** Runs `task` over `items`, at most `concurrency` at a time. */
const forEachConcurrently = async <A>(items: ReadonlyArray<A>, concurrency: number, task: (item: A) => Promise<unknown>) => {
  let next = 0
  const worker = async () => {
    while (next < items.length) await task(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}
