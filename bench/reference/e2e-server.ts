// The reference of bench:e2e: the least a production charge endpoint can do, written by hand with
// node:http, pg and ioredis, doing the checks the Hub does on POST /energy/{userId}/consume:
//   1. the API key: `Authorization: Bearer <key>`, its SHA-256 looked up in a table of keys, the
//      answer cached in memory (as the Hub caches its keys);
//   2. rate limits: one Lua script, one round trip, two token buckets (per client IP and per key),
//      time from Redis;
//   3. the body: JSON with a known action and an idempotency key;
//   4. one transaction: the conditional balance update, the transaction row (its idempotency key
//      unique per user; a replay answers the original), the event appended to the user's stream at
//      the account's new version.
// It answers 200 {"transactionId","balance"} like the Hub's consume (401, 429, 400, 402, 404 and
// 500 otherwise), and GET /ready 200 once it listens. Its tables (bench_ref_*) are e2e-ledger.ts's.
//
// Env: PORT, HOST, DATABASE_URL, REDIS_URL, REFERENCE_POOL_SIZE (default 32).
import { createHash, randomUUID } from "node:crypto";
import http from "node:http";
import { Redis } from "ioredis";
import * as Pg from "pg";
import { REFERENCE_COSTS } from "./e2e-ledger.js";

/** KEYS = [ip bucket, key bucket]; ARGV = [ip limit, key limit, window ms]; answers 1 (allowed) or 0. */
const TOKEN_BUCKETS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[3])
local function take(key, limit)
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1]) or limit
  local at = tonumber(state[2]) or now
  tokens = math.min(limit, tokens + math.floor((now - at) * limit / window))
  if tokens < 1 then return -1 end
  return tokens - 1
end
local ip = take(KEYS[1], tonumber(ARGV[1]))
if ip < 0 then return 0 end
local key = take(KEYS[2], tonumber(ARGV[2]))
if key < 0 then return 0 end
redis.call('HSET', KEYS[1], 'tokens', ip, 'at', now)
redis.call('PEXPIRE', KEYS[1], window)
redis.call('HSET', KEYS[2], 'tokens', key, 'at', now)
redis.call('PEXPIRE', KEYS[2], window)
return 1
`;

/** Limits the bench never reaches (as the Hub's UNREACHED_LIMITS_ENV): the checks run, nothing is refused. */
const IP_LIMIT = 1_000_000_000;
const KEY_LIMIT = 1_000_000_000;
const WINDOW_MS = 60_000;

interface Principal {
  readonly keyId: string;
  readonly scopes: ReadonlyArray<string>;
}

const json = (response: http.ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
};

const CONSUME_PATH = /^\/energy\/([^/]+)\/consume$/;

const start = (): void => {
  const pool = new Pg.Pool({
    connectionString: process.env["DATABASE_URL"],
    max: Number(process.env["REFERENCE_POOL_SIZE"] ?? 32),
    application_name: "luna-bench-reference",
  });
  const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379", { enableAutoPipelining: true });
  redis.defineCommand("tokenBuckets", { numberOfKeys: 2, lua: TOKEN_BUCKETS });
  const runId = randomUUID().slice(0, 8);
  const keys = new Map<string, Principal | null>();

  const principalOf = async (authorization: string | undefined): Promise<Principal | null> => {
    if (authorization === undefined || !authorization.startsWith("Bearer ")) return null;
    const hash = createHash("sha256").update(authorization.slice(7)).digest("hex");
    const cached = keys.get(hash);
    if (cached !== undefined) return cached;
    const row = (await pool.query<{ key_id: string; scopes: Array<string> }>("SELECT key_id, scopes FROM bench_ref_keys WHERE key_hash = $1", [hash])).rows[0];
    const principal = row === undefined ? null : { keyId: row.key_id, scopes: row.scopes };
    keys.set(hash, principal);
    return principal;
  };

  const readBody = (request: http.IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => {
        body += chunk;
      });
      request.on("end", () => resolve(body));
      request.on("error", reject);
    });

  const consume = async (userId: string, action: string, cost: number, idempotencyKey: string) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const updated = await client.query<{ balance: string; version: string }>(
        "UPDATE bench_ref_accounts SET balance = balance - $2, version = version + 1 WHERE user_id = $1 AND balance >= $2 RETURNING balance::text, version::text",
        [userId, cost],
      );
      const account = updated.rows[0];
      if (account === undefined) {
        await client.query("ROLLBACK");
        const exists = await pool.query("SELECT 1 FROM bench_ref_accounts WHERE user_id = $1", [userId]);
        return exists.rowCount === 0 ? ({ status: 404, body: { error: "UserNotFound" } } as const) : ({ status: 402, body: { error: "InsufficientEnergy" } } as const);
      }
      const id = randomUUID();
      const inserted = await client.query(
        "INSERT INTO bench_ref_transactions (id, user_id, kind, amount, balance_after, action, idempotency_key) VALUES ($1, $2, 'consume', $3, $4, $5, $6) ON CONFLICT (user_id, idempotency_key) DO NOTHING",
        [id, userId, -cost, account.balance, action, idempotencyKey],
      );
      if (inserted.rowCount === 0) {
        // A replay: undo the debit and answer the original.
        await client.query("ROLLBACK");
        const original = (await pool.query<{ id: string; balance_after: string }>(
          "SELECT id, balance_after::text FROM bench_ref_transactions WHERE user_id = $1 AND idempotency_key = $2",
          [userId, idempotencyKey],
        )).rows[0]!;
        return { status: 200, body: { transactionId: original.id, balance: Number(original.balance_after) } } as const;
      }
      await client.query("INSERT INTO bench_ref_events (stream_id, stream_version, type, data) VALUES ($1, $2, 'EnergyConsumed', $3)", [
        `energy:${userId}`,
        account.version,
        JSON.stringify({ transactionId: id, action, amount: cost, balanceAfter: Number(account.balance) }),
      ]);
      await client.query("COMMIT");
      return { status: 200, body: { transactionId: id, balance: Number(account.balance) } } as const;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    if (request.method === "GET" && request.url === "/ready") return json(response, 200, { status: "ready" });
    const match = request.method === "POST" ? CONSUME_PATH.exec(request.url ?? "") : null;
    if (match === null) return json(response, 404, { error: "NotFound" });
    const principal = await principalOf(request.headers.authorization);
    if (principal === null) return json(response, 401, { error: "Unauthorized" });
    const allowed = await (redis as unknown as { tokenBuckets: (...args: Array<string | number>) => Promise<number> }).tokenBuckets(
      `ref:${runId}:ip:${request.socket.remoteAddress ?? "unknown"}`,
      `ref:${runId}:key:${principal.keyId}`,
      IP_LIMIT,
      KEY_LIMIT,
      WINDOW_MS,
    );
    if (allowed !== 1) return json(response, 429, { error: "RateLimited" });
    if (!principal.scopes.includes("energy:write")) return json(response, 403, { error: "Forbidden" });
    let body: { action?: unknown; idempotencyKey?: unknown };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch {
      return json(response, 400, { error: "BadRequest" });
    }
    const cost = typeof body.action === "string" ? REFERENCE_COSTS[body.action] : undefined;
    if (cost === undefined || typeof body.idempotencyKey !== "string" || body.idempotencyKey.length === 0) {
      return json(response, 400, { error: "BadRequest" });
    }
    const answer = await consume(decodeURIComponent(match[1]!), body.action as string, cost, body.idempotencyKey);
    json(response, answer.status, answer.body);
  };

  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) json(response, 500, { error: "Internal" });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env["PORT"] ?? 0), process.env["HOST"] ?? "127.0.0.1");
  const stop = () => {
    server.close();
    void Promise.allSettled([pool.end(), redis.quit()]).then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
};

start();
