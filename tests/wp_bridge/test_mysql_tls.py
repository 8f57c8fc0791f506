"""TLS to WordPress's MySQL, as PyMySQL's preferred mode has it (wp_bridge.mysql): taken when the server offers it,
without a certificate check, and plain when it does not; the mode's context is PyMySQL's own but for the CA bundle it
never reads, and is made once per process, not for every connection. Against two real MariaDB servers: the
session's, without TLS, and one of this module's that offers it."""
from __future__ import annotations

import functools
import ssl
import threading

import pymysql
import pytest

from devstack.servers import PrivateMariadb
from wp_bridge.mysql import MySQL, MySQLParams, preferred_tls_context


@pytest.fixture(scope="module")
def tls_server(system_services):
    server = PrivateMariadb(ssl=True)
    try:
        yield server.start()
    finally:
        server.remove()


def params_of(server) -> MySQLParams:
    return MySQLParams(host=server.host, port=server.port, user="root", password="")


def cipher(db: MySQL) -> bytes:
    (_name, value), = db.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
    return value


def on_a_new_thread(work):
    done = []
    thread = threading.Thread(target=lambda: done.append(work()))
    thread.start()
    thread.join()
    return done[0]


def test_a_server_offering_tls_gets_tls_on_every_connection(tls_server):
    db = MySQL(params_of(tls_server))
    try:
        assert cipher(db) != b""
        assert on_a_new_thread(lambda: cipher(db)) != b""  # each thread has its own connection
        assert db.connects == 2
    finally:
        db.close()


def test_a_server_without_tls_is_reached_in_plain(mysql_server):
    db = MySQL(params_of(mysql_server))
    try:
        assert cipher(db) == b""
    finally:
        db.close()


def test_the_preferred_mode_context_is_made_once(tls_server, mysql_server):
    contexts = []
    for server in (tls_server, mysql_server, tls_server):
        db = MySQL(params_of(server))
        try:
            contexts.append(on_a_new_thread(functools.partial(db._connection, 0)).ctx)
            contexts.append(db._connection(0).ctx)
        finally:
            db.close()
    assert contexts[0] is not None and all(context is contexts[0] for context in contexts)


def test_the_context_is_pymysqls_own_but_for_the_ca_bundle_it_never_reads(mysql_server):
    params = params_of(mysql_server)
    theirs = pymysql.connect(host=params.host, port=params.port, user=params.user, password=params.password,
                             defer_connect=True).ctx  # PyMySQL's own connection, never opened
    ours = preferred_tls_context()
    assert theirs.verify_mode == ours.verify_mode == ssl.CERT_NONE and not theirs.check_hostname
    for setting in ("protocol", "options", "minimum_version", "maximum_version", "verify_mode", "check_hostname",
                    "verify_flags", "post_handshake_auth"):
        assert getattr(ours, setting) == getattr(theirs, setting), setting
    assert [cipher["name"] for cipher in ours.get_ciphers()] == [cipher["name"] for cipher in theirs.get_ciphers()]
    assert ours.cert_store_stats()["x509_ca"] == 0
