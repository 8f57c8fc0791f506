"""The ``WordPress`` facade the sidecar holds: options, site data (cookie names, salts, the
password-fragment rule) cached briefly, and ``authenticate()`` for admin-ajax requests."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence

from .auth import AuthResult, Identifying, asks_the_database, authenticate, check_nonce, identify, start_identify
from .cookies import CookieNames, cookie_hash, cookie_names, pass_frag_rule
from .mysql import MySQL, MySQLParams
from .nonces import DEFAULT_LIFE
from .salts import SALT_OPTIONS, wp_salt
from .tables import Tables
from .ttlcache import TTLCache
from .users import UserData, ask_users, display_names, load_users


class SiteData:
    """What every request needs from the site; salts are computed on first use per scheme."""

    def __init__(self, cookiehash: str, names: CookieNames, rule: str, constants: Mapping[str, object],
                 salt_options: Mapping[str, bytes]):
        self.cookiehash = cookiehash
        self.names = names
        self.pass_frag_rule = rule
        self._constants = constants
        self._salt_options = salt_options
        self._salts: dict[str, bytes] = {}

    def salt(self, scheme: str) -> bytes:
        """``wp_salt(scheme)``; SaltMissing when WordPress would have to generate it."""
        if scheme not in self._salts:
            self._salts[scheme] = wp_salt(scheme, self._constants, self._salt_options)
        return self._salts[scheme]


class WordPress:
    """One WordPress site. ``keys`` and ``constants`` are wp-config defines; ``wp_version`` picks
    the password-fragment rule (else the ``db_version`` option, see ``cookies.pass_frag_rule``);
    ``blog_id`` selects the blog of a multisite network (default BLOG_ID_CURRENT_SITE or 1)."""

    def __init__(self, db: MySQLParams | MySQL, table_prefix: str | None = "wp_", keys: Mapping | None = None,
                 constants: Mapping | None = None, nonce_life: int = DEFAULT_LIFE,
                 clock: Callable[[], float] = time.time, *, wp_version: str | None = None,
                 blog_id: int | None = None, site_ttl: float = 60.0):
        if nonce_life <= 0:
            raise ValueError("nonce_life must be positive")
        self.db = db if isinstance(db, MySQL) else MySQL(db)
        self.constants = {**(constants or {}), **(keys or {})}
        self.tables = Tables.for_site(table_prefix or "wp_", self.constants, blog_id)
        self.nonce_life = nonce_life
        self.clock = clock
        self.wp_version = wp_version
        self._site: TTLCache[SiteData] = TTLCache(site_ttl, single_flight=True)

    def get_option(self, name: str) -> str | None:
        """The raw ``option_value`` of this blog's option, or None."""
        return self.get_options([name])[name]

    def get_options(self, names: Iterable[str]) -> dict[str, str | None]:
        """Several raw option values in one query; None for the missing ones."""
        names = list(dict.fromkeys(names))
        found = self._values([self._option(name) for name in names])
        return {name: self.db.text(found.get(name)) for name in names}

    def ping(self) -> None:
        self.db.ping()

    def close(self) -> None:
        self.db.close()

    def site(self) -> SiteData:
        """Site data, reloaded (one query) when older than ``site_ttl`` seconds."""
        return self._site.get(None, self._load_site)

    def users(self, logins: Sequence[str], options: Sequence[str] = ()) -> UserData:
        return load_users(self.db, self.tables, logins, options)

    def ask_users(self, logins: Sequence[str], options: Sequence[str] = ()) -> Callable[[], UserData]:
        """``users`` in two steps: the query is sent now; calling what this returns reads its answer."""
        return ask_users(self.db, self.tables, logins, options)

    def display_names(self, user_ids: Iterable[int]) -> dict[int, str]:
        """``{ID: display_name}`` of the users that exist (one query)."""
        return display_names(self.db, self.tables, user_ids)

    def authenticate(self, cookie_header: str | bytes | None, https: bool = False, method: str = "POST",
                     params: Mapping[str, object] | None = None, nonce_actions: Sequence[str | int] | None = None,
                     nonce_field: str | None = "nonce", ajax: bool = True) -> AuthResult:
        """Who is calling, as admin-ajax.php decides it, and whether the nonce holds; see auth.py."""
        return authenticate(self, cookie_header, https=https, method=method, params=params,
                            nonce_actions=nonce_actions, nonce_field=nonce_field, ajax=ajax)

    def identify(self, cookie_header: str | bytes | None, https: bool = False, method: str = "POST",
                 ajax: bool = True, options: Sequence[str] = ()) -> AuthResult:
        """``authenticate`` in two steps: who is calling, from the cookies alone (and the blog's ``options``
        the request needs, read with the user)..."""
        return identify(self, cookie_header, https=https, method=method, ajax=ajax, options=options)

    def start_identify(self, cookie_header: str | bytes | None, https: bool = False, method: str = "POST",
                       ajax: bool = True, options: Sequence[str] = ()) -> Identifying:
        """``identify`` with its MySQL query sent and its answer not read yet (see auth.py)."""
        return start_identify(self, cookie_header, https=https, method=method, ajax=ajax, options=options)

    def asks_the_database(self, cookie_header: str | bytes | None, https: bool = False, method: str = "POST",
                          ajax: bool = True) -> bool:
        """Whether ``identify`` would query MySQL for these cookies (see auth.py): no query of its own."""
        return asks_the_database(self, cookie_header, https=https, method=method, ajax=ajax)

    def check_nonce(self, caller: AuthResult, params: Mapping[str, object] | None,
                    nonce_actions: Sequence[str | int] | None, nonce_field: str | None = "nonce") -> AuthResult:
        """...then whether the request's nonce holds for that caller."""
        return check_nonce(self, caller, params, nonce_actions, nonce_field)

    def _load_site(self) -> SiteData:
        tables = self.tables
        if tables.multisite:
            network = self._values([self._network_option(name) for name in ("siteurl", *SALT_OPTIONS)]
                                   + [self._option("db_version")])
        else:
            network = self._values([self._option(name) for name in ("siteurl", "db_version", *SALT_OPTIONS)])
        db_version = network.get("db_version") or b""
        known = db_version.isdigit() and len(db_version) < 10
        rule = pass_frag_rule(self.wp_version, int(db_version) if known else None)
        cookiehash = cookie_hash(network.get("siteurl"), self.constants, tables.multisite)
        return SiteData(cookiehash, cookie_names(cookiehash, self.constants), rule, self.constants,
                        {name: value for name in SALT_OPTIONS if (value := network.get(name)) is not None})

    def _option(self, name: str) -> tuple[str, str]:
        return f"SELECT option_value FROM {self.tables.options} WHERE option_name = %s", name

    def _network_option(self, name: str) -> tuple[str, str]:
        return (f"SELECT meta_value FROM {self.tables.sitemeta} WHERE meta_key = %s "
                f"AND site_id = {int(self.tables.network_id)} ORDER BY meta_id", name)

    def _values(self, lookups: list[tuple[str, str]]) -> dict[str, bytes | None]:
        """``(select, name)`` pairs answered in one query: the first row of each, by name. The SQL
        comparison decides what matches, as it does for WordPress."""
        if not lookups:
            return {}
        sql = " UNION ALL ".join(f"(SELECT {tag} AS q, v.* FROM ({select} LIMIT 1) AS v)"
                                 for tag, (select, _) in enumerate(lookups))
        rows = self.db.query(sql, [name for _, name in lookups])
        return {lookups[int(tag)][1]: value for tag, value in rows}
