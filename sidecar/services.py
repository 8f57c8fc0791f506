"""The long-lived parts one worker process shares: configuration, WordPress, PostgreSQL."""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from wp_bridge.channel import ChannelSigner

from .config import Config
from .db import Postgres
from .metrics import Metrics
from .registry import Registry
from .replays import PostgresReplayStore


@dataclass
class Services:
    config: Config
    wordpress: object
    postgres: Postgres
    signer: ChannelSigner | None
    registry: Registry
    metrics: Metrics = field(default_factory=Metrics)
    caches: dict = field(default_factory=dict)
    _beside: ThreadPoolExecutor | None = field(default=None, repr=False)
    _beside_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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

    def run_beside(self, fn) -> Future:
        """Run ``fn`` on this worker's background threads (made on first use, so after the fork): a read's
        PostgreSQL work while the request's thread authenticates the caller. As many threads as the pool has
        connections, which is all that work can use."""
        with self._beside_lock:
            if self._beside is None:
                self._beside = ThreadPoolExecutor(max_workers=self.config.int("postgres.pool_max"),
                                                  thread_name_prefix="wecoza-read")
        return self._beside.submit(fn)

    def close(self) -> None:
        with self._beside_lock:
            beside, self._beside = self._beside, None
        if beside is not None:
            beside.shutdown(wait=True)
        self.postgres.close()
        close = getattr(self.wordpress, "close", None)
        if close:
            close()
