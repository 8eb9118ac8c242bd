import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { actorOf, keyIdOf } from "../services/auth/schema.js"
import { ApiKeys } from "../services/keys/ApiKeys.js"
import { LunaApi } from "./api.js"
import { requestPrincipal } from "./authentication.js"

export const KeysHttpLive = HttpApiBuilder.group(LunaApi, "keys", (handlers) =>
  Effect.gen(function* () {
    const keys = yield* ApiKeys
    const actor = Effect.map(requestPrincipal, actorOf)
    return handlers
      .handle("create", ({ payload }) => Effect.flatMap(actor, (by) => keys.create(payload, by)))
      .handle("list", () => keys.list)
      .handle("status", () => keys.status)
      .handle("rotate", ({ payload }) => Effect.flatMap(actor, (by) => keys.rotate(payload, by)))
      .handle("scheduleRotation", ({ payload }) => Effect.flatMap(actor, (by) => keys.scheduleRotation(payload, by)))
      .handle("get", ({ path }) => keys.get(path.keyId))
      .handle("revoke", ({ path }) => Effect.flatMap(actor, (by) => keys.revoke(path.keyId, by)))
      .handle("audit", ({ path }) => keys.audit(path.keyId))
  })
)

export const KeySelfHttpLive = HttpApiBuilder.group(LunaApi, "keySelf", (handlers) =>
  Effect.gen(function* () {
    const keys = yield* ApiKeys
    const self = Effect.map(requestPrincipal, keyIdOf)
    return handlers
      // The key exists: it was just verified.
      .handle("self", () => Effect.flatMap(self, (keyId) => Effect.catchTag(keys.get(keyId), "KeyNotFound", Effect.die)))
      .handle("claimSuccessor", () => Effect.flatMap(self, keys.claimSuccessor))
  })
)
