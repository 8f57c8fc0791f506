"""Where a WordPress site keeps its data: table names, prefixed meta keys and options,
for single sites and for one blog of a multisite network (``wpdb::get_blog_prefix()``)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from . import php

_PREFIX = re.compile(r"[A-Za-z0-9_]+")
_TABLE = re.compile(r"[A-Za-z0-9_$]+(?:\.[A-Za-z0-9_$]+)?")


def is_multisite(constants: Mapping[str, object]) -> bool:
    if "MULTISITE" in constants:
        return php.truthy(constants["MULTISITE"])
    return any(name in constants for name in ("SUBDOMAIN_INSTALL", "VHOST", "SUNRISE"))


def quote(table: str) -> str:
    if not _TABLE.fullmatch(table):
        raise ValueError(f"not a usable table name: {table!r}")
    return ".".join(f"`{part}`" for part in table.split("."))


@dataclass(frozen=True)
class Tables:
    """Quoted table names (``users``, ``usermeta``, ``options``, ``sitemeta``) and the per-blog
    names of the capabilities meta key and the roles option."""

    users: str
    usermeta: str
    options: str
    sitemeta: str
    capabilities_key: str
    user_level_key: str
    roles_option: str
    multisite: bool
    network_id: int

    @classmethod
    def for_site(cls, table_prefix: str, constants: Mapping[str, object], blog_id: int | None = None) -> Tables:
        if not _PREFIX.fullmatch(table_prefix or ""):
            raise ValueError(f"table prefix must be letters, digits and underscores, not {table_prefix!r}")
        multisite = is_multisite(constants)
        blog = int(blog_id if blog_id is not None else _int(constants.get("BLOG_ID_CURRENT_SITE"), 1))
        blog_prefix = table_prefix
        if multisite and not ("MULTISITE" in constants and blog in (0, 1)):
            blog_prefix = f"{table_prefix}{blog}_"
        custom = {name: php.to_bytes(constants[name]).decode("utf-8", "surrogateescape")
                  for name in ("CUSTOM_USER_TABLE", "CUSTOM_USER_META_TABLE") if name in constants}
        return cls(
            users=quote(custom.get("CUSTOM_USER_TABLE", f"{table_prefix}users")),
            usermeta=quote(custom.get("CUSTOM_USER_META_TABLE", f"{table_prefix}usermeta")),
            options=quote(f"{blog_prefix}options"),
            sitemeta=quote(f"{table_prefix}sitemeta"),
            capabilities_key=f"{blog_prefix}capabilities",
            user_level_key=f"{blog_prefix}user_level",
            roles_option=f"{blog_prefix}user_roles",
            multisite=multisite,
            network_id=_int(constants.get("SITE_ID_CURRENT_SITE"), 1),
        )


def _int(value, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default
