"""A TCP forwarder to PostgreSQL that, once armed, passes the next message carrying COMMIT to the server and then
cuts the connection before the server's answer comes back: the commit's outcome is unknown to the client."""
from __future__ import annotations

import socket
import threading
import time

from tests.faults.tcp_proxy import shut


class CommitCutter:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.host = "127.0.0.1"
        self.armed = False
        self._cutting = threading.Event()
        self._listener = socket.create_server((self.host, 0))
        self.port = self._listener.getsockname()[1]

    def __enter__(self) -> CommitCutter:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target, timeout=5)
            threading.Thread(target=self._to_server, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._to_client, args=(upstream, client), daemon=True).start()

    def _to_server(self, client, upstream) -> None:
        try:
            while data := client.recv(65536):
                if self.armed and b"COMMIT" in data:
                    self._cutting.set()  # no answer goes back from here on
                    upstream.sendall(data)
                    time.sleep(0.3)  # the server reads the message, commits, and finds nobody to answer
                    break
                upstream.sendall(data)
        except OSError:
            pass
        finally:
            shut(client, upstream)

    def _to_client(self, upstream, client) -> None:
        try:
            while (data := upstream.recv(65536)) and not self._cutting.is_set():
                client.sendall(data)
        except OSError:
            pass
