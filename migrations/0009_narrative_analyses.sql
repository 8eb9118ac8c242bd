-- Narrative analyses stored for a user (POST /narrative/{userId}/analyze): the result is sealed
-- with the user's data key (its evidence quotes their text), keyed by the client's idempotency
-- key; `fingerprint` is a hash of the analysed input, so a reused key with another text is refused.
CREATE TABLE narrative_analyses (
  analysis_id      uuid PRIMARY KEY,
  user_id          text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 128),
  idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  fingerprint      text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  kind             text NOT NULL,
  analyzer_version text NOT NULL,
  result           jsonb NOT NULL,
  created_at       timestamptz NOT NULL,
  UNIQUE (user_id, idempotency_key)
);

CREATE INDEX narrative_analyses_user_idx ON narrative_analyses (user_id, created_at DESC);
CREATE INDEX narrative_analyses_time_idx ON narrative_analyses (created_at);
