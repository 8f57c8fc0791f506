"""A loopback TCP proxy that counts round trips and can add network latency, for any protocol (PostgreSQL with
or without SSL, MySQL): what a client pays to reach a database on another host.

A round trip is counted each time a client sends after the server has answered (or first, on a new connection):
one "flight" of client bytes. ``delay`` holds every client chunk that long before passing it on, so each round
trip costs ``delay`` more, as a network whose round trip is ``delay`` would; bytes keep their order and a flight
split into several chunks is still delayed once.
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time

from .ports import LOOPBACK


class CountingProxy:
    def __init__(self, target_host: str, target_port: int, delay: float = 0.0):
        self.target = (target_host, target_port)
        self.delay = delay
        self.host = LOOPBACK
        self._listener = socket.create_server((LOOPBACK, 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._round_trips = 0
        self._connections = 0
        self._closed = False
        self._sockets: list[socket.socket] = []
        self._delayed = _DelayLine()
        self.on_connect = None  # called (no arguments) as each client connection is accepted, before any byte

    @property
    def round_trips(self) -> int:
        return self._round_trips

    @property
    def connections(self) -> int:
        """Connections opened through the proxy so far."""
        return self._connections

    def start(self) -> CountingProxy:
        threading.Thread(target=self._accept, daemon=True, name="proxy-accept").start()
        threading.Thread(target=self._delayed.run, daemon=True, name="proxy-delay").start()
        return self

    def stop(self) -> None:
        self._closed = True
        self._delayed.stop()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.close()
                except OSError:
                    pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.on_connect is not None:
                self.on_connect()
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            state = {"server_spoke_last": True}
            with self._lock:
                self._connections += 1
                self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, state, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, state, False), daemon=True).start()

    def _pump(self, source, sink, state, from_client: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                with self._lock:
                    if from_client and state["server_spoke_last"]:
                        self._round_trips += 1
                    state["server_spoke_last"] = not from_client
                if from_client and self.delay:
                    self._delayed.put(time.monotonic() + self.delay, sink, data)
                else:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            if from_client and self.delay:
                self._delayed.put(time.monotonic() + self.delay, sink, None)
            else:
                _shut(sink)


class _DelayLine:
    """Sends each chunk at its due time, in order (one thread for every connection of the proxy)."""

    def __init__(self):
        self._due: list = []
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._stopped = False

    def put(self, at: float, sink, data: bytes | None) -> None:
        with self._ready:
            heapq.heappush(self._due, (at, next(self._order), sink, data))
            self._ready.notify()

    def stop(self) -> None:
        with self._ready:
            self._stopped = True
            self._ready.notify()

    def run(self) -> None:
        while True:
            with self._ready:
                while not self._stopped and (not self._due or self._due[0][0] > time.monotonic()):
                    self._ready.wait(self._due[0][0] - time.monotonic() if self._due else None)
                if self._stopped:
                    return
                _, _, sink, data = heapq.heappop(self._due)
            try:
                if data is None:
                    _shut(sink)
                else:
                    sink.sendall(data)
            except OSError:
                pass


def _shut(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass
