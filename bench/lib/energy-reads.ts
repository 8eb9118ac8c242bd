// Phase (c) of bench:energy: a balance read served by the user's account actor (in memory) against
// a point select on Postgres, in this process, so that HTTP does not drown the difference.
//
// The energy service is built as the Hub builds it over Postgres (`EnergyLive` on `ClusterLive`,
// the event store and `DatabaseLive`), on a database of its own: this process is a cluster runner
// on a free loopback port, on real time. `users` accounts are opened (plan `pack`) and every actor
// is warmed by one balance read; then `energy.balance(userId)` and
// `SELECT balance FROM energy_accounts WHERE user_id = $1` (a plain pg.Pool of `poolSize`) are run
// at the same concurrency, warm-up then interleaved rounds A B B A (bench/lib/events-load.ts).
import { Context, Duration, Effect, Exit, Fiber, Layer, LogLevel } from "effect";
import * as Pg from "pg";
import { HubConfig } from "../../src/config.js";
import { awaitMigrated, DatabaseLive } from "../../src/services/database/live.js";
import { ClusterLive } from "../../src/services/cluster/live.js";
import { Energy } from "../../src/services/energy/Energy.js";
import { CacheLive } from "../../src/services/cache/live.js";
import { EnergyLive } from "../../src/services/energy/live.js";
import { ConsentLive } from "../../src/services/gdpr/consent/live.js";
import { EventStoreWithDataKeys } from "../../src/layers/hub.js";
import { RateLimitsLive } from "../../src/services/rate-limit/policy.js";
import { RedisStoreMemory } from "../../src/services/redis/memory.js";
import type { UserId } from "../../src/services/guardian/schema.js";
import { generateApiKey } from "../../src/services/keys/format.js";
import { throwawaySecretsEnv } from "./env.js";
import { loggerLayer } from "../../src/services/logging/logger.js";
import { registerCleanup } from "./cleanup.js";
import { type LoadResult, measureInterleaved } from "./events-load.js";
import { getFreePort } from "./net.js";

export interface ReadSettings {
  /** The database to build on (fresh; migrated here). */
  readonly url: string;
  readonly users: number;
  readonly concurrency: number;
  /** pg.Pool size of the point-select side. */
  readonly poolSize: number;
  readonly warmupMs: number;
  /** Per target, split over two rounds. */
  readonly measuredMs: number;
  /** Per target and round. */
  readonly maxOpsPerRound: number;
  readonly log: (message: string) => void;
}

export interface ReadResults {
  readonly actor: LoadResult;
  readonly pg: LoadResult;
  readonly openSeconds: number;
  /** Balances every actor answered match the table (checked once after warming). */
  readonly mismatches: number;
}

const MIGRATION_WAIT = Duration.seconds(30);
const ACTOR = "bench";
const READ_BALANCE = "SELECT balance FROM energy_accounts WHERE user_id = $1";

const program = (settings: ReadSettings) =>
  Effect.gen(function* () {
    const log = (message: string) => Effect.sync(() => settings.log(message));
    const runnerPort = yield* Effect.promise(getFreePort);
    // Production mode (DATABASE_URL set) requires these secrets; nothing here uses them.
    const env = {
      DATABASE_URL: settings.url,
      CLUSTER_RUNNER_PORT: String(runnerPort),
      ...throwawaySecretsEnv(),
      HUB_BOOTSTRAP_ADMIN_KEY: generateApiKey("dev"),
    };
    const base = yield* Layer.build(DatabaseLive({ registerInstance: false }).pipe(Layer.provideMerge(HubConfig.fromRecord(env))));
    yield* awaitMigrated.pipe(
      Effect.provide(base),
      Effect.timeoutFail({ duration: MIGRATION_WAIT, onTimeout: () => new Error(`migrations not applied within ${Duration.format(MIGRATION_WAIT)}`) }),
    );
    // As src/layers/hub.ts composes them: the energy service on the cluster and the event store.
    const context = yield* Layer.build(
      EnergyLive.pipe(
        Layer.provideMerge(Layer.mergeAll(ClusterLive, ConsentLive, Layer.merge(CacheLive, RateLimitsLive).pipe(Layer.provide(RedisStoreMemory)))),
        Layer.provideMerge(EventStoreWithDataKeys),
        Layer.provide(Layer.succeedContext(base)),
      ),
    );
    const energy = Context.get(context, Energy);
    const users = Array.from({ length: settings.users }, (_, i) => `u-read-${i}` as UserId);

    const opening = performance.now();
    yield* Effect.forEach(users, (user) => energy.open(user, "pack", ACTOR), { concurrency: settings.concurrency, discard: true });
    const openSeconds = (performance.now() - opening) / 1000;
    yield* log(`(c) ${users.length} accounts opened in ${openSeconds.toFixed(1)} s; warming the actors`);
    const balances = yield* Effect.forEach(users, (user) => energy.balance(user), { concurrency: settings.concurrency });

    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const p = new Pg.Pool({ connectionString: settings.url, max: settings.poolSize, application_name: "luna-bench-reads" });
        p.on("error", () => undefined);
        return p;
      }),
      (p) => Effect.promise(() => p.end().catch(() => undefined)),
    );
    const stored = yield* Effect.promise(() => pool.query<{ user_id: string; balance: string }>("SELECT user_id, balance::text FROM energy_accounts"));
    const byUser = new Map(stored.rows.map((row) => [row.user_id, Number(row.balance)]));
    const mismatches = balances.filter((b) => byUser.get(b.userId) !== b.balance).length;

    const [actor, pg] = yield* measureInterleaved(
      [
        { label: "energy.balance (actor, in memory)", eventsPerOp: 1, op: (i) => energy.balance(users[i % users.length]!) },
        {
          label: `pg point select (pool ${settings.poolSize})`,
          eventsPerOp: 1,
          op: (i) => Effect.tryPromise(() => pool.query(READ_BALANCE, [users[i % users.length]!])),
        },
      ],
      { concurrency: settings.concurrency, warmupMs: settings.warmupMs, measuredMs: settings.measuredMs, maxOpsPerRound: settings.maxOpsPerRound },
      (message) => log(`(c) ${message}`),
    );
    return { actor: actor!, pg: pg!, openSeconds, mismatches } satisfies ReadResults;
  });

/**
 * Runs phase (c) and tears the service down (runner, pools). Interrupted by the cleanup registry
 * if the bench is stopped meanwhile.
 */
export const measureBalanceReads = async (settings: ReadSettings): Promise<ReadResults> => {
  const fiber = Effect.runFork(
    Effect.scoped(program(settings)).pipe(
      // As the Hub runs without an OTLP endpoint (src/main.ts): spans are no-ops.
      Effect.withTracerEnabled(false),
      Effect.provide(loggerLayer({ format: "pretty", level: LogLevel.Warning, sink: (line) => process.stderr.write(`${line}\n`) })),
    ),
  );
  registerCleanup({
    name: "stop the in-process energy service",
    run: () => Effect.runPromise(Fiber.interrupt(fiber).pipe(Effect.timeout("10 seconds"), Effect.ignore)),
    runSync: () => undefined,
  });
  const exit = await Effect.runPromise(Fiber.await(fiber));
  if (Exit.isSuccess(exit)) return exit.value;
  throw new Error(`(c) the in-process energy service failed: ${String(exit.cause)}`);
};
