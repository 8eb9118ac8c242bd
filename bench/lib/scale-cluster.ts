// The Hub clusters of bench:scale: `size` Hub processes in production mode on a fresh database of
// the local Postgres, each a cluster runner on its own loopback port, sharing one set of secrets and
// a Redis key prefix; ready, with the shard assignment settled, a service key, and seeded accounts.
// Plus which runner owns which shard (see scale-shards.ts), checked against the Hubs.
import { randomUUID } from "node:crypto";
import { generateApiKey } from "../../src/services/keys/format.js";
import { registerCleanup } from "./cleanup.js";
import { createEnergyDatabase } from "./energy-database.js";
import { bearer, createServiceKey, forEachConcurrently, type JsonAnswer, requestJson, setupAgent, waitForAdminKey } from "./energy-http.js";
import { productionHubEnv, throwawaySecretsEnv } from "./env.js";
import { getFreePort } from "./net.js";
import { activationsIn, ownerOf, shardCounts, shardOwners } from "./scale-shards.js";
import { describeServerFailure, type ServerProcess, spawnServer, waitForReady } from "./server.js";
import { dropRedisKeys } from "./redis-keys.js";

const READY_TIMEOUT_MS = 120_000;
const SETTLE_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;

export interface Cluster {
  readonly hubs: ReadonlyArray<ServerProcess>;
  readonly origins: ReadonlyArray<string>;
  readonly adminKey: string;
  readonly serviceKey: string;
  readonly databaseUrl: string;
  readonly users: ReadonlyArray<string>;
  /** Shard owners (runner address per shard, index 0 = shard 1) and each runner's HTTP origin. */
  readonly ownership: Ownership;
  /** Throws if a Hub has died. */
  readonly alive: () => void;
  readonly stop: () => Promise<void>;
}

export interface Ownership {
  readonly owners: ReadonlyArray<string>;
  readonly originOf: ReadonlyMap<string, string>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A write a client retries on 503 (the Hub's "retry": e.g. the actor's shard moving while runners
 * join), with the same body and so the same idempotency key; any other answer but 2xx throws.
 */
export const postRetrying = async (agent: Parameters<typeof requestJson>[0], url: string, key: string, body: unknown): Promise<JsonAnswer> => {
  for (let attempt = 1; ; attempt++) {
    const answer = await requestJson(agent, "POST", url, bearer(key), body);
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (answer.status !== 503 || attempt >= 10) throw new Error(`POST ${url} answered ${answer.status} ${answer.body.slice(0, 300)}`);
    await sleep(250 * attempt);
  }
};

interface SystemInfoCluster {
  readonly runnerAddress: string | null;
  readonly runners: ReadonlyArray<{ readonly address: string; readonly healthy: boolean }>;
  readonly shards: { readonly total: number; readonly ownedHere: number };
}

const clusterInfo = async (origin: string, adminKey: string): Promise<SystemInfoCluster> => {
  const answer = await requestJson(false, "GET", `${origin}/monitoring/system-info`, bearer(adminKey));
  if (answer.status !== 200) throw new Error(`GET /monitoring/system-info answered ${answer.status} ${answer.body.slice(0, 200)}`);
  return (JSON.parse(answer.body) as { cluster: SystemInfoCluster }).cluster;
};

/**
 * Waits until every Hub sees all the runners healthy and owns exactly the shards the hash ring
 * gives it (the assignment has settled: no shard moves while the bench measures), and answers it.
 */
const settledOwnership = async (origins: ReadonlyArray<string>, adminKey: string): Promise<Ownership> => {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const infos = await Promise.all(origins.map((origin) => clusterInfo(origin, adminKey)));
    const healthy = infos[0]!.runners.filter((r) => r.healthy).map((r) => r.address);
    const owners = shardOwners(healthy);
    const counts = shardCounts(owners);
    const settled = healthy.length === origins.length && infos.every((info) => info.shards.ownedHere === counts.get(info.runnerAddress ?? ""));
    if (settled) return { owners, originOf: new Map(infos.map((info, i) => [info.runnerAddress!, origins[i]!])) };
    if (Date.now() > deadline) {
      const seen = infos.map((info) => `${info.runnerAddress} owns ${info.shards.ownedHere}`).join(", ");
      throw new Error(`the shard assignment never matched the prediction within ${SETTLE_TIMEOUT_MS / 1000} s: ${seen}; predicted ${JSON.stringify([...counts])}`);
    }
    await sleep(500);
  }
};

const actorActivations = async (origin: string): Promise<number> => activationsIn((await requestJson(false, "GET", `${origin}/metrics`, {})).body);

/**
 * Opens `probes` fresh accounts one by one, each through a different instance, and checks that the
 * actor started (`phoenix_energy_actor_activations` moved) on the instance predicted to own it.
 */
export const verifyOwnershipByActivations = async (cluster: Cluster, probes: number): Promise<void> => {
  for (let i = 0; i < probes; i++) {
    const userId = `u-scale-owner-${i}-${randomUUID().slice(0, 8)}`;
    const before = await Promise.all(cluster.origins.map(actorActivations));
    await postRetrying(false, `${cluster.origins[i % cluster.origins.length]}/energy/${userId}/account`, cluster.serviceKey, { plan: "pack" });
    const after = await Promise.all(cluster.origins.map(actorActivations));
    const startedOn = cluster.origins.filter((_, n) => after[n]! > before[n]!);
    const predicted = cluster.ownership.originOf.get(ownerOf(cluster.ownership.owners, userId));
    if (startedOn.length !== 1 || startedOn[0] !== predicted) {
      throw new Error(`shard ownership prediction contradicted: ${userId}'s actor started on ${startedOn.join(", ") || "no instance"}, predicted ${predicted}`);
    }
  }
};

export const startCluster = async (options: {
  readonly size: number;
  readonly label: string;
  readonly adminUrl: string;
  readonly redisUrl: string;
  readonly logDir: string;
  readonly users: number;
  readonly seedAmount: number;
  readonly log: (message: string) => void;
}): Promise<Cluster> => {
  const { label, log } = options;
  const database = await createEnergyDatabase(options.adminUrl);
  const redisPrefix = `bench-scale-${label}-${Date.now().toString(36)}:`;
  registerCleanup({ name: `drop Redis keys ${redisPrefix}`, run: () => dropRedisKeys(options.redisUrl, redisPrefix), runSync: () => undefined });
  const adminKey = generateApiKey("dev");
  // One cluster, one set of secrets (productionHubEnv draws new ones per call): a user's data key
  // wrapped under one GDPR_MASTER_KEY must open on every runner.
  const secrets = throwawaySecretsEnv();
  const hubs: Array<ServerProcess> = [];
  for (let i = 0; i < options.size; i++) {
    const runnerPort = await getFreePort();
    hubs.push(spawnServer({
      name: `hub-${label}-${i}`,
      entry: "src/main.ts",
      port: await getFreePort(),
      env: { ...productionHubEnv(database.url, adminKey, runnerPort), ...secrets, REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: redisPrefix },
      unsetEnv: ["OTEL_EXPORTER_OTLP_ENDPOINT"],
      logDir: options.logDir,
    }));
  }
  log(`${label}: ${options.size} Hub(s) on ${database.name}, waiting for /monitoring/ready ...`);
  await Promise.all(hubs.map((hub) => waitForReady(hub, { path: "/monitoring/ready", timeoutMs: READY_TIMEOUT_MS })));
  await waitForAdminKey(hubs[0]!, adminKey, 30_000);
  const origins = hubs.map((hub) => hub.origin);
  const ownership = await settledOwnership(origins, adminKey);
  const serviceKey = await createServiceKey(origins[0]!, adminKey, ["service"]);

  // Pack accounts (no regeneration), each bought `seedAmount`, through the instances in turn.
  const users = Array.from({ length: options.users }, (_, i) => `u-scale-${label}-${i}`);
  const agent = setupAgent(16);
  await forEachConcurrently(users, 16, async (userId) => {
    const origin = origins[users.indexOf(userId) % origins.length]!;
    await postRetrying(agent, `${origin}/energy/${userId}/account`, serviceKey, { plan: "pack" });
    await postRetrying(agent, `${origin}/energy/${userId}/purchase`, serviceKey, { amount: options.seedAmount, paymentReference: `seed-${userId}` });
  });
  agent.destroy();
  log(`${label}: ready, shard assignment settled, ${options.users} accounts seeded`);

  return {
    hubs,
    origins,
    adminKey,
    serviceKey,
    databaseUrl: database.url,
    users,
    ownership,
    alive: () => {
      for (const hub of hubs) if (hub.exitInfo() !== undefined) throw new Error(describeServerFailure(hub, `${hub.name} died during the benchmark`));
    },
    stop: async () => {
      await Promise.all(hubs.map((hub) => hub.stop(STOP_GRACE_MS)));
    },
  };
};
