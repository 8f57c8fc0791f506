"""The long-lived parts one worker process shares: configuration, WordPress, PostgreSQL."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from wp_bridge.channel import ChannelSigner

from .config import Config
from .db import Postgres
from .logs import first_line
from .metrics import Metrics
from .registry import Registry
from .replays import PostgresReplayStore

log = logging.getLogger("wecoza.sidecar")


@dataclass
class Services:
    config: Config
    wordpress: object
    postgres: Postgres
    signer: ChannelSigner | None
    registry: Registry
    metrics: Metrics = field(default_factory=Metrics)
    caches: dict = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Config, registry: Registry, clock=None) -> Services:
        wordpress = config.wordpress(clock=clock)
        postgres = Postgres(lambda: config.postgres_params(wordpress), pool_max=config.int("postgres.pool_max"),
                            prepare=config.get("postgres.prepared_statements") == "on")
        secret = config.get("sidecar.shared_secret")
        window = config.int("sidecar.signature_window")
        signer = ChannelSigner(secret, window=window, replays=PostgresReplayStore(postgres, window)) if secret else None
        return cls(config=config, wordpress=wordpress, postgres=postgres, signer=signer, registry=registry)

    def site_url(self, home: str | None = None) -> str:
        """The site's home URL (for links): ``[sidecar] site_url`` when set, else the ``home`` option, as the
        request read it with its caller (``home``) or else as this worker first read it."""
        configured = self.config.get("sidecar.site_url")
        if configured:
            return configured.rstrip("/")
        if home is not None:
            return home.rstrip("/")
        cached = self.caches.get("home_url")
        if cached is None:
            cached = (self.wordpress.get_option("home") or "").rstrip("/")
            self.caches["home_url"] = cached
        return cached

    def warm_up(self) -> None:
        """A new worker reads the site's data (keys, salts, options) and opens its first PostgreSQL connection before
        it takes requests (``serving.warm_up_worker``): its first read then costs what every later one does, without
        the connection's handshake, TLS and authentication round trips. This thread serves no request: its MySQL
        connection is closed afterwards. A database that does not answer now is left to the first request."""
        for name, reach in (("MySQL", self.wordpress.site), ("PostgreSQL", self.postgres.open_idle_connection)):
            try:
                reach()
            except Exception as exc:  # noqa: BLE001 - whatever failed, the first request tries again
                log.warning("[WeCoza Core] worker start: %s not reached, the first request tries again: %s: %s",
                            name, type(exc).__name__, first_line(exc))
        self.wordpress.close()

    def close(self) -> None:
        self.postgres.close()
        close = getattr(self.wordpress, "close", None)
        if close:
            close()
