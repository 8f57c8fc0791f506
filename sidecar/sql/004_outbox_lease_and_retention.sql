-- The dispatcher claims events with a lease instead of a row lock held across its delivery: a claim sets
-- leased_until in a short transaction, the POST runs with no transaction open, and a dispatcher that dies
-- mid-delivery leaves a lease that ends (sidecar/outbox.py).
ALTER TABLE wecoza_sidecar.outbox ADD COLUMN IF NOT EXISTS leased_until timestamptz;
-- Delivered events are deleted after [outbox] retention_days; this finds them without a scan.
CREATE INDEX IF NOT EXISTS outbox_delivered_at_idx
    ON wecoza_sidecar.outbox (delivered_at)
    WHERE delivered_at IS NOT NULL;
