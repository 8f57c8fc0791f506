"""``wecoza-sidecar migrate``: creates and upgrades the sidecar's own schema, idempotently."""
from __future__ import annotations

import re
from importlib import resources

LOCK_KEY = 0x5743_5344  # advisory lock so two hosts migrating at once take turns


def migrations() -> list[tuple[int, str]]:
    found = []
    for entry in resources.files("sidecar").joinpath("sql").iterdir():
        match = re.fullmatch(r"(\d+)_.+\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(postgres) -> list[int]:
    """Apply what is missing; return the versions applied now."""
    applied = []
    with postgres.transaction() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        cur.execute("CREATE SCHEMA IF NOT EXISTS wecoza_sidecar")
        cur.execute("CREATE TABLE IF NOT EXISTS wecoza_sidecar.schema_version ("
                    "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        cur.execute("SELECT version FROM wecoza_sidecar.schema_version")
        done = {row["version"] for row in cur.fetchall()}
        for version, sql in migrations():
            if version in done:
                continue
            cur.execute(sql)
            cur.execute("INSERT INTO wecoza_sidecar.schema_version (version) VALUES (%s)", (version,))
            applied.append(version)
    return applied
