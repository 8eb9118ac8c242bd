-- A cheaper append (replaces migration 0003's `luna_append_events`): two statements instead of
-- five on the common path, the cost of the plain upsert + insert a hand-written writer would run.
--
--   1. One upsert takes the stream's row (created if new), checks the expected version against the
--      locked row and moves the version on: the ON CONFLICT arbiter both locks and serialises
--      concurrent appends to one stream.
--   2. The events are inserted with ON CONFLICT (event_id) DO NOTHING: an id already stored (or
--      being stored by a concurrent transaction, which the insert waits for) shows as a row short.
--
-- Either failure raises, so the whole statement (or the caller's savepoint) rolls back and leaves
-- no trace:
--   * LU409, detail = the stream's actual version: not at the expected version;
--   * LU208: some event id is already stored.
-- The caller then asks `luna_event_replay` whether the events are a replay of stored ones (the
-- original result), reuse ids for other content, or are absent (a real conflict). Checking
-- idempotency only on those paths keeps the index probe off the common one.
--
-- p_events: [{eventId, type, data, metadata, createdAt?}, …]; p_expected: a version, 'any',
-- 'no_stream' or 'stream_exists'; p_notify_channel: where to pg_notify the stream id at commit,
-- or NULL (the Hub notifies after its own commits, off the commit path; see wake.ts).
CREATE OR REPLACE FUNCTION luna_append_events(
  p_stream_id text,
  p_stream_type text,
  p_expected text,
  p_events jsonb,
  p_notify_channel text
) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_last bigint;
  v_created boolean;
  v_positions text[];
BEGIN
  INSERT INTO streams AS s (stream_id, stream_type, version)
  VALUES (p_stream_id, p_stream_type, v_count)
  ON CONFLICT (stream_id) DO UPDATE SET version = s.version + v_count, updated_at = now()
    WHERE p_expected = 'any'
       OR (p_expected = 'no_stream' AND s.version = 0)
       OR (p_expected = 'stream_exists' AND s.version > 0)
       OR (p_expected ~ '^[0-9]+$' AND s.version = p_expected::bigint)
  RETURNING version, (xmax = 0) INTO v_last, v_created;

  IF v_last IS NULL THEN
    -- The row exists (and is locked by the arbiter) at another version.
    SELECT version INTO v_last FROM streams WHERE stream_id = p_stream_id;
    RAISE EXCEPTION 'stream % is at version %, expected %', p_stream_id, v_last, p_expected
      USING ERRCODE = 'LU409', DETAIL = v_last::text;
  END IF;
  IF v_created AND NOT (p_expected IN ('any', 'no_stream') OR p_expected ~ '^0+$') THEN
    RAISE EXCEPTION 'stream % does not exist, expected %', p_stream_id, p_expected
      USING ERRCODE = 'LU409', DETAIL = '0';
  END IF;

  WITH inserted AS (
    INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, created_at)
    SELECT p_stream_id,
           v_last - v_count + e.ordinality,
           (e.value ->> 'eventId')::uuid,
           e.value ->> 'type',
           e.value -> 'data',
           coalesce(e.value -> 'metadata', '{}'::jsonb),
           coalesce((e.value ->> 'createdAt')::timestamptz, now())
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e
    ORDER BY e.ordinality
    ON CONFLICT (event_id) DO NOTHING
    RETURNING position, stream_version
  )
  SELECT array_agg(position::text ORDER BY stream_version) INTO v_positions FROM inserted;

  IF coalesce(array_length(v_positions, 1), 0) < v_count THEN
    RAISE EXCEPTION 'an event id of this append is already stored' USING ERRCODE = 'LU208';
  END IF;
  IF p_notify_channel IS NOT NULL THEN
    PERFORM pg_notify(p_notify_channel, p_stream_id);
  END IF;

  RETURN jsonb_build_object(
    'status', 'appended',
    'firstVersion', v_last - v_count + 1,
    'nextExpectedVersion', v_last,
    'positions', to_jsonb(v_positions));
END;
$$;

-- Whether the events of an append are already stored:
--   * every id stored with the same stream, type and data → 'replayed' with the original result;
--   * any id stored with other content, or only some ids stored → 'reused' (the first such id);
--   * none stored → 'absent'.
-- Read-only; the ids are looked up through the unique index on event_id.
CREATE FUNCTION luna_event_replay(p_stream_id text, p_events jsonb) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
  WITH wanted AS (
    SELECT (e ->> 'eventId')::uuid AS event_id, e ->> 'type' AS event_type, e -> 'data' AS data
    FROM jsonb_array_elements(p_events) AS e
  ),
  found AS (
    SELECT w.event_id, stored.stream_id, stored.stream_version, stored.position,
           (stored.stream_id = p_stream_id AND stored.event_type = w.event_type AND stored.data = w.data) AS same
    FROM wanted AS w
    JOIN events AS stored ON stored.event_id = w.event_id
  )
  SELECT CASE
    WHEN (SELECT count(*) FROM found) = 0 THEN jsonb_build_object('status', 'absent')
    WHEN (SELECT count(*) FROM found WHERE same) = (SELECT count(*) FROM wanted) THEN (
      SELECT jsonb_build_object(
        'status', 'replayed',
        'firstVersion', min(stream_version),
        'nextExpectedVersion', max(stream_version),
        'positions', jsonb_agg(position::text ORDER BY stream_version))
      FROM found)
    ELSE (
      SELECT jsonb_build_object('status', 'reused', 'eventId', event_id, 'streamId', stream_id)
      FROM found ORDER BY same, event_id LIMIT 1)
  END
$$;
