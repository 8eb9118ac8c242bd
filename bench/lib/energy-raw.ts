// The reference of bench:energy's write path: the least a charge can cost in plain SQL through
// `pg`, on tables of its own in the bench database. Per charge, one transaction on a pooled client:
//   BEGIN; UPDATE bench_raw_accounts SET balance = balance - 5 WHERE user_id = $1 AND balance >= 5;
//   INSERT INTO bench_raw_transactions (id, user_id, amount, idempotency_key, created_at) …; COMMIT
// (four round trips; the idempotency key is unique per user). Driven by `runClosedLoop`:
// `concurrency` async loops, each one charge after another, until the time or the budget runs out.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import * as Pg from "pg";
import { registerCleanup } from "./cleanup.js";

export const RAW_COST = 5;

export interface RawPool {
  readonly pool: Pg.Pool;
  /** Ends the pool (once; also run at cleanup). */
  readonly end: () => Promise<void>;
}

/** A pg.Pool ended at cleanup unless `end` was called before. */
export const rawPool = (config: Pg.PoolConfig): RawPool => {
  const pool = new Pg.Pool({ ...config, application_name: "luna-bench-raw" });
  pool.on("error", () => undefined);
  let ending: Promise<void> | undefined;
  const end = (): Promise<void> => (ending ??= pool.end().catch(() => undefined));
  registerCleanup({ name: "end a raw pg pool", run: end, runSync: () => undefined });
  return { pool, end };
};

/** Creates the reference's two tables and opens `users` accounts `u-raw-<i>` with `balance`. */
export const createRawLedger = async (pool: Pg.Pool, users: number, balance: number): Promise<ReadonlyArray<string>> => {
  await pool.query(`
    CREATE TABLE bench_raw_accounts (
      user_id text PRIMARY KEY,
      balance bigint NOT NULL CHECK (balance >= 0)
    )`);
  await pool.query(`
    CREATE TABLE bench_raw_transactions (
      id              uuid PRIMARY KEY,
      user_id         text NOT NULL,
      amount          bigint NOT NULL,
      idempotency_key text NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now(),
      UNIQUE (user_id, idempotency_key)
    )`);
  await pool.query("INSERT INTO bench_raw_accounts (user_id, balance) SELECT 'u-raw-' || i, $1 FROM generate_series(0, $2 - 1) AS i", [balance, users]);
  await pool.query("ANALYZE bench_raw_accounts");
  return Array.from({ length: users }, (_, i) => `u-raw-${i}`);
};

const DEBIT = "UPDATE bench_raw_accounts SET balance = balance - $2 WHERE user_id = $1 AND balance >= $2";
const RECORD = "INSERT INTO bench_raw_transactions (id, user_id, amount, idempotency_key, created_at) VALUES ($1, $2, $3, $4, now())";

/** One charge of RAW_COST as one transaction; rejects if the account is missing or too low. */
export const rawCharge = async (pool: Pg.Pool, userId: string, idempotencyKey: string): Promise<void> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    try {
      const debited = await client.query(DEBIT, [userId, RAW_COST]);
      if (debited.rowCount !== 1) throw new Error(`no account ${userId} with ${RAW_COST} available`);
      await client.query(RECORD, [randomUUID(), userId, RAW_COST, idempotencyKey]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch((rollback: unknown) => {
        broken = rollback instanceof Error ? rollback : new Error(String(rollback));
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
};

export interface LoopResult {
  readonly ops: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly elapsedMs: number;
  /** Sorted ascending. */
  readonly latenciesMs: ReadonlyArray<number>;
}

export interface LoopSettings {
  readonly concurrency: number;
  readonly durationMs: number;
  /** A bound on the operations, whatever the speed. */
  readonly maxOps: number;
}

/** Numbers operations across runs (warm-up and rounds), e.g. for unique keys. */
export interface OpCounter {
  next: number;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `concurrency` loops, each running `op` one after another until the time or the budget runs out. */
export const runClosedLoop = async (op: (i: number) => Promise<unknown>, counter: OpCounter, settings: LoopSettings): Promise<LoopResult> => {
  const started = performance.now();
  const deadline = started + settings.durationMs;
  let budget = settings.maxOps;
  let errors = 0;
  let firstError: string | undefined;
  const latencies: Array<number> = [];
  const loop = async (): Promise<void> => {
    while (budget > 0 && performance.now() < deadline) {
      budget--;
      const i = counter.next++;
      const t0 = performance.now();
      try {
        await op(i);
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors++;
        firstError ??= describe(error);
      }
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, loop));
  return { ops: latencies.length, errors, firstError, elapsedMs: performance.now() - started, latenciesMs: latencies.sort((a, b) => a - b) };
};

export const mergeLoops = (results: ReadonlyArray<LoopResult>): LoopResult => ({
  ops: results.reduce((sum, r) => sum + r.ops, 0),
  errors: results.reduce((sum, r) => sum + r.errors, 0),
  firstError: results.find((r) => r.firstError !== undefined)?.firstError,
  elapsedMs: results.reduce((sum, r) => sum + r.elapsedMs, 0),
  latenciesMs: results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b),
});

export const opsPerSecond = (result: LoopResult): number => (result.elapsedMs > 0 ? (result.ops * 1000) / result.elapsedMs : 0);
