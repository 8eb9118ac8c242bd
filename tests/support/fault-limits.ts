/**
 * The rate-limit probe of the fault suite: `cv_generation` consumes (scope `API_CV_GENERATION`,
 * per user) over HTTP, whose headers say whether the check was decided by the limit store
 * (`RateLimit` has an `"api_cv_generation"` item) or let through without a decision (fail open:
 * only the `RateLimit-Policy` item).
 *
 * Two kinds of users:
 * - "blocked": before the outage each is charged up to its limit and then refused by every
 *   instance, so each instance remembers the refusal (README: "refused again from this instance's
 *   memory, without a Redis call, until its retry time");
 * - "fresh": untouched until the outage.
 *
 * The bound the suite asserts (README gives none for an outage; this is the one it documents):
 * within one window, an identifier passes at most `limit` decided checks per life of the limit store
 * (a Redis restarted without persistence counts afresh), plus one pass per check made while the
 * store cannot answer (fail open); an identifier an instance already refused stays refused by that
 * instance through the outage. Passes without a decision happen only while the store is down or
 * within RECONNECT_GRACE_MS of its return (the Hubs' Redis clients reconnecting).
 *
 * Every attempt of the probe's charges counts, the retry phase's included (a retried charge that
 * was not stored is a new check).
 */
import type { Attempt, LedgerClient, WriteOp } from "./fault-ledger-client.js"
import { newKey, type WriteJournal } from "./fault-load.js"

export const RECONNECT_GRACE_MS = 10_000

export type ProbeStage = "before" | "outage" | "after"

export interface StageFigures {
  readonly checks: number
  readonly decided: number
  readonly failOpen: number
  readonly refused: number
  readonly slowestMs: number
}

export interface LimitFigures {
  readonly limit: number
  readonly checks: number
  readonly passedDecided: number
  readonly passedFailOpen: number
  readonly refused: number
  /** Largest (passes − limit) of one user over the run. */
  readonly worstOvershoot: number
  /** Latest fail-open pass after the store came back, in ms (0: none after it). */
  readonly failOpenAfterReturnMs: number
  /** By when the check was made: before the store stopped, while it was down, after it returned. */
  readonly stages: Readonly<Record<ProbeStage, StageFigures>>
}

export interface LimitProbe {
  /** Charges each blocked user until every instance refused it once. */
  readonly blockOnEveryInstance: () => Promise<void>
  /** Sends probe charges one after another (round robin over users, random instances) until `running()` is false. */
  readonly run: (running: () => boolean, pauseMs: number) => Promise<void>
  readonly storeDown: () => void
  readonly storeUp: () => void
  /** No probe charge is sent after this (a restarted Hub forgets its refusals: the blocked users' check ends here). */
  readonly done: () => void
  /** The bound's violations, and the figures. */
  readonly evaluate: () => { readonly violations: ReadonlyArray<string>; readonly figures: LimitFigures }
}

/** One check as the bound sees it. */
interface Check {
  readonly userId: string
  readonly attempt: Attempt
  readonly stage: ProbeStage
  /** A fresh charge (not a replay of a stored one): the check let it through. */
  readonly passed: boolean
  readonly refused: boolean
  readonly failedOpen: boolean
}

const stageFigures = (checks: ReadonlyArray<Check>, stage: ProbeStage): StageFigures => {
  const mine = checks.filter((c) => c.stage === stage)
  return {
    checks: mine.length,
    decided: mine.filter((c) => c.passed && !c.failedOpen).length,
    failOpen: mine.filter((c) => c.failedOpen).length,
    refused: mine.filter((c) => c.refused).length,
    slowestMs: mine.reduce((slowest, c) => Math.max(slowest, c.attempt.endedAt - c.attempt.startedAt), 0)
  }
}

export const limitProbe = (options: {
  readonly client: LedgerClient
  readonly journal: WriteJournal
  readonly blockedUsers: ReadonlyArray<string>
  readonly freshUsers: ReadonlyArray<string>
  readonly limit: number
}): LimitProbe => {
  const { client, journal, limit } = options
  const charges: Array<WriteOp> = []
  let downAt = Number.POSITIVE_INFINITY
  let upAt = Number.POSITIVE_INFINITY
  let doneAt = Number.POSITIVE_INFINITY

  const charge = async (userId: string, instance: number) => {
    const op = journal.create("consume", userId, { action: "cv_generation", idempotencyKey: newKey("g") }, undefined, "http")
    charges.push(op)
    return (await client.send(op, instance, "http", "limits")).outcome
  }

  const blockOnEveryInstance = async () => {
    for (const userId of options.blockedUsers) {
      for (let instance = 0; instance < client.instanceCount; instance++) {
        // Bounded: the limit's charges, then one refusal per instance (a few more if some fail).
        for (let tries = 0; tries < limit + 5; tries++) {
          const outcome = await charge(userId, instance)
          if (outcome.type === "refused" && outcome.tag === "RateLimited") break
        }
      }
    }
  }

  const run = async (running: () => boolean, pauseMs: number) => {
    const users = [...options.blockedUsers, ...options.freshUsers]
    for (let n = 0; running(); n++) {
      await charge(users[n % users.length]!, Math.floor(Math.random() * client.instanceCount))
      await new Promise((resolve) => setTimeout(resolve, pauseMs))
    }
  }

  /** Every answered attempt of every probe charge, staged by when it was sent. */
  const checks = (): Array<Check> =>
    charges.flatMap((op) =>
      op.attempts.flatMap((attempt): Array<Check> => {
        const { outcome } = attempt
        if (outcome.type === "unknown") return []
        const passed = outcome.type === "ok" && !outcome.replayed
        const stage: ProbeStage = attempt.startedAt < downAt ? "before" : attempt.startedAt < upAt ? "outage" : "after"
        return [{
          userId: op.userId,
          attempt,
          stage,
          passed,
          refused: outcome.type === "refused" && outcome.tag === "RateLimited",
          failedOpen: passed && attempt.generationDecided === false
        }]
      })
    )

  const evaluate = () => {
    const all = checks()
    const violations: Array<string> = []
    const blocked = new Set(options.blockedUsers)
    let worstOvershoot = 0
    for (const userId of [...options.blockedUsers, ...options.freshUsers]) {
      const mine = all.filter((c) => c.userId === userId)
      // A store life: before the stop, and after the start (a decided pass made during the outage can
      // only come from the restarted store, so it counts with "after").
      const decidedBefore = mine.filter((c) => c.passed && !c.failedOpen && c.stage === "before").length
      const decidedAfter = mine.filter((c) => c.passed && !c.failedOpen && c.stage !== "before").length
      if (decidedBefore > limit) violations.push(`${userId}: ${decidedBefore} decided passes before the outage (limit ${limit})`)
      if (decidedAfter > limit) violations.push(`${userId}: ${decidedAfter} decided passes after the store restarted (limit ${limit})`)
      const passes = mine.filter((c) => c.passed).length
      const failOpen = mine.filter((c) => c.failedOpen).length
      if (passes > limit * 2 + failOpen) violations.push(`${userId}: ${passes} passes > ${limit} × 2 store lives + ${failOpen} fail-open passes`)
      worstOvershoot = Math.max(worstOvershoot, passes - limit)
      if (blocked.has(userId)) {
        // Refused by every instance before the outage: refused through it and after, while no Hub restarted.
        const letThrough = mine.filter((c) => c.stage !== "before" && c.passed && c.attempt.startedAt < doneAt)
        if (letThrough.length > 0) {
          violations.push(`${userId} was refused by every instance before the outage, yet passed ${letThrough.length} time(s) after (hubs ${letThrough.map((c) => c.attempt.instance).join(",")})`)
        }
      }
    }
    for (const c of all) {
      if (c.passed && c.attempt.generationDecided === undefined) violations.push(`a pass of ${c.userId} carried no api_cv_generation header item at all`)
      if (!c.failedOpen) continue
      const duringOutage = c.attempt.endedAt >= downAt && c.attempt.startedAt <= upAt + RECONNECT_GRACE_MS
      if (!duringOutage) violations.push(`${c.userId} passed without a decision at ${new Date(c.attempt.startedAt).toISOString()}, outside the outage`)
    }
    const failOpenAfter = all.filter((c) => c.failedOpen && c.attempt.startedAt > upAt)
    return {
      violations,
      figures: {
        limit,
        checks: all.length,
        passedDecided: all.filter((c) => c.passed && !c.failedOpen).length,
        passedFailOpen: all.filter((c) => c.failedOpen).length,
        refused: all.filter((c) => c.refused).length,
        worstOvershoot,
        failOpenAfterReturnMs: failOpenAfter.reduce((latest, c) => Math.max(latest, c.attempt.startedAt - upAt), 0),
        stages: { before: stageFigures(all, "before"), outage: stageFigures(all, "outage"), after: stageFigures(all, "after") }
      }
    }
  }

  return {
    blockOnEveryInstance,
    run,
    storeDown: () => void (downAt = Date.now()),
    storeUp: () => void (upAt = Date.now()),
    done: () => void (doneAt = Date.now()),
    evaluate
  }
}
