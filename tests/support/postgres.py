"""A throwaway PostgreSQL database owned by a fresh login role, with the production schema and seed rows.

The schema is the production dump loaded by ../shared/reference/load_schema.sh; without ../shared it is
tests/schema/production_subset.sql + seed.sql. Administration runs psql as the postgres OS user (root) or,
when not root, `psql -h 127.0.0.1 -U postgres`; set PSQL to override (the same knob load_schema.sh reads).
"""
import contextlib
import os
import secrets
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from .system import REPO_ROOT, shared_dir

HOST = "127.0.0.1"
PORT = 5432
SCHEMA_DIR = REPO_ROOT / "tests" / "schema"


def _admin_psql():
    if os.environ.get("PSQL"):
        return shlex.split(os.environ["PSQL"])
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", "psql"]
    return ["psql", "-h", HOST, "-p", str(PORT), "-U", "postgres"]


def psql_admin(sql, **variables):
    """Run sql as the cluster's superuser in database postgres; psql variables are quoted with :'name'."""
    cmd = _admin_psql() + ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", "postgres"]
    for name, value in variables.items():
        cmd += ["-v", f"{name}={value}"]
    run = subprocess.run(cmd, input=sql, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise RuntimeError(f"psql as the PostgreSQL superuser failed ({' '.join(cmd[:5])}): {run.stderr.strip()}")
    return run.stdout


@dataclass
class PgDatabase:
    host: str
    port: int
    dbname: str
    user: str
    password: str
    schema_source: str = ""

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


def create_pg_database(project_schema=False):
    """A fresh database loaded from the production dump, or from tests/schema when asked or without ../shared."""
    name = f"wecoza_t_{secrets.token_hex(5)}"
    db = PgDatabase(HOST, PORT, name, f"{name}_owner", secrets.token_hex(16))
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
    env = {**os.environ, "DB_OWNER": db.user, "DB_OWNER_PASSWORD": db.password}
    run = subprocess.run(["bash", str(reference / "load_schema.sh"), db.dbname], env=env,
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        raise RuntimeError(f"load_schema.sh {db.dbname} failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
    db.run_sql_file(reference / "seed_minimal.sql")
    db.schema_source = "production dump (../shared/reference)"


def _load_project_schema(db):
    psql_admin(
        "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw') \\gexec\n"
        "SELECT format('CREATE DATABASE %I OWNER %I TEMPLATE template0 ENCODING ''UTF8''', :'db', :'role') \\gexec\n",
        role=db.user, pw=db.password, db=db.dbname)
    db.run_sql_file(SCHEMA_DIR / "production_subset.sql")
    db.run_sql_file(SCHEMA_DIR / "seed.sql")
    db.schema_source = "tests/schema"


def drop_pg_database(db):
    psql_admin("SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db') \\gexec\n"
               "SELECT format('DROP ROLE IF EXISTS %I', :'role') \\gexec\n", db=db.dbname, role=db.user)
