"""Users as WordPress resolves them: the row, the usermeta that matter, the role definitions and
super admins, fetched in one query; roles and ``allcaps`` computed as ``WP_User`` does."""
from __future__ import annotations

import functools

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from . import php
from .cookies import UserRecord
from .mysql import MySQL
from .phpserialize import maybe_unserialize
from .tables import Tables

SESSION_TOKENS = "session_tokens"
DEFAULT_SUPER_ADMINS = (b"admin",)

# Capabilities map_meta_cap() translates into others (core 6.1 - 7.1). has_cap() answers False for
# them: the sidecar evaluates primitive capabilities only.
META_CAPS = frozenset("""
    remove_user promote_user add_users edit_user edit_users delete_post delete_page edit_post edit_page
    read_post read_page publish_post edit_post_meta delete_post_meta add_post_meta edit_comment_meta
    delete_comment_meta add_comment_meta edit_term_meta delete_term_meta add_term_meta edit_user_meta
    delete_user_meta add_user_meta edit_comment unfiltered_upload edit_css unfiltered_html edit_files
    edit_plugins edit_themes update_plugins delete_plugins install_plugins upload_plugins update_themes
    delete_themes install_themes upload_themes update_core install_languages update_languages
    activate_plugins deactivate_plugins activate_plugin deactivate_plugin resume_plugin resume_theme
    delete_user delete_users create_users manage_links customize delete_site edit_term delete_term
    assign_term manage_post_tags edit_categories edit_post_tags delete_categories delete_post_tags
    assign_categories assign_post_tags create_sites delete_sites manage_network manage_sites
    manage_network_users manage_network_plugins manage_network_themes manage_network_options
    upgrade_network setup_network update_php update_https export_others_personal_data
    erase_others_personal_data manage_privacy_options create_app_password list_app_passwords
    read_app_password edit_app_password delete_app_passwords delete_app_password edit_block_binding
""".split())


@dataclass(frozen=True)
class WPUser:
    """A logged-in user with ``WP_User::$roles`` and ``$allcaps`` (capability -> granted)."""

    id: int
    login: str
    roles: tuple[str, ...]
    allcaps: Mapping[str, bool]
    session_token: str = field(default="", repr=False)
    super_admin: bool = False
    display_name: str | None = field(default=None, repr=False)  # read with the user (None: not read)

    def has_cap(self, capability: str) -> bool:
        """``current_user_can()`` for a primitive capability (custom ones such as manage_learners)."""
        cap = str(capability)
        if php.is_numeric(cap):
            cap = "level_" + cap
        if cap in META_CAPS or cap == "do_not_allow":
            return False
        return self.super_admin or cap == "exist" or self.allcaps.get(cap, False)


@dataclass(frozen=True)
class UserData:
    """One query's answer: users by requested login, raw roles option, raw ``site_admins``."""

    users: Mapping[str, UserRecord | None]
    roles: bytes | None
    site_admins: bytes | None
    site_admins_found: bool
    options: Mapping[str, str | None] = field(default_factory=dict)  # those asked for, as ``get_options`` reads them


def load_users(db: MySQL, tables: Tables, logins: Sequence[str], options: Sequence[str] = ()) -> UserData:
    """Rows for ``logins`` (MySQL's collation decides the match, as in ``get_user_by``), their
    capabilities, user level and session tokens, plus the roles option (and on multisite the
    network's super admins) and the blog's ``options`` a caller needs, in one round trip."""
    return ask_users(db, tables, logins, options)()


def ask_users(db: MySQL, tables: Tables, logins: Sequence[str],
              options: Sequence[str] = ()) -> Callable[[], UserData]:
    """``load_users`` in two steps: the query is sent now; calling what this returns reads its answer."""
    options = list(dict.fromkeys(options))
    meta_keys = (tables.capabilities_key, tables.user_level_key, SESSION_TOKENS)
    parts: list[str] = []
    args: list[object] = []
    for index, login in enumerate(logins):
        parts.append(
            f"SELECT {index} AS q, u.ID, u.user_login, u.user_pass, u.display_name, m.umeta_id, m.meta_key, "
            f"m.meta_value FROM (SELECT ID, user_login, user_pass, display_name FROM {tables.users} "
            f"WHERE user_login = %s ORDER BY ID LIMIT 1) AS u LEFT JOIN {tables.usermeta} AS m "
            f"ON m.user_id = u.ID AND m.meta_key IN (%s, %s, %s)")
        args += [login, *meta_keys]
    parts.append(f"SELECT -1, NULL, NULL, NULL, NULL, NULL, NULL, option_value FROM {tables.options} "
                 "WHERE option_name = %s")
    args.append(tables.roles_option)
    for index, name in enumerate(options):  # the option's index rides in the meta id's column
        parts.append(f"SELECT -3, NULL, NULL, NULL, NULL, {index}, NULL, option_value FROM {tables.options} "
                     "WHERE option_name = %s LIMIT 1")
        args.append(name)
    if tables.multisite:
        parts.append(f"SELECT -2, NULL, NULL, NULL, NULL, meta_id, NULL, meta_value FROM {tables.sitemeta} "
                     "WHERE meta_key = 'site_admins' AND site_id = %s")
        args.append(tables.network_id)
    in_flight = db.send(" UNION ALL ".join(f"({part})" for part in parts), args)
    return lambda: _user_data(db, in_flight.rows(), logins, options, meta_keys)


def _user_data(db: MySQL, rows: list[tuple], logins: Sequence[str], options: list[str],
               meta_keys: tuple[str, ...]) -> UserData:
    found: dict[int, tuple] = {}
    metas: dict[int, dict[bytes, tuple[int, bytes]]] = {}
    roles = site_admins = None
    site_admins_id = None
    values: dict[str, bytes | None] = dict.fromkeys(options)
    wanted = {key.encode() for key in meta_keys}
    for q, user_id, login, user_pass, display_name, meta_id, meta_key, meta_value in rows:
        if q == -1:
            roles = meta_value
        elif q == -3:
            values[options[int(meta_id)]] = meta_value
        elif q == -2:
            if site_admins_id is None or meta_id < site_admins_id:
                site_admins, site_admins_id = meta_value, meta_id
        elif user_id is not None:
            found[q] = (int(user_id), login, user_pass or b"", display_name)
            meta = metas.setdefault(q, {})
            if meta_key in wanted and (meta_key not in meta or meta_id < meta[meta_key][0]):
                meta[meta_key] = (meta_id, meta_value or b"")
    users: dict[str, UserRecord | None] = {}
    for index, login in enumerate(logins):
        if index in found:
            user_id, stored_login, user_pass, display_name = found[index]
            users[login] = UserRecord(user_id, db.text(stored_login), user_pass,
                                      {key: value for key, (_, value) in metas.get(index, {}).items()},
                                      _display_name(db, display_name))
        else:
            users[login] = None
    return UserData(users, roles, site_admins, site_admins_id is not None,
                    MappingProxyType({name: db.text(value) for name, value in values.items()}))


def display_names(db: MySQL, tables: Tables, user_ids: Iterable[int]) -> dict[int, str]:
    """``{ID: display_name}`` of the users among ``user_ids`` that exist, in one query."""
    ids = sorted({i for i in user_ids if isinstance(i, int) and not isinstance(i, bool) and i > 0})
    if not ids:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    rows = db.query(f"SELECT ID, display_name FROM {tables.users} WHERE ID IN ({placeholders})", ids)
    return {int(user_id): _display_name(db, name) for user_id, name in rows}


def _display_name(db: MySQL, name) -> str:
    return name.decode(db.encoding, "replace") if isinstance(name, bytes) else str(name or "")


@functools.lru_cache(maxsize=8)
def role_definitions(raw: bytes) -> dict:
    """The parsed roles option. Fetched with every request (so a change shows at once) but parsed once
    per distinct value: it is the largest thing auth reads. Callers must not modify the result."""
    definitions = maybe_unserialize(raw)
    return definitions if isinstance(definitions, dict) else {}


def capabilities(user: UserRecord, tables: Tables, data: UserData) -> tuple[tuple[str, ...], Mapping[str, bool]]:
    """``WP_User::$roles`` and ``$allcaps``: the capabilities of each role the user has, in the
    user's order, then the user's own grants and denials on top. Integer-named capabilities,
    which PHP's ``array_merge`` renumbers, are left out."""
    return _capabilities(user.meta.get(tables.capabilities_key.encode()), data.roles)


@functools.lru_cache(maxsize=256)
def _capabilities(user_caps: bytes | None, roles: bytes | None) -> tuple[tuple[str, ...], Mapping[str, bool]]:
    """Computed once per distinct pair of stored values (read with every request, so a change shows at once)."""
    caps = maybe_unserialize(user_caps)
    caps = caps if isinstance(caps, dict) else {}
    definitions = role_definitions(roles) if roles is not None else {}
    known = {name for name, role in definitions.items() if isinstance(role, dict) and role.get(b"name") is not None}
    names = [name for name in caps if name in known]
    allcaps: dict[str, bool] = {}
    for source in [definitions[name].get(b"capabilities") for name in names] + [caps]:
        if isinstance(source, dict):
            allcaps.update((_text(cap), php.truthy(granted)) for cap, granted in source.items()
                           if isinstance(cap, bytes))
    return tuple(_text(name) for name in names), MappingProxyType(allcaps)


def is_super_admin(user: UserRecord, tables: Tables, data: UserData) -> bool:
    """``is_super_admin()`` on multisite: the login is in the network's ``site_admins`` (``admin``
    when that option does not exist)."""
    if not tables.multisite:
        return False
    admins = maybe_unserialize(data.site_admins) if data.site_admins_found else dict(enumerate(DEFAULT_SUPER_ADMINS))
    login = user.login.encode("utf-8", "surrogateescape")
    return isinstance(admins, dict) and any(isinstance(v, bytes) and v == login for v in admins.values())


def _text(key) -> str:
    return key.decode("utf-8", "surrogateescape") if isinstance(key, bytes) else str(key)
