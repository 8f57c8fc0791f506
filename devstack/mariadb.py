"""A throwaway MariaDB database with its own user and password, for a test WordPress, in a given server
(devstack/servers.py: the suite's own, or the machine's for the demo and the bench)."""
import secrets
from dataclasses import dataclass, field

import pymysql

from .servers import MariadbServer


@dataclass
class MysqlDatabase:
    host: str
    port: int
    dbname: str
    user: str
    password: str
    server: MariadbServer = field(default=None, repr=False, compare=False)

    def connect(self, **kwargs):
        """A new PyMySQL connection as the site's user (close it yourself)."""
        return pymysql.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                               database=self.dbname, charset="utf8mb4", **kwargs)


def _accounts(db):
    return f"'{db.user}'@'127.0.0.1', '{db.user}'@'localhost'"


def create_mysql_database(server, name=None, user=None, password=None):
    """A database and its user (both named `name` unless told; random hex when not given) in server."""
    name = name or f"wecoza_t_wp_{secrets.token_hex(5)}"
    # names of letters, digits and _ and hex passwords need no quoting
    db = MysqlDatabase(server.host, server.port, name, user or name, password or secrets.token_hex(16), server=server)
    try:
        server.admin(
            f"CREATE DATABASE `{db.dbname}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;\n"
            f"CREATE USER '{db.user}'@'127.0.0.1' IDENTIFIED BY '{db.password}';\n"
            f"CREATE USER '{db.user}'@'localhost' IDENTIFIED BY '{db.password}';\n"
            f"GRANT ALL PRIVILEGES ON `{db.dbname}`.* TO {_accounts(db)};\n")
    except BaseException:
        drop_mysql_database(db)
        raise
    return db


def drop_mysql_database(db):
    db.server.admin(f"DROP DATABASE IF EXISTS `{db.dbname}`;\nDROP USER IF EXISTS {_accounts(db)};\n")
