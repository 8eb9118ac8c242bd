/**
 * The fault suite's checks catch what they are for: each is fed a ledger and client records with
 * one planted fault (a lost write, a double charge, a changed replay, a gap in a followed stream,
 * a pass beyond the limit…) and must report it, while the clean version passes. Without this, a
 * green fault run could mean a check that looks at nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import { randomUUID } from "node:crypto"
import type { FollowerRecord } from "../support/fault-follower.js"
import { checkFollower, checkLedger, type InvariantReport, type StoredLedger } from "../support/fault-invariants.js"
import type { Attempt, LedgerClient, Outcome, WriteOp } from "../support/fault-ledger-client.js"
import { limitProbe } from "../support/fault-limits.js"
import { WriteJournal } from "../support/fault-load.js"

const USER = "f-check-u0"
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms)

/** A clean ledger: opened, a purchase of 100, a consume of 5; and the client's records of both. */
const cleanCase = () => {
  const purchaseId = randomUUID()
  const consumeId = randomUUID()
  const ledger: StoredLedger = {
    accounts: [{ user_id: USER, balance: 95, reserved: 0, version: 3 }],
    transactions: [
      { transaction_id: purchaseId, user_id: USER, kind: "purchase", idempotency_key: "p-1", balance_delta: 100, reserved_delta: 0, balance_after: 100, reserved_after: 0, created_at: at(1_000) },
      { transaction_id: consumeId, user_id: USER, kind: "consume", idempotency_key: "c-1", balance_delta: -5, reserved_delta: 0, balance_after: 95, reserved_after: 0, created_at: at(2_000) }
    ],
    events: [
      { stream_id: `energy:${USER}`, stream_version: 1, event_id: randomUUID(), event_type: "EnergyAccountOpened", data: {} },
      { stream_id: `energy:${USER}`, stream_version: 2, event_id: purchaseId, event_type: "EnergyPurchased", data: { balanceDelta: 100, reservedDelta: 0 } },
      { stream_id: `energy:${USER}`, stream_version: 3, event_id: consumeId, event_type: "EnergyConsumed", data: { balanceDelta: -5, reservedDelta: 0 } }
    ]
  }
  const ok = (transactionId: string, kind: string, balanceDelta: number, balanceAfter: number, replayed: boolean): Outcome =>
    ({ type: "ok", transactionId, kind, balanceDelta, balanceAfter, reservedAfter: 0, replayed })
  const attempt = (outcome: Outcome, startedAt: number): Attempt =>
    ({ instance: 0, transport: "http", phase: "load", startedAt: at(startedAt).getTime(), endedAt: at(startedAt + 10).getTime(), outcome })
  const ops: Array<WriteOp> = [
    { id: 0, kind: "purchase", userId: USER, key: "p-1", body: {}, attempts: [attempt(ok(purchaseId, "purchase", 100, 100, false), 990)] },
    {
      id: 1, kind: "consume", userId: USER, key: "c-1", body: {},
      // Unknown first (the answer was lost), then the retry finds it applied: a correct history.
      attempts: [attempt({ type: "unknown", reason: "503" }, 1_990), attempt(ok(consumeId, "consume", -5, 95, true), 5_000)]
    }
  ]
  return { ledger, ops, ok, attempt, consumeId }
}

const violationsOf = (reports: ReadonlyArray<InvariantReport>, name: string) => reports.find((r) => r.name === name)!.violations

describe("fault suite checks", () => {
  it("pass a clean history", () => {
    const { ledger, ops } = cleanCase()
    for (const r of checkLedger(ledger, ops)) expect(r.violations, r.name).toEqual([])
  })

  it("report a 2xx whose transaction is not stored, and a stored write nobody asked for", () => {
    const { ledger, ops } = cleanCase()
    const lost = { ...ledger, transactions: ledger.transactions.slice(0, 1) }
    expect(violationsOf(checkLedger(lost, ops), "accepted writes stored")).toHaveLength(1)
    const phantom = { ...ledger, transactions: [...ledger.transactions, { ...ledger.transactions[1]!, transaction_id: randomUUID(), idempotency_key: "c-2" }] }
    expect(violationsOf(checkLedger(phantom, ops), "ledger holds exactly the acknowledged writes")).toHaveLength(1)
  })

  it("report a key charged twice, a retry answered differently, and a retry of an applied write refused", () => {
    const { attempt, ledger, ok, ops } = cleanCase()
    ops[1]!.attempts.push(attempt(ok(randomUUID(), "consume", -5, 90, false), 6_000))
    const reports = checkLedger(ledger, ops)
    expect(violationsOf(reports, "applied at most once")).toHaveLength(1)
    expect(violationsOf(reports, "retries answered identically")).toHaveLength(1)
    const refusedLater = cleanCase()
    refusedLater.ops[1]!.attempts.push(refusedLater.attempt({ type: "refused", status: 402, tag: "InsufficientEnergy" }, 7_000))
    expect(violationsOf(checkLedger(refusedLater.ledger, refusedLater.ops), "retries answered identically")).toHaveLength(1)
  })

  it("report a write left without a definite answer, a refusal the load should never get, and an undocumented answer", () => {
    const { attempt, ledger, ops } = cleanCase()
    ops.push({ id: 2, kind: "consume", userId: USER, key: "c-3", body: {}, attempts: [attempt({ type: "unknown", reason: "fetch failed" }, 8_000)] })
    ops.push({ id: 3, kind: "refund", userId: USER, key: "r-1", body: {}, attempts: [attempt({ type: "refused", status: 409, tag: "IdempotencyKeyReused" }, 9_000)] })
    ops.push({ id: 4, kind: "purchase", userId: USER, key: "p-2", body: {}, attempts: [attempt({ type: "unknown", reason: "499 HTTP 499", undocumented: true }, 9_500), attempt({ type: "refused", status: 404, tag: "UserNotFound" }, 9_600)] })
    const reports = checkLedger(ledger, ops)
    expect(violationsOf(reports, "ledger holds exactly the acknowledged writes")).toHaveLength(1)
    expect(violationsOf(reports, "no wrong refusals")).toHaveLength(2)
    expect(violationsOf(reports, "only documented answers")).toHaveLength(1)
  })

  it("report a negative balance and a balance that is not the fold of its events", () => {
    const { ledger, ops } = cleanCase()
    const negative = { ...ledger, accounts: [{ ...ledger.accounts[0]!, balance: -1 }] }
    expect(violationsOf(checkLedger(negative, ops), "no balance negative")).toHaveLength(1)
    const drifted = { ...ledger, events: ledger.events.map((e) => (e.stream_version === 3 ? { ...e, data: { balanceDelta: -6, reservedDelta: 0 } } : e)) }
    expect(violationsOf(checkLedger(drifted, ops), "balance = fold of events = sum of transactions")).toHaveLength(1)
  })

  it("report a followed stream seen with a duplicate, a gap, or out of global order", () => {
    const { ledger } = cleanCase()
    const record = (versions: Array<number>, outOfOrder: Array<string> = []): FollowerRecord =>
      ({ seen: new Map([[`energy:${USER}`, versions]]), outOfOrder, resumptions: 0, eventsReceived: versions.length })
    expect(checkFollower(record([1, 2, 3]), ledger, [USER]).violations).toEqual([])
    expect(checkFollower(record([1, 2, 2, 3]), ledger, [USER]).violations).toHaveLength(1)
    expect(checkFollower(record([1, 3]), ledger, [USER]).violations).toHaveLength(1)
    expect(checkFollower(record([1, 2, 3], ["x"]), ledger, [USER]).violations).toHaveLength(1)
  })

  it("report decided passes beyond the limit, fail-open passes outside the outage, and a blocked user let through", async () => {
    // A scripted Hub: answers each probe charge as `script` says, in order.
    const script: Array<{ pass: boolean; decided: boolean }> = []
    const client: LedgerClient = {
      instanceCount: 1,
      send: async (op, instance, transport, phase) => {
        const step = script.shift()!
        const outcome: Outcome = step.pass
          ? { type: "ok", transactionId: randomUUID(), kind: "consume", balanceDelta: -25, balanceAfter: 0, reservedAfter: 0, replayed: false }
          : { type: "refused", status: 429, tag: "RateLimited" }
        const attempt: Attempt = { instance, transport, phase, startedAt: Date.now(), endedAt: Date.now(), outcome, generationDecided: step.decided }
        op.attempts.push(attempt)
        return attempt
      },
      balance: async () => undefined,
      latestTransactions: async () => undefined,
      close: async () => {}
    }
    const probe = limitProbe({ client, journal: new WriteJournal(), blockedUsers: ["b"], freshUsers: [], limit: 2 })
    const once = () => {
      let left = 1
      return () => left-- > 0
    }
    // Blocking: two decided passes, then a refusal on the only instance.
    script.push({ pass: true, decided: true }, { pass: true, decided: true }, { pass: false, decided: true })
    await probe.blockOnEveryInstance()
    expect(probe.evaluate().violations).toEqual([])
    // A pass without a decision while the store is up: outside any outage.
    script.push({ pass: true, decided: false })
    await probe.run(once(), 0)
    expect(probe.evaluate().violations.some((v) => v.includes("outside the outage"))).toBe(true)
    // The blocked user let through during the outage (its instance should have refused it from memory),
    // and a third decided pass of the store's first life.
    probe.storeDown()
    script.push({ pass: true, decided: true })
    await probe.run(once(), 0)
    const violations = probe.evaluate().violations
    expect(violations.some((v) => v.includes("yet passed"))).toBe(true)
    expect(violations.some((v) => v.includes("decided passes after the store restarted"))).toBe(false)
    probe.storeUp()
    script.push({ pass: true, decided: true }, { pass: true, decided: true })
    await probe.run(once(), 0)
    await probe.run(once(), 0)
    expect(probe.evaluate().violations.some((v) => v.includes("3 decided passes after the store restarted"))).toBe(true)
  })
})
