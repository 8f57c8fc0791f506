"""Auth cost (docs/design.md#performance): resolving a logged-in user with roles and capabilities and
checking a nonce takes one MySQL round trip once the site data is warm. Reported: round trips per
request, median and p95 time per request, against a bare ``SELECT 1`` over the same connection.

Runs in a throwaway database ``wecoza_bench_auth_<pid>`` (created and dropped here) on
127.0.0.1:3306 as root without a password unless told otherwise:
``python bench/bench_auth.py [--requests N] [--host H] [--port P] [--user U] [--password W]``.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pymysql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import print_table  # noqa: E402
from bench.stack import STORED_SESSIONS, timed  # noqa: E402
from wp_bridge import MySQLParams, WordPress, cookies  # noqa: E402
from wp_bridge.cookies import UserRecord, generate_auth_cookie  # noqa: E402
from wp_bridge.nonces import create_nonce  # noqa: E402
from wp_bridge.phpserialize import serialize  # noqa: E402
from wp_bridge.schema import create_table_statements  # noqa: E402

REQUESTS = 2000
SERVER = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}
KEYS = {name: f"bench-{name.lower()}-{os.getpid()}" for name in (
    "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
    "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")}
ROLES = {"administrator": {"name": "Administrator", "capabilities": {"read": True, "manage_options": True}},
         "learner_admin": {"name": "Learner admin", "capabilities": {"read": True, "manage_learners": True}}}
USER_PASS = "$wp$2y$10$benchbenchbenchbenchbeuYz8m0Qp3l5m7n9p1r3t5v7x9z1B3D5F"
TOKEN = "BenchTokenBenchTokenBenchTokenBenchToken123"
NONCE_ACTION = "learners_nonce_action"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def seed(connection, expires: int) -> UserRecord:
    """Minimal WordPress tables, the roles option and one user with a live session."""
    with connection.cursor() as cursor:
        for statement in create_table_statements("wp_"):
            cursor.execute(statement)
        cursor.executemany("INSERT INTO wp_options (option_name, option_value) VALUES (%s, %s)",
                           [("siteurl", "http://127.0.0.1:8080"), ("wp_user_roles", serialize(ROLES))])
        cursor.execute("INSERT INTO wp_users (user_login, user_pass) VALUES ('bench.admin', %s)", (USER_PASS,))
        uid = cursor.lastrowid
        sessions = {hashlib.sha256(f"other-login-{n}".encode()).hexdigest(): {
            "expiration": expires - n, "ip": f"10.0.0.{n}", "ua": USER_AGENT, "login": expires - 3600 - n}
            for n in range(STORED_SESSIONS - 1)}
        sessions[hashlib.sha256(TOKEN.encode()).hexdigest()] = {"expiration": expires, "ip": "127.0.0.1",
                                                                 "ua": USER_AGENT, "login": expires - 3600}
        cursor.executemany("INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES (%s, %s, %s)", [
            (uid, "wp_capabilities", serialize({"administrator": True, "learner_admin": True})),
            (uid, "wp_user_level", "10"), (uid, "session_tokens", serialize(sessions))])
    return UserRecord(uid, "bench.admin", USER_PASS.encode(), {})


def p95(durations: list[float]) -> float:
    return sorted(durations)[int(0.95 * (len(durations) - 1))]


def measure(requests: int = REQUESTS, server: dict | None = None) -> list[dict]:
    server = {**SERVER, **(server or {})}
    database = f"wecoza_bench_auth_{os.getpid()}"
    admin = pymysql.connect(**server, autocommit=True)
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci")
    wp = None
    try:
        admin.select_db(database)
        expires = int(time.time()) + 86400
        user = seed(admin, expires)
        wp = WordPress(db=MySQLParams(database=database, charset="utf8mb4", **server), table_prefix="wp_", keys=KEYS)
        site = wp.site()
        header = "; ".join(
            f"{site.names.for_scheme(scheme)}="
            f"{quote(generate_auth_cookie(user, expires, TOKEN, site.salt(scheme)).decode(), safe='')}"
            for scheme in ("auth", "logged_in"))
        params = {"action": "wecoza_get_learner", "nonce": create_nonce(NONCE_ACTION, user.id, TOKEN, time.time(),
                                                                        salt=site.salt("nonce"))}

        def authenticate():
            result = wp.authenticate(cookie_header=header, params=params, nonce_actions=(NONCE_ACTION,))
            if result.reason is not None or not result.user.has_cap("manage_learners"):
                raise RuntimeError(f"benchmark request was refused: {result.reason}")

        authenticate()
        before = wp.db.round_trips
        authenticate()
        trips = wp.db.round_trips - before
        auth_times = timed(authenticate, requests)

        def authenticate_after_a_login():
            """The first request after the stored sessions changed (a login or logout anywhere): parsed anew."""
            cookies._parsed_sessions.cache_clear()
            authenticate()
        fresh_times = timed(authenticate_after_a_login, requests)
        select_times = timed(lambda: wp.db.query("SELECT 1"), requests)
    finally:
        if wp is not None:
            wp.close()
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{database}`")
        admin.close()
    auth_median, select_median = statistics.median(auth_times), statistics.median(select_times)
    fresh_median = statistics.median(fresh_times)
    note = f"{requests} requests, one connection, site data warm, {STORED_SESSIONS} stored sessions"
    return [
        {"name": "auth: MySQL round trips per request (user, caps, roles, session, nonce)", "value": trips,
         "unit": "queries", "note": "must be 1"},
        {"name": "auth: median per request", "value": round(auth_median * 1000, 3), "unit": "ms", "note": note},
        {"name": "auth: p95 per request", "value": round(p95(auth_times) * 1000, 3), "unit": "ms", "note": note},
        {"name": "auth: bare SELECT 1 median", "value": round(select_median * 1000, 3), "unit": "ms", "note": note},
        {"name": "auth: median / bare SELECT 1", "value": round(auth_median / select_median, 2), "unit": "x",
         "note": "Python work on top of the one round trip"},
        {"name": "auth: median, the first request after the sessions changed", "unit": "ms",
         "value": round(fresh_median * 1000, 3),
         "note": f"{STORED_SESSIONS} stored sessions parsed anew (then kept per worker for those bytes); "
                 f"{fresh_median / auth_median:.2f}x the usual request"},
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--host", default=SERVER["host"])
    parser.add_argument("--port", type=int, default=SERVER["port"])
    parser.add_argument("--user", default=SERVER["user"])
    parser.add_argument("--password", default=SERVER["password"])
    args = parser.parse_args(argv)
    rows = measure(args.requests, {"host": args.host, "port": args.port, "user": args.user,
                                   "password": args.password})
    print_table(rows)
    return 0 if rows[0]["value"] == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
