"""Database servers: the suite's own PostgreSQL and MariaDB, and the machine's (for the demo and the bench).

A private server is created by initdb / mariadb-install-db in a fresh folder under the system's temp directory,
listens on a free 127.0.0.1 port and a socket in that folder, and is stopped and removed by `remove()`. Nothing here
starts, stops or restarts the machine's servers. Administration of a private server goes over its own socket as its
superuser (PostgreSQL `postgres`, trusted on the socket only; MariaDB `root`, no password); TCP logins need a password,
as on the machine.

The servers are started as the `postgres` / `mysql` OS users when the suite runs as root (initdb refuses root), and
as the current user otherwise.
"""
from __future__ import annotations

import atexit
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .leftovers import record_folder, record_process
from .ports import LOOPBACK, free_port, port_open
from .processes import tail

PG_BIN = Path("/usr/lib/postgresql/15/bin")
# Durability is not wanted from a throwaway cluster; speed is.
PG_SETTINGS = {"listen_addresses": LOOPBACK, "max_connections": "200", "fsync": "off", "synchronous_commit": "off",
               "full_page_writes": "off", "timezone": "Etc/UTC"}
# As Debian's /etc/mysql/my.cnf, minus durability.
MARIADB_SETTINGS = {"bind-address": LOOPBACK, "skip-networking": "0", "skip-name-resolve": None,
                    "character-set-server": "utf8mb4", "collation-server": "utf8mb4_general_ci",
                    "innodb-flush-log-at-trx-commit": "0", "innodb-doublewrite": "0", "skip-log-bin": None,
                    "innodb-buffer-pool-size": "64M", "max-connections": "300"}


def _run(cmd, what, input=None, timeout=120):
    run = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {run.returncode}, `{shlex.join(cmd[:6])}`): "
                           f"{(run.stderr or run.stdout).strip()}")
    return run.stdout


def _service_user(name):
    """(OS user name, prefix that runs a command as them): `name` when root, else the current user."""
    if os.geteuid() == 0:
        return name, ["runuser", "-u", name, "--"]
    return pwd.getpwuid(os.geteuid()).pw_name, []


def _private_folder(kind, owner):
    """A fresh folder under the system's temp directory (traversable by a service user, unlike pytest's)."""
    root = Path(tempfile.mkdtemp(prefix=f"wecoza-test-{kind}-"))
    record_folder(root)
    if os.geteuid() == 0:
        shutil.chown(root, owner, owner)
    return root


def _self_signed_certificate(as_owner, folder: Path) -> None:
    """server.crt and server.key in ``folder``, for a test server on the loopback address, made as its owner."""
    _run([*as_owner, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
          "-subj", f"/CN={LOOPBACK}", "-keyout", str(folder / "server.key"), "-out", str(folder / "server.crt")],
         "openssl (the test server's certificate)")


def _wait_for_port(port, what, log_path, proc=None, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(LOOPBACK, port):
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"{what} does not answer on {LOOPBACK}:{port}\n{tail(log_path)}")


# --------------------------------------------------------------------------------------------------- PostgreSQL
@dataclass
class PostgresServer:
    """A PostgreSQL server: where it listens and how to administer it (`psql_command`, the PSQL of load_schema.sh)."""

    host: str
    port: int
    psql_command: tuple

    def psql(self, sql, database="postgres", **variables):
        """Run sql as the superuser; psql variables are quoted with :'name' (identifiers with :"name")."""
        cmd = [*self.psql_command, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", database]
        for name, value in variables.items():
            cmd += ["-v", f"{name}={value}"]
        return _run(cmd, f"psql as the superuser of {self.host}:{self.port}", input=sql)

    def database_exists(self, name):
        return self.psql("SELECT count(*) FROM pg_database WHERE datname = :'db';\n", db=name).strip() == "1"


def machine_postgres():
    """The machine's PostgreSQL on 127.0.0.1:5432 (the demo's and the bench's), administered as the `postgres` OS
    user when root, else `psql -h 127.0.0.1 -U postgres`; PSQL overrides the command, as for load_schema.sh, and
    WECOZA_DEMO_PG_PORT the port (the demo's tests point both at the suite's own server)."""
    port = int(os.environ.get("WECOZA_DEMO_PG_PORT", "5432"))
    if os.environ.get("PSQL"):
        command = shlex.split(os.environ["PSQL"])
    elif os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", "psql"]
    else:
        command = ["psql", "-h", LOOPBACK, "-p", str(port), "-U", "postgres"]
    return PostgresServer(LOOPBACK, port, tuple(command))


class PrivatePostgres(PostgresServer):
    """A PostgreSQL 15 cluster of our own: `start()`, `stop()`, `restart()`, `remove()`.

    ``ssl``: the server offers SSL with a self-signed certificate made for it (clients use sslmode=require)."""

    def __init__(self, ssl: bool = False):
        self.ssl = ssl
        self.os_user, self._as_owner = _service_user("postgres")
        self.root = _private_folder("pg", self.os_user)
        self.data, self.log_path = self.root / "data", self.root / "server.log"
        port = free_port()
        super().__init__(LOOPBACK, port, ("psql", "-h", str(self.root), "-p", str(port), "-U", "postgres"))
        atexit.register(self.remove)
        try:
            _run([*self._as_owner, str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"],
                 "initdb", timeout=300)
            if ssl:
                # server.crt and server.key in the data folder are PostgreSQL's default certificate files
                _self_signed_certificate(self._as_owner, self.data)
        except BaseException:
            self.remove()
            raise

    def _pg_ctl(self, *args, timeout=120):
        settings = {**PG_SETTINGS, "ssl": "on" if self.ssl else "off"}
        options = " ".join([f"-p {self.port}", f"-k {self.root}"] + [f"-c {k}={v}" for k, v in settings.items()])
        return _run([*self._as_owner, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log_path),
                     "-o", options, "-w", "-t", str(timeout), *args], f"pg_ctl {args[0]}\n{tail(self.log_path)}",
                    timeout=timeout + 10)

    def start(self):
        self._pg_ctl("start")
        _wait_for_port(self.port, "the test PostgreSQL", self.log_path)
        self._record_postmaster()
        return self

    def _record_postmaster(self):
        """pg_ctl leaves the postmaster running on its own: the run's ledger names it (devstack/leftovers.py)."""
        record_process(int((self.data / "postmaster.pid").read_text().split("\n", 1)[0]))

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "fast")

    def crash(self):
        """Every server process killed as in a crash (no checkpoint, nothing flushed), then started again: the
        server recovers from its WAL. What the operating system had been given is kept, as the machine stayed up."""
        self._pg_ctl("stop", "-m", "immediate")
        self.start()

    def restart(self):
        self._pg_ctl("restart", "-m", "fast")
        _wait_for_port(self.port, "the test PostgreSQL", self.log_path)
        self._record_postmaster()

    def remove(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            atexit.unregister(self.remove)


# --------------------------------------------------------------------------------------------------- MariaDB
@dataclass
class MariadbServer:
    """A MariaDB server: where it listens and how to administer it (`admin_command`, a `mariadb` client as root)."""

    host: str
    port: int
    admin_command: tuple

    def admin(self, sql):
        return _run([*self.admin_command, "--batch"], f"MariaDB administration of {self.host}:{self.port}",
                    input=sql, timeout=60)

    def database_exists(self, name):
        """Whether a database of that name exists (name: letters, digits and _ only)."""
        out = self.admin(f"SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '{name}';\n")
        return out.strip().splitlines()[-1].strip() == "1"


def machine_mariadb():
    """The machine's MariaDB on 127.0.0.1:3306 (the demo's and the bench's): `mariadb -uroot` over Debian's socket;
    WECOZA_TEST_MYSQL_ADMIN overrides the client command line and WECOZA_DEMO_MYSQL_PORT the port (the demo's tests
    point both at the suite's own server)."""
    admin = shlex.split(os.environ.get("WECOZA_TEST_MYSQL_ADMIN", "mariadb -uroot"))
    return MariadbServer(LOOPBACK, int(os.environ.get("WECOZA_DEMO_MYSQL_PORT", "3306")), tuple(admin))


def pointing_at(pg: PostgresServer, mysql: MariadbServer) -> dict[str, str]:
    """The environment under which machine_postgres() and machine_mariadb() (so the demo) are ``pg`` and ``mysql``."""
    return {"PSQL": shlex.join(pg.psql_command), "WECOZA_DEMO_PG_PORT": str(pg.port),
            "WECOZA_TEST_MYSQL_ADMIN": shlex.join(mysql.admin_command), "WECOZA_DEMO_MYSQL_PORT": str(mysql.port)}


class PrivateMariadb(MariadbServer):
    """A MariaDB server of our own: `start()`, `stop()`, `remove()`. Its root logs in without a password, over the
    socket or TCP, like the machine's root over the socket.

    ``ssl``: the server offers TLS with a self-signed certificate made for it."""

    def __init__(self, ssl: bool = False):
        self.ssl = ssl
        self.os_user, as_owner = _service_user("mysql")
        self.root = _private_folder("mariadb", self.os_user)
        self.data, self.socket = self.root / "data", self.root / "mysqld.sock"
        self.log_path, self.proc = self.root / "server.log", None
        super().__init__(LOOPBACK, free_port(), ("mariadb", "--no-defaults", "-uroot", f"--socket={self.socket}"))
        atexit.register(self.remove)
        try:
            _run(["mariadb-install-db", "--no-defaults", f"--datadir={self.data}", f"--user={self.os_user}",
                  "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"],
                 "mariadb-install-db", timeout=300)
            if ssl:
                _self_signed_certificate(as_owner, self.root)
        except BaseException:
            self.remove()
            raise

    def start(self):
        settings = [f"--{k}" if v is None else f"--{k}={v}" for k, v in MARIADB_SETTINGS.items()]
        if self.ssl:
            settings += [f"--ssl-cert={self.root / 'server.crt'}", f"--ssl-key={self.root / 'server.key'}"]
        cmd = ["mariadbd", "--no-defaults", f"--datadir={self.data}", f"--port={self.port}", f"--socket={self.socket}",
               f"--pid-file={self.root / 'mysqld.pid'}", f"--log-error={self.log_path}", f"--user={self.os_user}",
               *settings]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        record_process(self.proc.pid)
        _wait_for_port(self.port, "the test MariaDB", self.log_path, proc=self.proc)
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # mariadbd shuts down cleanly on SIGTERM
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def remove(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            atexit.unregister(self.remove)
