-- A seen request id is kept until its signed timestamp leaves the window on every host: signed time
-- + window + a clock-skew margin (set by the sidecar). Purging by the time first seen could forget an
-- id that a host with another clock still accepts as fresh.
ALTER TABLE wecoza_sidecar.seen_requests
    ADD COLUMN IF NOT EXISTS expires_at timestamptz NOT NULL DEFAULT now() + interval '1 hour';
CREATE INDEX IF NOT EXISTS seen_requests_expires_at_idx ON wecoza_sidecar.seen_requests (expires_at);
