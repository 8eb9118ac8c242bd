-- Erasure and data keys, as their services use them.

-- Each user's data key gets an id of its own: sealed event fields name the key by this id, never by
-- the user, so reading them needs no owner and an erased user's fields name nothing about them.
-- Nothing wrote to gdpr_data_keys before this migration.
DELETE FROM gdpr_data_keys;
ALTER TABLE gdpr_data_keys ADD COLUMN key_id uuid NOT NULL UNIQUE;

-- One running erasure per user: a second request for the same user joins the first.
CREATE UNIQUE INDEX gdpr_requests_one_running_erasure ON gdpr_requests (user_hash)
  WHERE kind = 'erasure' AND status = 'running';
