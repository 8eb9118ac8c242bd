-- GDPR (SPEC concern 9): consent types and their append-only records, erasure and export requests
-- (no personal data: the user appears as a keyed hash), and the per-user data keys that encrypt
-- personal fields of events (destroying a key makes them unreadable). The requests and data keys
-- are used by the export and erasure to come.

-- What a user may consent to. `version` moves when the text changes: a consent given to an older
-- version no longer counts.
CREATE TABLE gdpr_consent_types (
  code           text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,63}$'),
  data_category  text NOT NULL UNIQUE CHECK (data_category ~ '^[a-z][a-z0-9_]{0,63}$'),
  version        integer NOT NULL CHECK (version >= 1),
  text           text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
  required       boolean NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

INSERT INTO gdpr_consent_types (code, data_category, version, text, required) VALUES
  ('essential', 'account', 1,
   'Processing needed to provide the service: your account, its energy ledger, security and the audit trail.', true),
  ('behavioral', 'behavioral', 1,
   'Statistics about how you use Phoenix (actions, energy spent over time) to adapt what it suggests.', false),
  ('narrative_analysis', 'narrative_analysis', 1,
   'Analysis of the texts you write (journal entries, career narrative) to find themes, stage and evidence.', false),
  ('marketing', 'marketing', 1,
   'News and offers about Phoenix by email.', false);

-- Every grant and withdrawal, never updated: the latest record per (user, type) is the current
-- state, the rest is its history. IP and user agent are stored anonymised (truncated IP, keyed
-- hash of the user agent).
CREATE TABLE gdpr_consent_records (
  record_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id        text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 128),
  consent_type   text NOT NULL REFERENCES gdpr_consent_types (code),
  version        integer NOT NULL CHECK (version >= 1),
  granted        boolean NOT NULL,
  source         text NOT NULL CHECK (source IN ('web', 'mobile', 'api', 'support')),
  ip_anonymised  text,
  user_agent_hash text,
  recorded_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX gdpr_consent_records_user_idx ON gdpr_consent_records (user_id, consent_type, record_id);
CREATE INDEX gdpr_consent_records_time_idx ON gdpr_consent_records (recorded_at);

-- Erasures and exports asked for: what was done, when, and how much, about a keyed hash of the user.
CREATE TABLE gdpr_requests (
  request_id     uuid PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN ('erasure', 'export')),
  user_hash      text NOT NULL CHECK (user_hash ~ '^[0-9a-f]{64}$'),
  status         text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  counts         jsonb NOT NULL DEFAULT '{}'::jsonb,
  requested_at   timestamptz NOT NULL DEFAULT now(),
  completed_at   timestamptz
);

CREATE INDEX gdpr_requests_user_idx ON gdpr_requests (user_hash, kind);

-- Per-user data keys (AES-256-GCM), stored wrapped with the master key from the settings.
CREATE TABLE gdpr_data_keys (
  user_id        text PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 128),
  wrapped_key    text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
