/**
 * The product rules (action costs and plans) as every account actor reads them: from the database,
 * kept in memory for RULES_TTL. An edit is seen at once by the instance that made it and within
 * RULES_TTL by the others.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { Context, Duration, Effect, Layer } from "effect"
import type { ServiceUnavailable } from "../common/errors.js"
import { Database } from "../database/Database.js"
import type { ActionCost, PlanName, PlanRules, SetPlanRulesRequest } from "./schema.js"
import { makeLedgerStatements } from "./store.js"

export const RULES_TTL = Duration.seconds(10)

export interface Rules {
  readonly actions: ReadonlyMap<string, ActionCost>
  readonly plans: ReadonlyMap<PlanName, PlanRules>
}

export class LedgerRules extends Context.Tag("luna/energy/LedgerRules")<LedgerRules, {
  readonly current: Effect.Effect<Rules, ServiceUnavailable>
  readonly setActionCost: (action: string, cost: number, description: string | undefined) => Effect.Effect<ActionCost, ServiceUnavailable>
  readonly setPlanRules: (plan: PlanName, change: SetPlanRulesRequest) => Effect.Effect<PlanRules, ServiceUnavailable>
}>() {}

export const LedgerRulesLive = Layer.effect(
  LedgerRules,
  Effect.gen(function* () {
    const db = yield* Database
    const statements = makeLedgerStatements(yield* PgClient.PgClient)
    const load = db.guard(
      Effect.map(Effect.all([statements.catalogue, statements.plans]), ([actions, plans]): Rules => ({
        actions: new Map(actions.map((a) => [a.action, a])),
        plans: new Map(plans.map((p) => [p.plan, p]))
      }))
    )
    let cached: { readonly rules: Rules; readonly loadedAtMs: number } | undefined
    const ttlMs = Duration.toMillis(RULES_TTL)
    const current = Effect.clockWith((clock) => {
      const now = clock.unsafeCurrentTimeMillis()
      if (cached !== undefined && now - cached.loadedAtMs < ttlMs) return Effect.succeed(cached.rules)
      return Effect.tap(load, (rules) => {
        cached = { rules, loadedAtMs: now }
      })
    })
    const forget = Effect.sync(() => {
      cached = undefined
    })
    return LedgerRules.of({
      current,
      setActionCost: (action, cost, description) => Effect.zipLeft(db.guard(statements.setActionCost(action, cost, description)), forget),
      setPlanRules: (plan, change) =>
        Effect.gen(function* () {
          const existing = (yield* current).plans.get(plan)!
          const merged: PlanRules = {
            plan,
            openingBalance: change.openingBalance ?? existing.openingBalance,
            cap: plan === "free" ? (change.cap ?? existing.cap) : null,
            regenerationAmount: plan === "free" ? (change.regenerationAmount ?? existing.regenerationAmount) : 0,
            regenerationIntervalSeconds: change.regenerationIntervalSeconds ?? existing.regenerationIntervalSeconds
          }
          return yield* Effect.zipLeft(db.guard(statements.setPlanRules(merged)), forget)
        })
    })
  })
)
