"""A client that keeps its end of a closed connection open, as the shim's early read does while WordPress loads, holds
up no other request: under ``wecoza-sidecar serve`` (granian) and under ``config/gunicorn.conf.py``, whose worker
lingers (RFC 9112 section 9.6) beside its event loop, never on it (sidecar/lingering.py; gunicorn's own gthread held
the whole worker for up to 2 s). Then the lingering itself, on real loopback sockets."""
from __future__ import annotations

import socket
import time

import pytest

from devstack.ajax import create_nonce
from devstack.sidecar_server import SidecarServer
from devstack.signed import forward, wire_cookie
from devstack.waiting import wait_until
from sidecar.lingering import LINGER_SECONDS, Lingerer


def read_to_end(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data



@pytest.mark.parametrize("served_by", ["serve", "own gunicorn"])
def test_a_client_holding_its_closed_connection_open_holds_up_no_other_request(served_by, sidecar_server,
                                                                               wordpress_site, pg_database, login,
                                                                               probe_learner, tmp_path):
    """``sidecar_server``: the shim set up, and with it the administrators' manage_learners."""
    session = login("admin")
    fields = {"id": str(probe_learner["id"]), "nonce": create_nonce(wordpress_site, session, "learners_nonce_action")}
    server = SidecarServer(tmp_path / "sidecar", wordpress_site, pg_database, workers=1)
    if served_by == "serve":
        server.start()
    else:
        server.start_under_gunicorn()
    holder = socket.create_connection((server.host, server.port))
    try:
        holder.sendall(b"GET /healthz HTTP/1.1\r\nHost: sidecar\r\nConnection: close\r\n\r\n")
        assert read_to_end(holder).startswith(b"HTTP/1.1 200"), "answered, then half-closed by the sidecar"

        started = time.monotonic()
        response, _ = forward(server, "wecoza_get_learner", fields, cookie=wire_cookie(session))
        waited = time.monotonic() - started

        assert response.status_code == 200 and response.json()["data"]["firstName"] == probe_learner["first_name"]
        # Not a speed target: held up, the read would wait until the worker gave up on the holder (2 s).
        assert waited < LINGER_SECONDS / 2, f"the read waited {waited:.2f} s behind a client that had not closed"
    finally:
        holder.close()
        server.stop()


@pytest.fixture
def connect():
    """``connect()`` -> (the client's socket, the server's end of it), both closed after the test."""
    listener = socket.create_server(("127.0.0.1", 0))
    opened = []

    def pair():
        client = socket.create_connection(listener.getsockname())
        server_end, _ = listener.accept()
        opened.extend((client, server_end))
        return client, server_end

    try:
        yield pair
    finally:
        for sock in opened:
            sock.close()
        listener.close()


def closed(sock: socket.socket) -> bool:
    return sock.fileno() == -1


def test_the_client_sees_the_end_at_once_and_the_socket_closes_when_the_client_closes(connect):
    lingerer = Lingerer(timeout=60)
    client, server_end = connect()

    lingerer.close(server_end)

    assert client.recv(10) == b"", "half-closed at once"
    assert not closed(server_end), "kept until the client closes its end"
    client.close()
    wait_until(lambda: closed(server_end))


def test_what_the_client_still_sends_is_read_until_the_drain_limit(connect):
    lingerer = Lingerer(timeout=60, max_drain=16 * 1024)
    client, server_end = connect()
    lingerer.close(server_end)

    client.sendall(b"x" * 8 * 1024)  # a request body the answer did not read
    time.sleep(0.2)
    assert not closed(server_end), "read and dropped, the connection kept"
    client.sendall(b"x" * 8 * 1024)
    wait_until(lambda: closed(server_end))


def test_a_client_that_never_closes_is_given_up_on_after_the_timeout(connect):
    lingerer = Lingerer(timeout=0.5)
    client, server_end = connect()

    lingerer.close(server_end)

    assert not closed(server_end)
    wait_until(lambda: closed(server_end), timeout=10)
    assert client.recv(10) == b""


def test_connections_linger_side_by_side(connect):
    lingerer = Lingerer(timeout=60)
    holding_client, holding_end = connect()
    closing_client, closing_end = connect()

    lingerer.close(holding_end)
    lingerer.close(closing_end)
    closing_client.close()

    wait_until(lambda: closed(closing_end))
    assert not closed(holding_end), "one client's wait holds up no other's"
    holding_client.close()
    wait_until(lambda: closed(holding_end))


def test_a_connection_the_client_has_reset_is_closed(connect):
    lingerer = Lingerer(timeout=60)
    client, server_end = connect()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # close sends RST
    client.close()

    lingerer.close(server_end)

    wait_until(lambda: closed(server_end))


def test_past_the_lingering_limit_a_connection_is_closed_at_once(connect):
    lingerer = Lingerer(timeout=60, max_lingering=1)
    holding_client, holding_end = connect()
    _, next_end = connect()

    lingerer.close(holding_end)
    lingerer.close(next_end)

    assert closed(next_end), "no file descriptor is held past the limit"
    assert not closed(holding_end)
    holding_client.close()
    wait_until(lambda: closed(holding_end))
