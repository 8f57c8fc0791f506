"""A throwaway MariaDB database with its own user and password, for a test WordPress.

Administration runs the `mariadb` client as root over the local socket (Debian's default for the OS root);
set WECOZA_TEST_MYSQL_ADMIN to another client command line to override, e.g. "mariadb -h127.0.0.1 -uroot -pX".
"""
import os
import secrets
import shlex
import subprocess
from dataclasses import dataclass

import pymysql

HOST = "127.0.0.1"
PORT = 3306


def mysql_admin(sql):
    cmd = shlex.split(os.environ.get("WECOZA_TEST_MYSQL_ADMIN", "mariadb -uroot")) + ["--batch"]
    run = subprocess.run(cmd, input=sql, capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError(f"MariaDB administration with `{' '.join(cmd)}` failed: {run.stderr.strip()}")
    return run.stdout


@dataclass
class MysqlDatabase:
    host: str
    port: int
    dbname: str
    user: str
    password: str

    def connect(self, **kwargs):
        """A new PyMySQL connection as the site's user (close it yourself)."""
        return pymysql.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                               database=self.dbname, charset="utf8mb4", **kwargs)


def _accounts(db):
    return f"'{db.user}'@'127.0.0.1', '{db.user}'@'localhost'"


def create_mysql_database():
    name = f"wecoza_t_wp_{secrets.token_hex(5)}"
    db = MysqlDatabase(HOST, PORT, name, name, secrets.token_hex(16))  # hex names and passwords need no quoting
    try:
        mysql_admin(
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;\n"
            f"CREATE USER '{db.user}'@'127.0.0.1' IDENTIFIED BY '{db.password}';\n"
            f"CREATE USER '{db.user}'@'localhost' IDENTIFIED BY '{db.password}';\n"
            f"GRANT ALL PRIVILEGES ON `{name}`.* TO {_accounts(db)};\n")
    except BaseException:
        drop_mysql_database(db)
        raise
    return db


def drop_mysql_database(db):
    mysql_admin(f"DROP DATABASE IF EXISTS `{db.dbname}`;\nDROP USER IF EXISTS {_accounts(db)};\n")
