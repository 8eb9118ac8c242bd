// Which Hub runner owns a user's `EnergyAccount` actor, computed as @effect/cluster's Sharding
// computes it (0.60): the entity id hashed to one of `shardsPerGroup` (300) shards of the "default"
// group, and the shards spread over the healthy runners by a consistent hash ring (`effect/HashRing`,
// every runner with weight `runnerShardWeight`, 1). The runners come from `GET
// /monitoring/system-info` (`cluster.runners`). The prediction is checked against what the Hubs
// show: each runner's predicted shard count against its `cluster.shards.ownedHere`, and, for a
// sample of fresh users, the instance whose `phoenix_energy_actor_activations` moves when the
// user's actor first starts.
import * as RunnerAddress from "@effect/cluster/RunnerAddress";
import * as HashRing from "effect/HashRing";

/** @effect/cluster's defaults, which the Hub keeps (src/services/cluster/live.ts sets neither). */
export const SHARDS_PER_GROUP = 300;
const RUNNER_SHARD_WEIGHT = 1;

/**
 * @effect/cluster's internal string hash (src/internal/hash.ts, not exported): djb2 over the
 * characters from the last, folded to 31 bits as Effect's Hash does.
 */
const hashString = (text: string): number => {
  let h = 5381;
  let i = text.length;
  while (i) h = (h * 33) ^ text.charCodeAt(--i);
  return (h & 0xbfffffff) | ((h >>> 1) & 0x40000000);
};

/** The shard (1…300) of an entity id, as `Sharding.getShardId`. */
export const shardOf = (entityId: string): number => Math.abs(hashString(entityId) % SHARDS_PER_GROUP) + 1;

/** Runner address ("host:port") of each shard (index 0 = shard 1), for these healthy runners. */
export const shardOwners = (runners: ReadonlyArray<string>): ReadonlyArray<string> => {
  const ring = HashRing.make<RunnerAddress.RunnerAddress>();
  for (const runner of runners) {
    const [host, port] = runner.split(":");
    HashRing.add(ring, RunnerAddress.make(host!, Number(port)), { weight: RUNNER_SHARD_WEIGHT });
  }
  const owners = HashRing.getShards(ring, SHARDS_PER_GROUP);
  if (owners === undefined) throw new Error("no runners to own the shards");
  return owners.map((address) => `${address.host}:${address.port}`);
};

/** The runner that owns `userId`'s account actor. */
export const ownerOf = (owners: ReadonlyArray<string>, userId: string): string => owners[shardOf(userId) - 1]!;

/** Predicted shards per runner. */
export const shardCounts = (owners: ReadonlyArray<string>): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const owner of owners) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
};

/** `phoenix_energy_actor_activations` from a Prometheus text (0 when absent). */
export const activationsIn = (prometheusText: string): number => {
  let total = 0;
  for (const line of prometheusText.split("\n")) {
    if (line.startsWith("phoenix_energy_actor_activations")) total += Number(line.trim().split(/\s+/).at(-1));
  }
  return total;
};
