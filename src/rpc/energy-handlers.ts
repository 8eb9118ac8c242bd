import { Effect } from "effect"
import { actorOf, CurrentPrincipal } from "../services/auth/schema.js"
import { Energy } from "../services/energy/Energy.js"
import { EnergyRpcs } from "./energy.js"

export const EnergyRpcLive = EnergyRpcs.toLayer(
  Effect.gen(function* () {
    const energy = yield* Energy
    const actor = Effect.map(CurrentPrincipal, actorOf)
    return {
      "Energy.Actions": () => energy.actions,
      "Energy.Plans": () => energy.plans,
      // 0: the service's default size.
      "Energy.Leaderboard": ({ limit, period }) => energy.leaderboard(period, limit),
      "Energy.Open": ({ plan, userId }) => Effect.flatMap(actor, (by) => energy.open(userId, plan, by)),
      "Energy.Balance": ({ userId }) => energy.balance(userId),
      "Energy.Check": ({ userId, ...charge }) => energy.check(userId, charge),
      "Energy.Consume": ({ userId, ...request }) => Effect.flatMap(actor, (by) => energy.consume(userId, request, by)),
      "Energy.Refund": ({ userId, ...request }) => Effect.flatMap(actor, (by) => energy.refund(userId, request, by)),
      "Energy.Purchase": ({ userId, ...request }) => Effect.flatMap(actor, (by) => energy.purchase(userId, request, by)),
      "Energy.Credit": ({ userId, ...request }) => Effect.flatMap(actor, (by) => energy.credit(userId, request, by)),
      "Energy.Reserve": ({ userId, ...request }) => Effect.flatMap(actor, (by) => energy.reserve(userId, request, by)),
      "Energy.Commit": ({ userId, ...request }) => Effect.flatMap(actor, (by) => energy.commit(userId, request, by)),
      "Energy.Release": ({ userId, ...request }) => Effect.flatMap(actor, (by) => energy.release(userId, request, by)),
      "Energy.Transactions": ({ userId, ...query }) => energy.transactions(userId, query),
      "Energy.Stats": ({ period, userId }) => energy.stats(userId, period),
      "Energy.SetActionCost": ({ action, cost, description }) => energy.setActionCost(action, cost, description),
      "Energy.SetPlanRules": ({ plan, ...change }) => energy.setPlanRules(plan, change),
      "Energy.ChangePlan": ({ userId, ...request }) => Effect.flatMap(actor, (by) => energy.changePlan(userId, request, by))
    }
  })
)
