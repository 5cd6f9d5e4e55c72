"""A loopback TCP proxy that can take a real service "down": while down it resets every
connection (open ones included), as a stopped or unreachable server does; back up, it
forwards bytes unchanged. Or "frozen": every connection, open or new, stays open and silent
(nothing reaches the server, nothing comes back), as a hung server or a partition looks to
its clients; thawed, the frozen connections are reset (the partition healed, the peers
reconnect). Tests put it between a client and an emulator, or a mail server
(``to_clients`` then speaks as the server: a keep-alive, a BYE)."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._up = threading.Event()
        self._up.set()
        self._frozen = threading.Event()
        self._held: list[socket.socket] = []  # accepted while frozen: never connected on
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._clients: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def down(self) -> None:
        self._up.clear()
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            _reset(sock)

    def up(self) -> None:
        self._up.set()

    def freeze(self) -> None:
        """Silence: bytes either way are dropped, new connections accepted and left mute."""
        self._frozen.set()

    def thaw(self) -> None:
        """Reset every connection the freeze silenced (a request it swallowed is never
        answered late), then forward again."""
        with self._lock:
            sockets, self._open = self._open, set()
            held, self._held = self._held, []
        for sock in [*sockets, *held]:
            _reset(sock)
        self._frozen.clear()

    def to_clients(self, data: bytes) -> None:
        """Send ``data`` to every client still connected, as if the server had sent it."""
        with self._lock:
            clients = [c for c in self._clients if c in self._open]
        for client in clients:
            client.sendall(data)

    def hang_up(self) -> None:
        """Close every client connection cleanly (FIN, no BYE first), as a server that
        restarts or a middlebox that gives up on a flow does."""
        with self._lock:
            clients = [c for c in self._clients if c in self._open]
        for client in clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._closed.set()
        self.thaw()
        self.down()
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._up.is_set():
                _reset(client)
                continue
            if self._frozen.is_set():
                with self._lock:
                    self._held.append(client)
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=5)
            except OSError:
                _reset(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
                self._clients.append(client)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                if not self._up.is_set():
                    break
                if not self._frozen.is_set():
                    dst.sendall(chunk)
        except OSError:
            pass
        for sock in (src, dst):
            _reset(sock)


def _reset(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        # linger on, 0 s: close sends RST, as a dead server's host does
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        # wakes a thread blocked in recv on it: until it returns, close() alone sends
        # nothing and the peer sees a silent, open connection
        sock.shutdown(socket.SHUT_RD)
    with contextlib.suppress(OSError):
        sock.close()


@contextmanager
def tcp_proxy(target_host: str, target_port: int) -> Iterator[TcpProxy]:
    proxy = TcpProxy(target_host, target_port)
    try:
        yield proxy
    finally:
        proxy.close()
