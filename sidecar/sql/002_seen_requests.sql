-- Signed request ids seen within the signature window, shared by every worker and host,
-- so a captured request cannot be replayed to another worker. Unlogged: losing it in a
-- crash only forgets ids that are about to expire anyway.
CREATE UNLOGGED TABLE IF NOT EXISTS wecoza_sidecar.seen_requests (
    request_id  text PRIMARY KEY,
    seen_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS seen_requests_seen_at_idx ON wecoza_sidecar.seen_requests (seen_at);
