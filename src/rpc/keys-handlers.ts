import { Effect } from "effect"
import { actorOf, CurrentPrincipal, keyIdOf } from "../services/auth/schema.js"
import { ApiKeys } from "../services/keys/ApiKeys.js"
import { KeySelfRpcs, KeysRpcs } from "./keys.js"

export const KeysRpcLive = KeysRpcs.toLayer(
  Effect.gen(function* () {
    const keys = yield* ApiKeys
    const actor = Effect.map(CurrentPrincipal, actorOf)
    return {
      "Keys.Create": (request) => Effect.flatMap(actor, (by) => keys.create(request, by)),
      "Keys.List": () => keys.list,
      "Keys.Status": () => keys.status,
      "Keys.Rotate": (request) => Effect.flatMap(actor, (by) => keys.rotate(request, by)),
      "Keys.ScheduleRotation": (request) => Effect.flatMap(actor, (by) => keys.scheduleRotation(request, by)),
      "Keys.Get": ({ keyId }) => keys.get(keyId),
      "Keys.Revoke": ({ keyId }) => Effect.flatMap(actor, (by) => keys.revoke(keyId, by)),
      "Keys.Audit": ({ keyId }) => keys.audit(keyId)
    }
  })
)

export const KeySelfRpcLive = KeySelfRpcs.toLayer(
  Effect.gen(function* () {
    const keys = yield* ApiKeys
    const self = Effect.map(CurrentPrincipal, keyIdOf)
    return {
      // The key exists: it was just verified.
      "Keys.Self": () => Effect.flatMap(self, (keyId) => Effect.catchTag(keys.get(keyId), "KeyNotFound", Effect.die)),
      "Keys.ClaimSuccessor": () => Effect.flatMap(self, keys.claimSuccessor)
    }
  })
)
