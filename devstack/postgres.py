"""A throwaway PostgreSQL database owned by a fresh login role, with the production schema and seed rows, in a given
server (devstack/servers.py: the suite's own, or the machine's for the demo and the bench).

The schema is the production dump loaded by ../shared/reference/load_schema.sh (given the server's psql as PSQL);
without ../shared it is devstack/schema/production_subset.sql + seed.sql.
"""
import contextlib
import os
import secrets
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from .servers import PostgresServer
from .system import shared_dir

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


@dataclass
class PgDatabase:
    host: str
    port: int
    dbname: str
    user: str
    password: str
    schema_source: str = ""
    server: PostgresServer = field(default=None, repr=False, compare=False)

    @property
    def dsn(self):
        return f"host={self.host} port={self.port} dbname={self.dbname} user={self.user} password={self.password}"

    def connect(self, **kwargs):
        """A new psycopg2 connection as the owner role over TCP (close it yourself)."""
        return psycopg2.connect(self.dsn, **kwargs)

    def run_sql_file(self, path):
        with contextlib.closing(self.connect()) as conn:
            conn.autocommit = True  # the file is one multi-statement query: PostgreSQL runs it as one transaction
            with conn.cursor() as cur:
                cur.execute(Path(path).read_text(encoding="utf-8"))


def create_pg_database(server, project_schema=False, name=None, owner=None, password=None):
    """A fresh database in server owned by a new login role (`<name>_owner` unless told; random names and password
    when not given), loaded from the production dump, or from devstack/schema when asked or without ../shared."""
    name = name or f"wecoza_t_{secrets.token_hex(5)}"
    db = PgDatabase(server.host, server.port, name, owner or f"{name}_owner", password or secrets.token_hex(16),
                    server=server)
    try:
        shared = shared_dir()
        if shared and not project_schema:
            _load_production_dump(db, shared / "reference")
        else:
            _load_project_schema(db)
    except BaseException:
        drop_pg_database(db)
        raise
    return db


def _load_production_dump(db, reference):
    env = {**os.environ, "DB_OWNER": db.user, "DB_OWNER_PASSWORD": db.password,
           "PSQL": shlex.join(db.server.psql_command)}
    run = subprocess.run(["bash", str(reference / "load_schema.sh"), db.dbname], env=env,
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        raise RuntimeError(f"load_schema.sh {db.dbname} failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
    db.run_sql_file(reference / "seed_minimal.sql")
    db.schema_source = "production dump (../shared/reference)"


def _load_project_schema(db):
    db.server.psql(
        "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw') \\gexec\n"
        "SELECT format('CREATE DATABASE %I OWNER %I TEMPLATE template0 ENCODING ''UTF8''', :'db', :'role') \\gexec\n",
        role=db.user, pw=db.password, db=db.dbname)
    db.run_sql_file(SCHEMA_DIR / "production_subset.sql")
    db.run_sql_file(SCHEMA_DIR / "seed.sql")
    db.schema_source = "devstack/schema"


def drop_pg_database(db):
    db.server.psql("SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db') \\gexec\n"
               "SELECT format('DROP ROLE IF EXISTS %I', :'role') \\gexec\n", db=db.dbname, role=db.user)
