"""The sidecar's Flask application in the calling process, called as the shim calls it (signed forward
requests, wp_bridge/channel.py): for cases that need their own database, and for bench/bench_learners.py."""
from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

from wp_bridge.channel import ChannelSigner, ForwardedRequest, forward_path


class InProcessSidecar:
    def __init__(self, env: dict):
        from sidecar.app import create_app
        from sidecar.config import load_config
        self.app = create_app(load_config(env))
        self.client = self.app.test_client()
        self.signer = ChannelSigner(env["WECOZA_SHARED_SECRET"])

    def call(self, action: str, cookie: str, method: str = "POST", fields: dict | None = None,
             query: dict | None = None):
        body = urlencode(fields or {}).encode() if method == "POST" else b""
        content_type = "application/x-www-form-urlencoded" if method == "POST" else ""
        query_string = urlencode({"action": action, **(query or {})})
        stamp, request_id = str(int(time.time())), secrets.token_hex(16)
        forwarded = ForwardedRequest(stamp, request_id, method, forward_path("ajax", action), query_string,
                                     content_type, "0", "127.0.0.1", "in-process", body, cookie)
        headers = {"X-WeCoza-Timestamp": stamp, "X-WeCoza-Request-Id": request_id, "X-WeCoza-Method": method,
                   "X-WeCoza-Query": query_string, "X-WeCoza-Cookie": cookie, "X-WeCoza-Https": "0",
                   "X-WeCoza-Client-Ip": "127.0.0.1", "X-WeCoza-User-Agent": "in-process",
                   "X-WeCoza-Signature": self.signer.sign(forwarded.canonical())}
        if content_type:
            headers["Content-Type"] = content_type
        return self.client.post(forward_path("ajax", action), data=body, headers=headers)

    def close(self) -> None:
        self.app.extensions["wecoza"].close()


def sidecar_env(site, pg, uploads_dir, **overrides) -> dict:
    """Settings for a sidecar against ``site`` (wp-config.php) and the PostgreSQL ``pg``."""
    env = {"WECOZA_WP_CONFIG": str(site.wp_config_path), "WECOZA_PG_HOST": pg.host, "WECOZA_PG_PORT": str(pg.port),
           "WECOZA_PG_DBNAME": pg.dbname, "WECOZA_PG_USER": pg.user, "WECOZA_PG_PASSWORD": pg.password,
           "WECOZA_SHARED_SECRET": secrets.token_hex(32), "WECOZA_UPLOADS_DIR": str(uploads_dir),
           "WECOZA_LOG_LEVEL": "error"}
    env.update(overrides)
    return env


def migrate(pg) -> None:
    """The sidecar's own schema (outbox) in ``pg``."""
    from sidecar.db import Postgres
    from sidecar.migrate import migrate as apply
    postgres = Postgres(lambda: {"host": pg.host, "port": pg.port, "dbname": pg.dbname, "user": pg.user,
                                 "password": pg.password}, pool_max=1)
    try:
        apply(postgres)
    finally:
        postgres.close()


def wire_cookie(session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies if c.name.startswith("wordpress"))
