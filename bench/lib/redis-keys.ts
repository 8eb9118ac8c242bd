import { Redis } from "ioredis";

/** Deletes every Redis key under `prefix` (a run's rate-limit and cache state). */
export const dropRedisKeys = async (url: string, prefix: string): Promise<void> => {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
};
