"""What a granian worker leaves in its process environment once its app is built: granian copies that environment
into every request's environ, so neither a variable named as a request header nor a secret may stay there. The
worker still answers with what its configuration read."""
from __future__ import annotations

import os

from devstack.inprocess import sidecar_env
from sidecar.config import SETTINGS
from sidecar.serving import granian_worker_app


def test_a_worker_keeps_no_secret_and_no_header_named_variable(monkeypatch, wordpress_site, pg_database, tmp_path):
    env = sidecar_env(pg_database, tmp_path / "uploads", wordpress_site)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)

    app = granian_worker_app()
    try:
        secrets = [setting.env for setting in SETTINGS if setting.secret and setting.env]
        assert "WECOZA_SHARED_SECRET" in secrets and "WECOZA_PG_PASSWORD" in secrets
        assert not [name for name in secrets + ["HTTP_X_FORWARDED_PROTO"] if name in os.environ]
        assert os.environ["WECOZA_PG_HOST"] == pg_database.host, "settings that are not secret stay"
        assert app.test_client().get("/readyz").status_code == 200, "the app kept what it read"
    finally:
        app.extensions["wecoza"].close()
