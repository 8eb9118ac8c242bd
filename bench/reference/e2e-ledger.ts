// The reference's ledger for bench:e2e: its tables, the action costs (the Hub's defaults), and the
// setup the bench does before starting it (an API key, accounts with a balance).
import { createHash } from "node:crypto";
import type * as Pg from "pg";

export const REFERENCE_COSTS: Readonly<Record<string, number>> = {
  coach_message: 5,
  narrative_analysis: 10,
  cv_analysis: 15,
  cover_letter_generation: 20,
  cv_generation: 25,
  career_transition_plan: 30,
};

/** The reference's tables, created empty (accounts are opened by the bench). */
export const REFERENCE_SCHEMA = `
CREATE TABLE IF NOT EXISTS bench_ref_keys (key_hash text PRIMARY KEY, key_id text NOT NULL, scopes text[] NOT NULL);
CREATE TABLE IF NOT EXISTS bench_ref_accounts (user_id text PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0), version bigint NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS bench_ref_transactions (
  id uuid PRIMARY KEY, user_id text NOT NULL, kind text NOT NULL, amount bigint NOT NULL, balance_after bigint NOT NULL,
  action text NOT NULL, idempotency_key text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (user_id, idempotency_key));
CREATE TABLE IF NOT EXISTS bench_ref_events (
  position bigserial PRIMARY KEY, stream_id text NOT NULL, stream_version bigint NOT NULL, type text NOT NULL, data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream_id, stream_version));
`;

/** Creates the tables, stores `key` (its SHA-256) with `scopes`, and opens `users` with `balance`. */
export const setUpReferenceLedger = async (
  pool: Pg.Pool,
  key: string,
  scopes: ReadonlyArray<string>,
  users: ReadonlyArray<string>,
  balance: number,
): Promise<void> => {
  await pool.query(REFERENCE_SCHEMA);
  await pool.query("INSERT INTO bench_ref_keys (key_hash, key_id, scopes) VALUES ($1, $2, $3)", [
    createHash("sha256").update(key).digest("hex"),
    "ref-key",
    [...scopes],
  ]);
  await pool.query("INSERT INTO bench_ref_accounts (user_id, balance) SELECT unnest($1::text[]), $2", [[...users], balance]);
};
