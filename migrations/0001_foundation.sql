-- Foundation: every Hub process registers itself at start (after migrations) and marks its clean
-- stop, so operators and later features (cluster runners, "who applied what") can see which
-- instances ran, which version and in which mode. Runs unchanged on Postgres 15 and PGlite (PG 18).
CREATE TABLE hub_instances (
  instance_id  uuid PRIMARY KEY,
  started_at   timestamptz NOT NULL DEFAULT now(),
  stopped_at   timestamptz,
  version      text NOT NULL,
  mode         text NOT NULL CHECK (mode IN ('embedded', 'production')),
  hostname     text NOT NULL,
  pid          integer NOT NULL
);

CREATE INDEX hub_instances_started_at_idx ON hub_instances (started_at DESC);
