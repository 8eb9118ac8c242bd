-- Unified event store (SPEC concern 5): one append-only `events` table in global order, the
-- current version of each stream, and the checkpoints of named consumers.
--
-- Global order is (transaction_id, position): readers hand out only events written by
-- transactions older than the oldest one still running, so an event whose transaction commits
-- late is never skipped (positions are taken at insert, not at commit).

CREATE TABLE streams (
  stream_id    text PRIMARY KEY,
  stream_type  text NOT NULL,
  version      bigint NOT NULL CHECK (version >= 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
  position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL REFERENCES streams (stream_id),
  stream_version  bigint NOT NULL CHECK (stream_version >= 1),
  event_id        uuid NOT NULL UNIQUE,
  event_type      text NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);

-- Stream reads use events_stream_version_unique (stream_id, stream_version).
CREATE INDEX events_global_order_idx ON events (transaction_id, position);
CREATE INDEX events_type_order_idx ON events (event_type, transaction_id, position);

CREATE TABLE event_consumers (
  name            text PRIMARY KEY,
  transaction_id  xid8 NOT NULL,
  position        bigint NOT NULL,
  processed       bigint NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Events are never updated or deleted, except by the GDPR erasure path, which sets
-- `luna.event_erasure = 'on'` for its own transaction only (SET LOCAL).
CREATE FUNCTION events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('luna.event_erasure', true), '') = 'on' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION 'events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER events_no_update_or_delete
  BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();

CREATE TRIGGER events_no_truncate
  BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
