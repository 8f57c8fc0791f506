-- The replay claims become crash-safe. Unlogged, the table was emptied by any crash recovery and was empty on a
-- promoted standby, so every request signed within the signature window (60 s) could run once more after a crash
-- or a failover: a write the client or an attacker resent would then take effect twice. Logged, a write's claim
-- commits and replicates with the write, atomically. A read's claim commits without waiting for the WAL flush
-- (sidecar/replays.py), so reads do not pay for this. SET LOGGED rewrites the table, which holds only the ids of
-- the last two signature windows, under a lock held for that short rewrite.
ALTER TABLE wecoza_sidecar.seen_requests SET LOGGED;
