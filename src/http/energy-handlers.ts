import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { actorOf } from "../services/auth/schema.js"
import { Energy } from "../services/energy/Energy.js"
import { LunaApi } from "./api.js"
import { requestPrincipal } from "./authentication.js"

const actor = Effect.map(requestPrincipal, actorOf)

export const EnergyHttpLive = HttpApiBuilder.group(LunaApi, "energy", (handlers) =>
  Effect.gen(function* () {
    const energy = yield* Energy
    return handlers
      .handle("actions", () => energy.actions)
      .handle("plans", () => energy.plans)
      .handle("leaderboard", ({ urlParams }) => energy.leaderboard(urlParams.period, urlParams.limit))
      .handle("open", ({ path, payload }) => Effect.flatMap(actor, (by) => energy.open(path.userId, payload.plan, by)))
      .handle("balance", ({ path }) => energy.balance(path.userId))
      .handle("check", ({ path, payload }) => energy.check(path.userId, payload))
      .handle("consume", ({ path, payload }) => Effect.flatMap(actor, (by) => energy.consume(path.userId, payload, by)))
      .handle("refund", ({ path, payload }) => Effect.flatMap(actor, (by) => energy.refund(path.userId, payload, by)))
      .handle("purchase", ({ path, payload }) => Effect.flatMap(actor, (by) => energy.purchase(path.userId, payload, by)))
      .handle("credit", ({ path, payload }) => Effect.flatMap(actor, (by) => energy.credit(path.userId, payload, by)))
      .handle("reserve", ({ path, payload }) => Effect.flatMap(actor, (by) => energy.reserve(path.userId, payload, by)))
      .handle("commit", ({ path: { userId, reservationId }, payload }) =>
        Effect.flatMap(actor, (by) => energy.commit(userId, { ...payload, reservationId }, by)))
      .handle("release", ({ path: { userId, reservationId }, payload }) =>
        Effect.flatMap(actor, (by) => energy.release(userId, { ...payload, reservationId }, by)))
      .handle("transactions", ({ path, urlParams }) => energy.transactions(path.userId, urlParams))
      .handle("stats", ({ path, urlParams }) => energy.stats(path.userId, urlParams.period))
  })
)

export const EnergyAdminHttpLive = HttpApiBuilder.group(LunaApi, "energy-admin", (handlers) =>
  Effect.gen(function* () {
    const energy = yield* Energy
    return handlers
      .handle("setActionCost", ({ path, payload }) => energy.setActionCost(path.action, payload.cost, payload.description))
      .handle("setPlanRules", ({ path, payload }) => energy.setPlanRules(path.plan, payload))
      .handle("changePlan", ({ path, payload }) => Effect.flatMap(actor, (by) => energy.changePlan(path.userId, payload, by)))
  })
)
