/**
 * The keys and auth services on a fresh, migrated database, with a count of the database calls the
 * keys service made (every one goes through `Database.guard`).
 */
import { Context, Effect, Layer, Ref } from "effect"
import { AuthLive } from "../../src/services/auth/live.js"
import { Database } from "../../src/services/database/Database.js"
import { type ApiKeysOptions, makeApiKeysLayer } from "../../src/services/keys/live.js"
import type { BackendName } from "./backends.js"
import type { TestDatabaseOptions } from "./database.js"
import { eventStoreLayer } from "./events.js"

/** Database calls made through `Database.guard` since the layer was built. */
export class GuardedCalls extends Context.Tag("test/GuardedCalls")<GuardedCalls, Ref.Ref<number>>() {}

const countingDatabase = Layer.effectContext(
  Effect.gen(function* () {
    const db = yield* Database
    const calls = yield* Ref.make(0)
    const guard: typeof db.guard = (self) => Effect.zipRight(Ref.update(calls, (n) => n + 1), db.guard(self))
    return Context.make(Database, { ...db, guard }).pipe(Context.add(GuardedCalls, calls))
  })
)

export const keysLayer = (
  backend: BackendName,
  options: { readonly database?: TestDatabaseOptions; readonly keys?: ApiKeysOptions } = {}
) => {
  const base = eventStoreLayer(backend, options.database)
  const counted = countingDatabase.pipe(Layer.provide(base))
  const keys = makeApiKeysLayer({ bootstrap: false, ...options.keys }).pipe(Layer.provide(counted), Layer.provide(base))
  return AuthLive.pipe(Layer.provideMerge(keys), Layer.provideMerge(counted), Layer.provideMerge(base))
}
