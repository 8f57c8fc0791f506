"""Closing a client's connection without holding up the worker's event loop.

gunicorn 26 and later close a connection that will not be kept alive the way RFC 9112 section 9.6 asks: they
half-close it, then read until the client closes its end (at most 2 s, 64 KiB), so that a request body still arriving
cannot make the kernel reset the connection before the client has read the answer. gthread does this on the worker's
event loop, which meanwhile accepts no connection and hands no request to a thread. The shim asks for
``Connection: close`` and reads an early read's answer only once WordPress has loaded (``wp-plugin-shim``,
class-wecoza-sidecar-early-read.php), so every such close held the loop for milliseconds, and a client that never
closes held it for the whole 2 s.

``LingeringThreadWorker`` is gthread with that wait moved to one thread per worker (``Lingerer``), which waits for
every closing connection at once. The answer and the half-close go out as before; only the final close waits.
"""
from __future__ import annotations

import collections
import contextlib
import selectors
import socket
import threading
import time

from gunicorn.workers.gthread import ThreadWorker

# What gunicorn's own close_graceful allows a client: time to close its end, and bytes read meanwhile.
LINGER_SECONDS = 2.0
MAX_DRAIN_BYTES = 64 * 1024
# Connections lingering at once, at most, per worker: gunicorn no longer counts them against worker_connections, and
# clients that never close must not run a worker out of file descriptors. Past it a connection is closed at once.
MAX_LINGERING = 256


class Lingerer:
    """Closes half-closed sockets once their client has closed its end, has sent ``max_drain`` bytes more, or has
    had ``timeout`` seconds; what arrives meanwhile is read and dropped, by one thread of its own.
    With ``max_lingering`` sockets waiting (counted from the caller's thread, so roughly), the next is closed at
    once."""

    def __init__(self, timeout: float = LINGER_SECONDS, max_drain: int = MAX_DRAIN_BYTES,
                 max_lingering: int = MAX_LINGERING):
        self.timeout = timeout
        self.max_drain = max_drain
        self.max_lingering = max_lingering
        self._handed_over: collections.deque[socket.socket] = collections.deque()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_writer.setblocking(False)
        self._open: dict[socket.socket, list] = {}  # the lingering thread's: socket -> [deadline, bytes drained]
        threading.Thread(target=self._run, name="wecoza-lingering-close", daemon=True).start()

    def close(self, sock: socket.socket) -> None:
        """Half-closes ``sock`` now (the client sees the end of the answer at once) and leaves the rest to the
        lingering thread. Never blocks."""
        if len(self._open) + len(self._handed_over) >= self.max_lingering:
            sock.close()
            return
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:  # the client is gone already
            sock.close()
            return
        sock.setblocking(False)
        self._handed_over.append(sock)
        with contextlib.suppress(BlockingIOError):  # a wake-up is pending already
            self._wake_writer.send(b"\0")

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._wake_reader, selectors.EVENT_READ)
        while True:
            wait = None
            if self._open:
                wait = max(0.0, min(deadline for deadline, _ in self._open.values()) - time.monotonic())
            for key, _events in selector.select(wait):
                if key.fileobj is self._wake_reader:
                    self._wake_reader.recv(4096)
                else:
                    self._drain(selector, key.fileobj)
            while self._handed_over:
                self._watch(selector, self._handed_over.popleft())
            now = time.monotonic()
            for sock in [sock for sock, (deadline, _) in self._open.items() if deadline <= now]:
                self._finish(selector, sock)

    def _watch(self, selector, sock: socket.socket) -> None:
        try:
            selector.register(sock, selectors.EVENT_READ)
        except (OSError, ValueError):  # closed meanwhile: nothing to wait for
            sock.close()
            return
        self._open[sock] = [time.monotonic() + self.timeout, 0]

    def _drain(self, selector, sock: socket.socket) -> None:
        state = self._open[sock]
        while True:
            try:
                data = sock.recv(4096)
            except BlockingIOError:
                return
            except OSError:
                break
            if not data:
                break
            state[1] += len(data)
            if state[1] >= self.max_drain:
                break
        self._finish(selector, sock)

    def _finish(self, selector, sock: socket.socket) -> None:
        selector.unregister(sock)
        del self._open[sock]
        sock.close()


class LingeringThreadWorker(ThreadWorker):
    """gunicorn's gthread worker whose event loop never waits for a client to close its connection (see above)."""

    def init_process(self):
        self.lingerer = Lingerer()
        super().init_process()

    def finish_request(self, conn, fs):
        # gthread closes a finished connection here, on the event loop (the one graceful close it makes): for this
        # call, the connection's close hands the lingering to the lingering thread.
        conn.close = lambda graceful=False: self._close(conn, graceful)
        try:
            super().finish_request(conn, fs)
        finally:
            del conn.close

    def _close(self, conn, graceful: bool) -> None:
        if graceful:
            self.lingerer.close(conn.sock)
        else:
            type(conn).close(conn)
