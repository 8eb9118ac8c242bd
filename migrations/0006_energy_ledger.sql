-- The energy ledger (SPEC concern 1). Accounts hold the current state; transactions are the
-- immutable record of every change; each transaction is also an event of the stream
-- `energy:<user>` (same database transaction). The account actor serialises a user's commands,
-- but these constraints are the guarantee: two runners holding one user cannot overdraw it,
-- charge a key twice, resolve a reservation twice or refund more than was consumed.

-- What an action costs (editable: PUT /admin/energy/actions/{action}).
CREATE TABLE energy_actions (
  action      text PRIMARY KEY CHECK (action ~ '^[a-z][a-z0-9_]{0,63}$'),
  cost        integer NOT NULL CHECK (cost BETWEEN 1 AND 1000000),
  description text NOT NULL DEFAULT '',
  updated_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO energy_actions (action, cost, description) VALUES
  ('coach_message', 5, 'A message to the AI coach'),
  ('narrative_analysis', 10, 'An analysis of the user''s texts'),
  ('cv_analysis', 15, 'An analysis of a CV'),
  ('cover_letter_generation', 20, 'A generated cover letter'),
  ('cv_generation', 25, 'A generated CV'),
  ('career_transition_plan', 30, 'A career transition plan');

-- The three plans and their editable figures (PUT /admin/energy/plans/{plan}). Their kinds are
-- fixed: `free` regenerates up to its cap, `pack` neither caps nor regenerates, `unlimited`
-- records consumes without debiting them.
CREATE TABLE energy_plans (
  plan                          text PRIMARY KEY CHECK (plan IN ('free', 'pack', 'unlimited')),
  opening_balance               integer NOT NULL CHECK (opening_balance BETWEEN 0 AND 1000000),
  cap                           integer CHECK (cap BETWEEN 1 AND 1000000),
  regeneration_amount           integer NOT NULL CHECK (regeneration_amount BETWEEN 0 AND 1000000),
  regeneration_interval_seconds integer NOT NULL CHECK (regeneration_interval_seconds BETWEEN 1 AND 31536000),
  updated_at                    timestamptz NOT NULL DEFAULT now(),
  CHECK (plan <> 'free' OR cap IS NOT NULL)
);

INSERT INTO energy_plans (plan, opening_balance, cap, regeneration_amount, regeneration_interval_seconds) VALUES
  ('free', 100, 100, 5, 3600),
  ('pack', 0, NULL, 0, 3600),
  ('unlimited', 0, NULL, 0, 3600);

-- One row per user. `version` is the number of events in the user's stream `energy:<user>`:
-- every write moves it on, and a write that does not find the version it read is refused.
CREATE TABLE energy_accounts (
  user_id         text PRIMARY KEY,
  plan            text NOT NULL REFERENCES energy_plans (plan),
  balance         bigint NOT NULL CHECK (balance >= 0),
  reserved        bigint NOT NULL CHECK (reserved >= 0 AND reserved <= balance),
  -- Regeneration is computed from here on access (no job); a write materialises it.
  regenerated_at  timestamptz NOT NULL,
  version         bigint NOT NULL CHECK (version >= 1),
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);

CREATE TABLE energy_transactions (
  transaction_id   uuid PRIMARY KEY,
  user_id          text NOT NULL REFERENCES energy_accounts (user_id),
  -- The account's version after this row: orders a user's transactions (cursor pagination).
  seq              bigint NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('consume', 'refund', 'purchase', 'credit', 'regeneration', 'reservation', 'commit', 'release')),
  -- The request's figure (an action's cost, a refund, a purchase, a hold…), never negative.
  amount           bigint NOT NULL CHECK (amount >= 0),
  -- What the row did to the balance and to the reserved energy (an unlimited consume debits 0).
  balance_delta    bigint NOT NULL,
  reserved_delta   bigint NOT NULL,
  balance_after    bigint NOT NULL CHECK (balance_after >= 0),
  reserved_after   bigint NOT NULL CHECK (reserved_after >= 0 AND reserved_after <= balance_after),
  action           text,
  idempotency_key  text NOT NULL,
  fingerprint      text NOT NULL,
  reference_id     uuid REFERENCES energy_transactions (transaction_id),
  expires_at       timestamptz,
  metadata         jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL,
  UNIQUE (user_id, idempotency_key),
  UNIQUE (user_id, seq),
  CHECK ((kind IN ('refund', 'commit', 'release')) = (reference_id IS NOT NULL)),
  CHECK ((kind = 'reservation') = (expires_at IS NOT NULL))
);

-- A reservation resolves (commit or release) at most once.
CREATE UNIQUE INDEX energy_transactions_resolves_once
  ON energy_transactions (reference_id) WHERE kind IN ('commit', 'release');
-- Refunds of one consume, and the open reservations of a user.
CREATE INDEX energy_transactions_refunds ON energy_transactions (reference_id) WHERE kind = 'refund';
CREATE INDEX energy_transactions_reservations ON energy_transactions (user_id) WHERE kind = 'reservation';
-- Stats and leaderboard by period.
CREATE INDEX energy_transactions_by_time ON energy_transactions (created_at, kind);

-- Transactions are immutable. The GDPR erasure (a later migration) may set
-- `luna.ledger_erasure = 'on'` for its own transaction; nothing else updates or deletes a row.
CREATE OR REPLACE FUNCTION luna_energy_transactions_immutable() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF coalesce(current_setting('luna.ledger_erasure', true), '') = 'on' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION 'energy transactions are immutable (% refused)', TG_OP USING ERRCODE = 'LU423';
END;
$$;

CREATE TRIGGER energy_transactions_immutable
  BEFORE UPDATE OR DELETE ON energy_transactions
  FOR EACH ROW EXECUTE FUNCTION luna_energy_transactions_immutable();

-- A refund references a consume (or a commit) of the same user and, with the earlier refunds of
-- it, returns at most what that row debited. The referenced row is locked (not updated) so two
-- concurrent refunds of one consume are checked one after the other.
CREATE OR REPLACE FUNCTION luna_energy_refund_bound() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  v_debited bigint;
  v_kind text;
  v_user text;
  v_refunded bigint;
BEGIN
  IF NEW.kind <> 'refund' THEN
    RETURN NEW;
  END IF;
  SELECT -balance_delta, kind, user_id INTO v_debited, v_kind, v_user
    FROM energy_transactions WHERE transaction_id = NEW.reference_id FOR NO KEY UPDATE;
  IF v_kind IS NULL OR v_kind NOT IN ('consume', 'commit') OR v_user <> NEW.user_id THEN
    RAISE EXCEPTION 'a refund references a consume or a commit of the same user' USING ERRCODE = 'LU422';
  END IF;
  SELECT coalesce(sum(amount), 0) INTO v_refunded
    FROM energy_transactions WHERE reference_id = NEW.reference_id AND kind = 'refund';
  IF v_refunded + NEW.amount > v_debited THEN
    RAISE EXCEPTION 'refund exceeds what remains refundable (% of %)', v_debited - v_refunded, v_debited
      USING ERRCODE = 'LU422';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER energy_transactions_refund_bound
  BEFORE INSERT ON energy_transactions
  FOR EACH ROW EXECUTE FUNCTION luna_energy_refund_bound();

-- One ledger write as one statement (one round trip, atomic on its own): moves the account from
-- the version its actor read to the state it computed, inserts the transaction rows and appends
-- their events to stream `energy:<user>` through the event store's own function. Refused as a
-- whole: LU409 when the account (or its stream) is not at `p_from_version`; a unique or check
-- violation (a taken idempotency key, a second resolution, a negative balance); LU422 (refund bound).
-- p_account: {plan, balance, reserved, regeneratedAt, version, updatedAt};
-- p_rows: the rows as the transactions table names its columns; p_events: the store's payload.
CREATE OR REPLACE FUNCTION luna_energy_write(
  p_user_id text,
  p_from_version bigint,
  p_account jsonb,
  p_rows jsonb,
  p_stream_id text,
  p_events jsonb
) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  UPDATE energy_accounts SET
    plan = p_account->>'plan',
    balance = (p_account->>'balance')::bigint,
    reserved = (p_account->>'reserved')::bigint,
    regenerated_at = (p_account->>'regeneratedAt')::timestamptz,
    version = (p_account->>'version')::bigint,
    updated_at = (p_account->>'updatedAt')::timestamptz
  WHERE user_id = p_user_id AND version = p_from_version;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'energy account % is not at version %', p_user_id, p_from_version
      USING ERRCODE = 'LU409', DETAIL = p_from_version::text;
  END IF;
  INSERT INTO energy_transactions (transaction_id, user_id, seq, kind, amount, balance_delta, reserved_delta, balance_after,
    reserved_after, action, idempotency_key, fingerprint, reference_id, expires_at, metadata, created_at)
  SELECT r.transaction_id, p_user_id, r.seq, r.kind, r.amount, r.balance_delta, r.reserved_delta, r.balance_after,
    r.reserved_after, r.action, r.idempotency_key, r.fingerprint, r.reference_id, r.expires_at, coalesce(r.metadata, '{}'), r.created_at
  FROM jsonb_to_recordset(p_rows) AS r(transaction_id uuid, seq bigint, kind text, amount bigint, balance_delta bigint,
    reserved_delta bigint, balance_after bigint, reserved_after bigint, action text, idempotency_key text, fingerprint text,
    reference_id uuid, expires_at timestamptz, metadata jsonb, created_at timestamptz);
  IF jsonb_array_length(p_events) > 0 THEN
    PERFORM luna_append_events(p_stream_id, 'energy', p_from_version::text, p_events, NULL);
  END IF;
END;
$$;
