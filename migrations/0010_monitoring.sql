-- Alerts, evaluated once per cluster and read by every instance: an alert is one row from pending
-- to resolved (at most one open row per rule), so a new evaluator (after a runner moved) neither
-- fires again what is firing nor forgets what was pending.
CREATE TABLE monitoring_alerts (
  alert_id        text PRIMARY KEY,
  rule            text NOT NULL CHECK (length(rule) BETWEEN 1 AND 100),
  severity        text NOT NULL CHECK (severity IN ('warning', 'critical')),
  state           text NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  summary         text NOT NULL,
  description     text NOT NULL,
  value           double precision,
  threshold       double precision NOT NULL,
  labels          jsonb NOT NULL DEFAULT '{}',
  starts_at       timestamptz NOT NULL,
  fired_at        timestamptz,
  clear_since     timestamptz,
  resolved_at     timestamptz,
  CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
);

CREATE UNIQUE INDEX monitoring_alerts_open_rule_idx ON monitoring_alerts (rule) WHERE state <> 'resolved';
CREATE INDEX monitoring_alerts_resolved_idx ON monitoring_alerts (resolved_at DESC) WHERE state = 'resolved';

-- What each instance last saw of itself (requests and errors of five minutes, refusals, lag, …),
-- published every few seconds, so the one evaluator judges the cluster rather than only the runner
-- it happens to be on. Rows of instances that stopped are ignored once stale and pruned later.
CREATE TABLE monitoring_instance_signals (
  instance    text PRIMARY KEY CHECK (length(instance) BETWEEN 1 AND 200),
  signals     jsonb NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- When the rules were last evaluated (one row).
CREATE TABLE monitoring_alert_evaluations (
  singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  evaluated_at  timestamptz NOT NULL
);
