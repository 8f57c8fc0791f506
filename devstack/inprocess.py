"""The sidecar's Flask application in the calling process, called as the shim calls it (signed forward requests,
devstack/signed.py): against a real WordPress (its wp-config.php in the settings), or with `StandInWordPress`, which
accepts every caller as one administrator, when the cookie and nonce checks are not what is looked at."""
from __future__ import annotations

import secrets
from urllib.parse import urlencode

from wp_bridge.auth import AuthResult
from wp_bridge.channel import ChannelSigner, forward_path
from wp_bridge.users import WPUser

from .class_pages import encode_multipart
from .sidecar_server import settings_file
from .signed import FORM_TYPE, signed_headers

ADMIN_CAPS = {"manage_learners": True, "manage_options": True, "upload_files": True, "read": True}


class Decided:
    """An identification (wp_bridge.auth.Identifying) known without a query."""

    waiting = False

    def __init__(self, result):
        self._result = result

    def result(self):
        return self._result


class StandInWordPress:
    """Accepts every caller as one administrator; answers options and display names without MySQL."""

    def __init__(self, user_id: int = 1):
        self.user = WPUser(id=user_id, login="admin", roles=("administrator",), allcaps=ADMIN_CAPS)

    def authenticate(self, cookie_header=None, https=False, method="POST", params=None, nonce_actions=None,
                     nonce_field="nonce", ajax=True):
        return AuthResult(user=self.user, reason=None, nonce_ok=True if nonce_actions is not None else None)

    def identify(self, cookie_header=None, https=False, method="POST", ajax=True, options=()):
        return AuthResult(user=self.user, reason=None, token=b"", options=self.get_options(options))

    def start_identify(self, cookie_header=None, https=False, method="POST", ajax=True, options=()):
        """Decided at once, as when no query is needed (a stand-in that waits overrides it)."""
        return Decided(self.identify(cookie_header, https, method, ajax, options))

    def asks_the_database(self, cookie_header=None, https=False, method="POST", ajax=True):
        return True

    def check_nonce(self, caller, params, nonce_actions, nonce_field="nonce"):
        return self.authenticate(params=params, nonce_actions=nonce_actions)

    def get_option(self, name):
        return {"home": "https://example.test", "permalink_structure": "/%postname%/"}.get(name)

    def get_options(self, names):
        return {name: self.get_option(name) for name in names}

    def display_names(self, ids):
        return {i: f"User {i}" for i in ids}

    def ping(self):
        return None

    def close(self):
        return None


class InProcessSidecar:
    def __init__(self, env: dict, wordpress=None):
        """``env``: WECOZA_* settings (sidecar_env()); ``wordpress``: a stand-in for the WordPress of the settings."""
        from sidecar.app import create_app
        from sidecar.config import load_config
        from sidecar.db import Postgres
        from sidecar.registry import registry
        from sidecar.services import Services
        self.secret = env["WECOZA_SHARED_SECRET"]
        config = load_config(env)
        if wordpress is None:
            self.app = create_app(config)
        else:
            postgres = Postgres(lambda: config.postgres_params(wordpress), pool_max=4)
            self.app = create_app(services=Services(config=config, wordpress=wordpress, postgres=postgres,
                                                    signer=ChannelSigner(self.secret), registry=registry))
        self.client = self.app.test_client()

    def call(self, action: str, fields=(), cookie: str = "", method: str = "POST", files=(), query=None,
             hints=None):
        """A signed request for ``action``: ``fields`` (a mapping or (name, value) pairs) as the POST body, multipart
        when there are files or bytes values; ``query`` (a mapping) in the query string after the action; ``hints``
        (a mapping) as unsigned headers beside the signed ones."""
        fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if method != "POST":
            body, content_type = b"", ""
        elif files or any(isinstance(value, bytes) for _, value in fields):
            body, content_type = encode_multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), FORM_TYPE
        query_string = urlencode({"action": action, **(query or {})})
        sent_to = forward_path("ajax", action)
        headers = signed_headers(self.secret, sent_to, method, query_string, content_type, body, cookie,
                                 user_agent="in-process")
        return self.client.post(sent_to, data=body, headers={**headers, **(hints or {})})

    def close(self) -> None:
        self.app.extensions["wecoza"].close()


def stand_in_sidecar(tmp_path, wordpress, settings: str = "", log_level: str = "error") -> InProcessSidecar:
    """The sidecar in this process against ``wordpress`` (a stand-in), with ``settings`` as its INI file's text and
    uploads under ``tmp_path``; no service runs, so a handler that needs PostgreSQL fails."""
    env = {"WECOZA_SHARED_SECRET": "s" * 64, "WECOZA_UPLOADS_DIR": str(tmp_path / "uploads"),
           "WECOZA_LOG_LEVEL": log_level}
    if settings:
        env.update(settings_file(tmp_path, settings))
    return InProcessSidecar(env, wordpress=wordpress)


def raw_post(app, path: str, arriving: bytes, declared: int | None, headers=None, query_string=None,
             content_type: str | None = None) -> tuple[str, bytes, int]:
    """(status line, answer, bytes the app read) of a POST to the WSGI ``app`` whose body arrives as ``arriving``,
    declared ``declared`` bytes long (None: no length, as a server hands over a chunked body)."""
    import io

    from werkzeug.test import EnvironBuilder, run_wsgi_app
    stream = io.BytesIO(arriving)
    environ = EnvironBuilder(method="POST", path=path, headers=headers, query_string=query_string,
                             content_type=content_type).get_environ()
    environ.update({"wsgi.input": stream, "wsgi.input_terminated": True})
    environ.pop("CONTENT_LENGTH", None)
    if declared is not None:
        environ["CONTENT_LENGTH"] = str(declared)
    answer, status, _headers = run_wsgi_app(app, environ, buffered=True)
    return status, b"".join(answer), stream.tell()


def sidecar_env(pg, uploads_dir, site=None, **overrides) -> dict:
    """Settings for a sidecar on the PostgreSQL ``pg``, against ``site``'s wp-config.php when given."""
    env = {"WECOZA_PG_HOST": pg.host, "WECOZA_PG_PORT": str(pg.port), "WECOZA_PG_DBNAME": pg.dbname,
           "WECOZA_PG_USER": pg.user, "WECOZA_PG_PASSWORD": pg.password,
           "WECOZA_SHARED_SECRET": secrets.token_hex(32), "WECOZA_UPLOADS_DIR": str(uploads_dir),
           "WECOZA_LOG_LEVEL": "error"}
    if site is not None:
        env["WECOZA_WP_CONFIG"] = str(site.wp_config_path)
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
