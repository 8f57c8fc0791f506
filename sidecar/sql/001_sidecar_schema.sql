-- The sidecar's own schema. Production tables are never altered.
CREATE SCHEMA IF NOT EXISTS wecoza_sidecar;

CREATE TABLE IF NOT EXISTS wecoza_sidecar.schema_version (
    version     integer PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS wecoza_sidecar.outbox (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    attempts      integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at  timestamptz,
    delivered_via text,
    parked_at     timestamptz,
    last_error    text
);

CREATE INDEX IF NOT EXISTS outbox_pending_idx
    ON wecoza_sidecar.outbox (next_attempt_at)
    WHERE delivered_at IS NULL AND parked_at IS NULL;
