"""Configuration: environment (``WECOZA_*``) over the INI file (``WECOZA_CONFIG``) over
wp-config.php (``WECOZA_WP_CONFIG``) and the WordPress options ``wecoza_postgres_*``.

Every setting is declared once in ``SETTINGS``; ``check-config`` and
``config/sidecar.example.ini`` describe the same list.
"""
from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass, field

PG_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
LOG_LEVELS = ("debug", "info", "warning", "error")


class ConfigError(Exception):
    """A missing or contradictory setting; the message names it."""


@dataclass(frozen=True)
class Setting:
    key: str            # "section.name" in the INI file
    env: str | None     # environment variable, when operators may set it there
    default: str | None
    help: str
    secret: bool = False

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]


SETTINGS = (
    Setting("wordpress.config", "WECOZA_WP_CONFIG", None,
            "Path to wp-config.php (database credentials, table prefix, keys and salts)."),
    Setting("wordpress.db_host", "WECOZA_WP_DB_HOST", None,
            "WordPress MySQL host; default from DB_HOST in wp-config.php."),
    Setting("wordpress.db_port", "WECOZA_WP_DB_PORT", None, "WordPress MySQL port (3306 when a host is given)."),
    Setting("wordpress.db_socket", "WECOZA_WP_DB_SOCKET", None,
            "WordPress MySQL unix socket (instead of host and port)."),
    Setting("wordpress.db_name", "WECOZA_WP_DB_NAME", None, "WordPress database name; default DB_NAME."),
    Setting("wordpress.db_user", "WECOZA_WP_DB_USER", None, "WordPress database user; default DB_USER."),
    Setting("wordpress.db_password", "WECOZA_WP_DB_PASSWORD", None,
            "WordPress database password; default DB_PASSWORD.", secret=True),
    Setting("wordpress.table_prefix", "WECOZA_WP_TABLE_PREFIX", None, "WordPress table prefix; default $table_prefix."),
    Setting("wordpress.nonce_life", None, "86400", "Nonce lifetime in seconds, if a site filter changes nonce_life."),
    Setting("wordpress.version", None, None,
            "WordPress version (e.g. 6.8.1); picks the auth cookie's password-fragment rule exactly. Unset: "
            "judged from the db_version option."),
    Setting("wordpress.blog_id", None, None, "Multisite: the blog whose roles and capabilities apply."),
    Setting("postgres.host", "WECOZA_PG_HOST", None,
            "PostgreSQL host; default the WordPress option wecoza_postgres_host."),
    Setting("postgres.port", "WECOZA_PG_PORT", None, "PostgreSQL port; default wecoza_postgres_port, then 5432."),
    Setting("postgres.dbname", "WECOZA_PG_DBNAME", None, "PostgreSQL database; default wecoza_postgres_dbname."),
    Setting("postgres.user", "WECOZA_PG_USER", None, "PostgreSQL user; default wecoza_postgres_user."),
    Setting("postgres.password", "WECOZA_PG_PASSWORD", None,
            "PostgreSQL password; default wecoza_postgres_password.", secret=True),
    Setting("postgres.sslmode", "WECOZA_PG_SSLMODE", "prefer", "libpq sslmode: " + ", ".join(PG_SSLMODES) + "."),
    Setting("postgres.pool_max", None, "10", "Most PostgreSQL connections one worker process keeps."),
    Setting("postgres.statement_timeout", None, "15000",
            "Milliseconds a statement may run (or wait for a lock) before the request fails cleanly."),
    Setting("postgres.prepared_statements", None, "on",
            "on: statements run on every request are planned once per connection (PREPARE). off behind a pooler "
            "that hands a session's statements to other server connections (pgbouncer in transaction mode)."),
    Setting("sidecar.shared_secret", "WECOZA_SHARED_SECRET", None,
            "Secret shared with the shim (WordPress option wecoza_sidecar_secret).", secret=True),
    Setting("sidecar.uploads_dir", "WECOZA_UPLOADS_DIR", None,
            "WordPress uploads directory (wp-content/uploads); files are stored below it."),
    Setting("sidecar.uploads_url", "WECOZA_UPLOADS_URL", None, "Public URL of the uploads directory."),
    Setting("sidecar.bind", "WECOZA_BIND", "127.0.0.1:8765", "HOST:PORT that serve listens on."),
    Setting("sidecar.log_level", "WECOZA_LOG_LEVEL", "info", "Log level: " + ", ".join(LOG_LEVELS) + "."),
    Setting("sidecar.signature_window", None, "60", "Seconds a signed shim request stays valid."),
    Setting("sidecar.direct_mode", None, "off", "on: also serve /wp-admin/admin-ajax.php to browsers (reverse proxy)."),
    Setting("sidecar.max_body_bytes", "WECOZA_MAX_BODY_BYTES", str(64 * 1024 * 1024),
            "Largest request body accepted, in bytes; a larger one is refused (413) unread, a chunked one as soon as "
            "a byte past the limit arrives. A body that ends before its declared length runs nothing (400)."),
    Setting("sidecar.site_url", None, None,
            "The site's home URL for links in HTML rows; default the WordPress option home."),
    Setting("dispatch.delay", None, "30", "Seconds an event may wait for the shim's acknowledgement before dispatch."),
    Setting("dispatch.max_attempts", None, "33",
            "Delivery attempts before an event is parked; the pauses double from 2 s to an hour, so 33 span a day."),
    Setting("dispatch.interval", None, "2", "Seconds the dispatcher sleeps when the outbox is empty."),
    Setting("dispatch.events_url", None, None,
            "Shim REST route for events; default <WordPress siteurl>/wp-json/wecoza-sidecar/v1/events."),
    Setting("outbox.retention_days", "WECOZA_OUTBOX_RETENTION_DAYS", "30",
            "Days a delivered event stays in the outbox before the dispatcher deletes it; 0 keeps every one."),
)
SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}
POSTGRES_OPTIONS = ("host", "port", "dbname", "user", "password")


@dataclass
class Value:
    value: str | None
    source: str


@dataclass
class Config:
    values: dict[str, Value]
    capabilities: dict[str, str] = field(default_factory=dict)
    wp_config: object | None = None

    def get(self, key: str) -> str | None:
        return self.values[key].value

    def int(self, key: str) -> int:
        raw = self.get(key)
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{describe(key)} must be a whole number, not {raw!r}") from None

    @property
    def bind(self) -> tuple[str, int]:
        return parse_bind(self.get("sidecar.bind"), describe("sidecar.bind"))

    def capability_for(self, action: str, declared: str | None) -> str | None:
        return self.capabilities.get(action, declared)

    # --- WordPress -------------------------------------------------------------

    def mysql_params(self):
        from wp_bridge import MySQLParams
        port = self.get("wordpress.db_port")
        return MySQLParams(
            host=self.get("wordpress.db_host") or "localhost",
            port=int(port) if port else 3306,
            socket=self.get("wordpress.db_socket"),
            user=self.get("wordpress.db_user"),
            password=self.get("wordpress.db_password") or "",
            database=self.get("wordpress.db_name"),
            charset=(self.wp_config.db_charset if self.wp_config else None) or "utf8mb4",
        )

    def wordpress(self, clock=None):
        """A ready wp_bridge.WordPress for this site."""
        from wp_bridge import WordPress
        wpc = self.wp_config
        kwargs = {}
        if clock is not None:
            kwargs["clock"] = clock
        return WordPress(
            db=self.mysql_params(),
            table_prefix=self.get("wordpress.table_prefix"),
            keys=dict(wpc.keys) if wpc else {},
            constants=dict(wpc.constants) if wpc else {},
            nonce_life=self.int("wordpress.nonce_life"),
            wp_version=self.get("wordpress.version"),
            blog_id=self.int("wordpress.blog_id") if self.get("wordpress.blog_id") else None,
            **kwargs,
        )

    # --- PostgreSQL ------------------------------------------------------------

    def postgres_params(self, wordpress=None) -> dict:
        """libpq keywords; unset values come from the WordPress options wecoza_postgres_*."""
        params = {name: self.get(f"postgres.{name}") for name in POSTGRES_OPTIONS}
        missing = [n for n, v in params.items() if v in (None, "")]
        if missing and wordpress is not None:
            options = wordpress.get_options([f"wecoza_postgres_{n}" for n in missing])
            for name in missing:
                value = options.get(f"wecoza_postgres_{name}")
                if value not in (None, ""):
                    params[name] = value
                    self.values[f"postgres.{name}"] = Value(value, f"WordPress option wecoza_postgres_{name}")
        if params["port"] in (None, ""):
            params["port"] = "5432"
        unset = [f"{describe('postgres.' + name)} is not set, and the WordPress option wecoza_postgres_{name} is "
                 "empty" for name in ("host", "dbname", "user") if params[name] in (None, "")]
        if unset:
            raise ConfigError("; ".join(unset))
        params["sslmode"] = self.get("postgres.sslmode")
        params["options"] = f"-c statement_timeout={self.int('postgres.statement_timeout')}"
        params["password"] = params["password"] or ""
        return params


def describe(key: str) -> str:
    setting = SETTINGS_BY_KEY[key]
    where = f"[{setting.section}] {setting.name}"
    return f"{setting.env} ({where})" if setting.env else where


def parse_bind(value: str, name: str = "bind") -> tuple[str, int]:
    host, sep, port = (value or "").rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"{name} must be HOST:PORT, not {value!r}")
    return host.strip("[]"), int(port)


def _read_ini(path: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except OSError as exc:
        raise ConfigError(f"WECOZA_CONFIG: cannot read {path}: {exc.strerror}") from None
    except configparser.Error as exc:
        raise ConfigError(f"WECOZA_CONFIG: {path} is not a valid INI file: {exc}") from None
    for section in parser.sections():
        if section == "capabilities":
            continue
        for name in parser[section]:
            if f"{section}.{name}" not in SETTINGS_BY_KEY:
                raise ConfigError(f"WECOZA_CONFIG: unknown setting [{section}] {name} in {path}")
    return parser


def _from_wp_config(wpc) -> dict[str, str]:
    from wp_bridge.wpconfig import parse_db_host
    found = {
        "wordpress.db_name": wpc.db_name,
        "wordpress.db_user": wpc.db_user,
        "wordpress.db_password": wpc.db_password,
        "wordpress.table_prefix": wpc.table_prefix,
    }
    if wpc.db_host:
        host = parse_db_host(wpc.db_host)
        found["wordpress.db_host"] = host.host
        found["wordpress.db_port"] = str(host.port) if host.port else None
        found["wordpress.db_socket"] = host.socket
    return {k: v for k, v in found.items() if v is not None}


def _explicit_wp_settings(values: dict) -> tuple[str, ...]:
    """wp-config.php names the operator gave the sidecar directly (so a computed define there is no error)."""
    from wp_bridge.wpconfig import TABLE_PREFIX
    given = set()
    if any(values[k].value for k in ("wordpress.db_host", "wordpress.db_port", "wordpress.db_socket")):
        given.add("DB_HOST")
    for key, name in (("wordpress.db_name", "DB_NAME"), ("wordpress.db_user", "DB_USER"),
                      ("wordpress.db_password", "DB_PASSWORD"), ("wordpress.table_prefix", TABLE_PREFIX)):
        if values[key].value is not None:
            given.add(name)
    return tuple(sorted(given))


def load_config(env=None) -> Config:
    """Read every source; raise ConfigError for a file that cannot be read or a bad value."""
    env = os.environ if env is None else env
    ini = _read_ini(env["WECOZA_CONFIG"]) if env.get("WECOZA_CONFIG") else None

    def layered(setting: Setting) -> Value | None:
        if setting.env and env.get(setting.env, "") != "":
            return Value(env[setting.env], f"environment {setting.env}")
        if ini is not None and ini.has_option(setting.section, setting.name):
            return Value(ini.get(setting.section, setting.name), "config file")
        return None

    values: dict[str, Value] = {}
    for setting in SETTINGS:
        values[setting.key] = layered(setting) or Value(None, "unset")

    wp_config = None
    wp_config_path = values["wordpress.config"].value
    if wp_config_path:
        from wp_bridge.wpconfig import WPConfigError, read_wp_config
        try:
            wp_config = read_wp_config(wp_config_path, explicit=_explicit_wp_settings(values))
        except (OSError, WPConfigError) as exc:
            raise ConfigError(f"WECOZA_WP_CONFIG ({wp_config_path}): {exc}") from None
        explicit_host = any(values[k].value for k in ("wordpress.db_host", "wordpress.db_port", "wordpress.db_socket"))
        for key, value in _from_wp_config(wp_config).items():
            host_key = key in ("wordpress.db_host", "wordpress.db_port", "wordpress.db_socket")
            if values[key].value is None and not (explicit_host and host_key):
                values[key] = Value(value, "wp-config.php")

    for setting in SETTINGS:
        if values[setting.key].value is None and setting.default is not None:
            values[setting.key] = Value(setting.default, "default")

    capabilities = dict(ini["capabilities"]) if ini is not None and ini.has_section("capabilities") else {}
    _check_capabilities(capabilities)
    config = Config(values=values, capabilities=capabilities, wp_config=wp_config)
    _check_values(config)
    return config


CAPABILITY_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _check_capabilities(capabilities: dict[str, str]) -> None:
    """Each ``[capabilities]`` line names a served action or form and a capability: an empty value would
    turn the check off and a misspelt action would silently change nothing."""
    from .actions import registry
    known = set(registry.actions) | set(registry.forms)
    for action, capability in capabilities.items():
        if action not in known:
            raise ConfigError(f"[capabilities] {action}: no such action or form (see wecoza-sidecar actions)")
        if not CAPABILITY_NAME.fullmatch(capability.strip()):
            raise ConfigError(f"[capabilities] {action}: give a capability name (an empty value is not allowed)")
        capabilities[action] = capability.strip()


def _check_values(config: Config) -> None:
    if config.get("wordpress.db_socket") and config.values["wordpress.db_port"].source.startswith("environment") \
            and config.values["wordpress.db_socket"].source.startswith("environment"):
        raise ConfigError("WECOZA_WP_DB_SOCKET and WECOZA_WP_DB_PORT are both set: give a socket or a host and port")
    for key in ("wordpress.db_port", "postgres.port", "postgres.pool_max", "postgres.statement_timeout",
                "sidecar.signature_window", "sidecar.max_body_bytes",
                "wordpress.nonce_life", "wordpress.blog_id", "dispatch.delay", "dispatch.max_attempts",
                "outbox.retention_days"):
        if config.get(key) is not None:
            config.int(key)
    if config.int("sidecar.max_body_bytes") <= 0:
        raise ConfigError(f"{describe('sidecar.max_body_bytes')} must be a positive number of bytes")
    if config.int("outbox.retention_days") < 0:
        raise ConfigError(f"{describe('outbox.retention_days')} must be 0 (keep every event) or more days")
    if config.get("postgres.sslmode") not in PG_SSLMODES:
        raise ConfigError(f"{describe('postgres.sslmode')} must be one of {', '.join(PG_SSLMODES)}")
    if config.get("sidecar.log_level").lower() not in LOG_LEVELS:
        raise ConfigError(f"{describe('sidecar.log_level')} must be one of {', '.join(LOG_LEVELS)}")
    if config.get("postgres.prepared_statements") not in ("on", "off"):
        raise ConfigError(f"{describe('postgres.prepared_statements')} must be on or off")
    if config.get("sidecar.direct_mode") not in ("on", "off"):
        raise ConfigError(f"{describe('sidecar.direct_mode')} must be on or off")
    config.bind  # noqa: B018 - validates HOST:PORT
    if config.get("sidecar.uploads_url") and not config.get("sidecar.uploads_dir"):
        raise ConfigError("WECOZA_UPLOADS_URL is set but WECOZA_UPLOADS_DIR is not: give both")


REQUIRED_TO_SERVE = (
    ("wordpress.config", "the WordPress keys and salts are read from wp-config.php"),
    ("wordpress.db_name", "needed to read WordPress users, sessions and options"),
    ("wordpress.db_user", "needed to read WordPress users, sessions and options"),
    ("wordpress.table_prefix", "needed to find the WordPress tables"),
    ("sidecar.shared_secret", "the shim's requests cannot be verified without it"),
    ("sidecar.uploads_dir", "learner portfolios and attachments are stored there"),
)


def missing_settings(config: Config, section: str | None = None) -> list[str]:
    """Settings that serve cannot run without (only those of ``section`` when given), each with the reason."""
    return [f"{describe(key)} is not set: {why}" for key, why in REQUIRED_TO_SERVE
            if not config.get(key) and (section is None or key.startswith(section + "."))]


def require_complete(config: Config) -> None:
    missing = missing_settings(config)
    if missing:
        raise ConfigError("; ".join(missing))
