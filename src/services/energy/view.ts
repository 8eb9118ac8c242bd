/**
 * What an account looks like to a reader at a given time, computed from its state alone: the
 * actor answers with it, and so does a read served from the state the actor published in this
 * process (no message).
 */
import { DateTime } from "effect"
import type { Rules } from "./catalogue.js"
import { type AccountState, checkCharge, nextRegenerationMs, viewAt } from "./rules.js"
import { type Balance, type Charge, type CheckResult, type PlanRules, UnknownAction } from "./schema.js"

export const planRulesOf = (all: Rules, state: AccountState): PlanRules => all.plans.get(state.plan)!

export const balanceView = (state: AccountState, all: Rules, nowMs: number): Balance => {
  const planRules = planRulesOf(all, state)
  const view = viewAt(state, planRules, nowMs)
  const next = nextRegenerationMs(view, planRules)
  return {
    userId: state.userId as Balance["userId"],
    plan: view.plan,
    balance: view.balance,
    available: view.balance - view.reserved,
    reserved: view.reserved,
    cap: planRules.cap,
    nextRegenerationAt: next === null ? null : DateTime.unsafeMake(next),
    version: state.version
  }
}

export const costOf = (all: Rules, charge: Charge): number | UnknownAction => {
  if ("amount" in charge) return charge.amount
  return all.actions.get(charge.action)?.cost ?? new UnknownAction({ action: charge.action })
}

export const checkView = (state: AccountState, all: Rules, charge: Charge, nowMs: number): CheckResult | UnknownAction => {
  const cost = costOf(all, charge)
  if (cost instanceof UnknownAction) return cost
  return checkCharge(viewAt(state, planRulesOf(all, state), nowMs), cost)
}

/**
 * The accounts whose actors run in this process, as they last committed them. An entry exists
 * only while its actor is alive here (set on load and after each write, removed when the actor
 * stops or no longer knows its state), so a read found here is what the actor itself would answer.
 */
export type LocalAccounts = Map<string, AccountState>
