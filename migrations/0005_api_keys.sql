-- API keys (SPEC concerns 2 and 3): stored as the SHA-256 of the key plus its first characters
-- for display, never the key itself. `status` holds what was decided (active, rotating, revoked);
-- `expired` follows from time (past expires_at, or past a rotation's overlap_ends_at) and is
-- computed when read, so no job has to flip it on time.
CREATE TABLE api_keys (
  key_id           uuid PRIMARY KEY,
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  env              text NOT NULL CHECK (env IN ('dev', 'staging', 'prod')),
  scopes           text[] NOT NULL CHECK (cardinality(scopes) >= 1),
  key_hash         text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  display_prefix   text NOT NULL,
  status           text NOT NULL CHECK (status IN ('active', 'rotating', 'revoked')),
  created_at       timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL CHECK (expires_at > created_at),
  last_used_at     timestamptz,
  rotated_from     uuid REFERENCES api_keys (key_id),
  replaced_by      uuid REFERENCES api_keys (key_id),
  overlap_ends_at  timestamptz,
  revoked_at       timestamptz,
  -- After a scheduled rotation: the successor key, encrypted (AES-256-GCM) until the holder of this
  -- key claims it once (POST /keys/successor); then NULL.
  successor_handover text,
  CHECK ((status = 'rotating') = (replaced_by IS NOT NULL AND overlap_ends_at IS NOT NULL) OR status = 'revoked'),
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);

-- Scheduled rotations: one per key. A due row is taken with FOR UPDATE SKIP LOCKED and rotated in
-- the same transaction that moves or deletes it, so with several Hub instances it runs once.
CREATE TABLE api_key_rotation_schedules (
  key_id           uuid PRIMARY KEY REFERENCES api_keys (key_id),
  next_run_at      timestamptz NOT NULL,
  every_seconds    integer CHECK (every_seconds > 0),
  overlap_seconds  integer NOT NULL CHECK (overlap_seconds >= 0),
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX api_key_rotation_schedules_due_idx ON api_key_rotation_schedules (next_run_at);
