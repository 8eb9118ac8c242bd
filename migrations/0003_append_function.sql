-- One append = one statement: the idempotency check, the stream lock, the expected-version check,
-- the inserts, the version update and the notification run server-side, in one round trip
-- (an append used to take eight). Semantics are those of the event store contract:
--   * every id already stored with the same stream, type and data → the original result, nothing written;
--   * any id stored with other content (or only some ids stored) → 'reused', nothing written;
--   * the stream not at the expected version → SQLSTATE LU409 (detail: the actual version), so the
--     statement (or the caller's savepoint) rolls back and leaves no trace;
--   * otherwise the events get the next versions, in order.
-- p_events: [{eventId, type, data, metadata, createdAt?}, …]; p_expected: a version, 'any',
-- 'no_stream' or 'stream_exists'; p_notify_channel: where to pg_notify the stream id at commit
-- (NULL: no notification, as on PGlite).
--
-- plan_cache_mode = force_custom_plan: PL/pgSQL would otherwise keep the plans it made while the
-- events table was small (sequential scans) long after it has grown.
CREATE FUNCTION luna_append_events(
  p_stream_id text,
  p_stream_type text,
  p_expected text,
  p_events jsonb,
  p_notify_channel text
) RETURNS jsonb
LANGUAGE plpgsql
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
  v_ids uuid[];
  v_count integer := jsonb_array_length(p_events);
  v_current bigint;
  v_positions text[];
  v_mismatch uuid;
BEGIN
  SELECT array_agg((e ->> 'eventId')::uuid) INTO v_ids FROM jsonb_array_elements(p_events) AS e;

  IF EXISTS (SELECT 1 FROM events WHERE event_id = ANY (v_ids)) THEN
    -- The stored event whose content differs, else (only some ids stored) any stored one.
    SELECT stored.event_id INTO v_mismatch
    FROM jsonb_array_elements(p_events) AS e
    JOIN events AS stored ON stored.event_id = (e ->> 'eventId')::uuid
    WHERE stored.stream_id <> p_stream_id
       OR stored.event_type <> e ->> 'type'
       OR stored.data <> e -> 'data'
    LIMIT 1;
    IF v_mismatch IS NULL AND (SELECT count(*) FROM events WHERE event_id = ANY (v_ids)) < v_count THEN
      SELECT event_id INTO v_mismatch FROM events WHERE event_id = ANY (v_ids) LIMIT 1;
    END IF;
    IF v_mismatch IS NOT NULL THEN
      RETURN jsonb_build_object(
        'status', 'reused',
        'eventId', v_mismatch,
        'streamId', (SELECT stream_id FROM events WHERE event_id = v_mismatch));
    END IF;
    RETURN (
      SELECT jsonb_build_object(
        'status', 'replayed',
        'firstVersion', min(stream_version),
        'nextExpectedVersion', max(stream_version),
        'positions', jsonb_agg(position::text ORDER BY stream_version))
      FROM events WHERE event_id = ANY (v_ids));
  END IF;

  INSERT INTO streams (stream_id, stream_type, version)
  VALUES (p_stream_id, p_stream_type, 0)
  ON CONFLICT (stream_id) DO NOTHING;
  SELECT version INTO v_current FROM streams WHERE stream_id = p_stream_id FOR UPDATE;

  IF NOT (
       p_expected = 'any'
    OR (p_expected = 'no_stream' AND v_current = 0)
    OR (p_expected = 'stream_exists' AND v_current > 0)
    OR (p_expected ~ '^[0-9]+$' AND v_current = p_expected::bigint)
  ) THEN
    RAISE EXCEPTION 'stream % is at version %, expected %', p_stream_id, v_current, p_expected
      USING ERRCODE = 'LU409', DETAIL = v_current::text;
  END IF;

  WITH inserted AS (
    INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, created_at)
    SELECT p_stream_id,
           v_current + e.ordinality,
           (e.value ->> 'eventId')::uuid,
           e.value ->> 'type',
           e.value -> 'data',
           coalesce(e.value -> 'metadata', '{}'::jsonb),
           coalesce((e.value ->> 'createdAt')::timestamptz, now())
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e
    ORDER BY e.ordinality
    RETURNING position, stream_version
  )
  SELECT array_agg(position::text ORDER BY stream_version) INTO v_positions FROM inserted;

  UPDATE streams SET version = v_current + v_count, updated_at = now() WHERE stream_id = p_stream_id;
  IF p_notify_channel IS NOT NULL THEN
    PERFORM pg_notify(p_notify_channel, p_stream_id);
  END IF;

  RETURN jsonb_build_object(
    'status', 'appended',
    'firstVersion', v_current + 1,
    'nextExpectedVersion', v_current + v_count,
    'positions', to_jsonb(v_positions));
END;
$$;
