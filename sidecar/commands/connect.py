"""The PostgreSQL connection of the operator commands: the sidecar's settings, the WordPress options
``wecoza_postgres_*`` filling what they leave unset."""
from __future__ import annotations


def postgres_for(config):
    """A one-connection ``Postgres`` for ``config`` (close it when done)."""
    from ..db import Postgres
    wordpress = config.wordpress() if config.get("wordpress.config") or config.get("wordpress.db_name") else None
    return Postgres(lambda: config.postgres_params(wordpress), pool_max=1)
