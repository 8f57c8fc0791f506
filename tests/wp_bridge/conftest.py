"""Vectors from ``<repo>/../shared/vectors`` and a throwaway MariaDB database holding their sites.

Every vector file becomes a WordPress site of its own in one session database, under the table
prefix ``v<n>_`` (meta keys and the roles option are renamed to match)."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pymysql
import pytest

from wp_bridge import MySQL, MySQLParams
from wp_bridge.schema import create_table_statements

REPO = Path(__file__).resolve().parents[2]
VECTOR_DIR = REPO.parent / "shared" / "vectors"


def vector_files() -> list[Path]:
    return sorted(VECTOR_DIR.glob("*.json"))


@cache
def load_vector(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def vector_params(section) -> list:
    """pytest params ``(file, item)`` for every item ``section(vector)`` yields, with readable ids."""
    params = []
    for path in vector_files():
        for item_id, item in section(load_vector(path)):
            params.append(pytest.param(path, item, id=f"{path.stem}:{item_id}"))
    return params


def typed(value):
    """A vector's typed JSON value as wp_bridge returns it: strings as bytes, arrays as dicts."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict):
        if "bytes_hex" in value:
            return bytes.fromhex(value["bytes_hex"])
        if "float" in value:
            return float(value["float"].replace("INF", "inf").replace("NAN", "nan"))
        if "array" in value:
            return {(k.encode() if isinstance(k, str) else k): typed(v) for k, v in value["array"]}
    return value


def raw(value) -> bytes:
    """A vector string (or ``bytes_hex``) as bytes."""
    return bytes.fromhex(value["bytes_hex"]) if isinstance(value, dict) else value.encode("utf-8")


@dataclass
class VectorSite:
    """A vector file's site loaded into the test database."""

    path: Path
    vector: dict
    prefix: str
    params: MySQLParams

    def meta_key(self, key: str) -> str:
        old = self.vector["site"]["table_prefix"]
        return self.prefix + key[len(old):] if key.startswith(old) else key

    @property
    def users(self) -> dict:
        return {u["login"]: u for u in self.vector["users"]}


@pytest.fixture(scope="session")
def mariadb(mysql_server):
    """MySQLParams (the server's root, no password) of a fresh database, dropped at the end of the session."""
    name = f"wecoza_t_wpb_{secrets.token_hex(6)}"
    root = {"host": mysql_server.host, "port": mysql_server.port, "user": "root", "password": ""}
    admin = pymysql.connect(**root, autocommit=True)
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci")
    try:
        yield MySQLParams(**root, database=name, charset="utf8mb4")
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()


@pytest.fixture
def db(mariadb):
    """wp_bridge's MySQL on the session's database, closed after the test."""
    db = MySQL(mariadb)
    yield db
    db.close()


def connect(params: MySQLParams):
    return pymysql.connect(host=params.host, port=params.port, user=params.user, password=params.password,
                           database=params.database, charset="utf8mb4", autocommit=True)


@pytest.fixture(scope="session")
def sql(mariadb):
    """An autocommit connection for arranging data."""
    connection = connect(mariadb)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def vector_sites(mariadb, sql) -> dict[Path, VectorSite]:
    sites = {}
    for index, path in enumerate(vector_files()):
        site = VectorSite(path, load_vector(path), f"v{index}_", mariadb)
        with sql.cursor() as cursor:
            for statement in create_table_statements(site.prefix):
                cursor.execute(statement)
        for login in site.users:
            insert_user(sql, site, login)
        options = {"siteurl": site.vector["options"]["siteurl"], "home": site.vector["options"]["home"],
                   site.meta_key(f"{site.vector['site']['table_prefix']}user_roles"):
                       site.vector["options"][f"{site.vector['site']['table_prefix']}user_roles"],
                   "db_version": str(site.vector["generator"]["wp_db_version"])}
        with sql.cursor() as cursor:
            cursor.executemany(f"INSERT INTO `{site.prefix}options` (option_name, option_value) VALUES (%s, %s)",
                               list(options.items()))
        sites[path] = site
    return sites


def insert_user(sql, site: VectorSite, login: str) -> None:
    user = site.users[login]
    row = user["row"]
    with sql.cursor() as cursor:
        cursor.execute(f"INSERT INTO `{site.prefix}users` (ID, user_login, user_pass, user_email, user_status) "
                       "VALUES (%s, %s, %s, %s, %s)",
                       (row["ID"], row["user_login"], row["user_pass"], row["user_email"], row["user_status"]))
        cursor.executemany(f"INSERT INTO `{site.prefix}usermeta` (user_id, meta_key, meta_value) VALUES (%s, %s, %s)",
                           [(row["ID"], site.meta_key(key), raw(value)) for key, value in user["usermeta"].items()])


def delete_user(sql, site: VectorSite, user_id: int) -> None:
    with sql.cursor() as cursor:
        cursor.execute(f"DELETE FROM `{site.prefix}users` WHERE ID = %s", (user_id,))
        cursor.execute(f"DELETE FROM `{site.prefix}usermeta` WHERE user_id = %s", (user_id,))


class Clock:
    """A settable clock for WordPress(clock=...)."""

    def __init__(self, now: float = 0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def vector_wordpress(vector_sites):
    """``get(path, now)``: one WordPress per vector site for the session, its clock set to ``now``."""
    from wp_bridge import WordPress
    made = {}

    def get(path: Path, now: float):
        if path not in made:
            site = vector_sites[path]
            made[path] = WordPress(db=site.params, table_prefix=site.prefix,
                                   keys=site.vector["site"]["keys_and_salts"], clock=Clock())
        made[path].clock.now = now
        return made[path]
    yield get
    for wp in made.values():
        wp.close()
