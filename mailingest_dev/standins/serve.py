"""Serve a stand-in's ``handle(method, target, headers, body) -> (status, headers, body)`` on
a free loopback port, in a thread, for as long as the ``with`` block lasts. A body is bytes,
or ``Streamed``: generated as it is sent, so a stand-in can answer with far more than it
holds (a message of hundreds of megabytes), and stop when the client hangs up."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# serve_forever's poll interval: ``shutdown()`` returns only once the loop has noticed, up to
# one interval later (0.5 s by default, at every stop of every stand-in of every test)
SHUTDOWN_POLL_S = 0.02


@dataclass(frozen=True)
class Streamed:
    """``length`` bytes, made piece by piece by ``pieces()`` while they are sent."""

    length: int
    pieces: Callable[[], Iterable[bytes]]

    @staticmethod
    def join(parts: Sequence[bytes | Streamed]) -> bytes | Streamed:
        """The parts one after another: bytes while every part is bytes."""
        if all(isinstance(part, bytes) for part in parts):
            return b"".join(part for part in parts if isinstance(part, bytes))

        def pieces() -> Iterator[bytes]:
            for part in parts:
                if isinstance(part, bytes):
                    yield part
                else:
                    yield from part.pieces()

        return Streamed(sum(_length(part) for part in parts), pieces)


def _length(body: bytes | Streamed) -> int:
    return len(body) if isinstance(body, bytes) else body.length


Answer = tuple[int, dict[str, str], bytes | Streamed]
Handle = Callable[[str, str, Any, bytes], Answer]


@contextmanager
def serving(handle: Handle, name: str) -> Iterator[str]:
    """Yields the base URL (``http://127.0.0.1:PORT/``)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(length) if length else b""
            code, headers, payload = handle(self.command, self.path, self.headers, body)
            self.send_response(code)
            for header, value in headers.items():
                self.send_header(header, value)
            self.send_header("Content-Length", str(_length(payload)))
            self.end_headers()
            for piece in [payload] if isinstance(payload, bytes) else payload.pieces():
                self.wfile.write(piece)

        def handle(self) -> None:
            # the client hung up, as one does that stops reading a long answer
            with contextlib.suppress(ConnectionError):
                super().handle()

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, args=(SHUTDOWN_POLL_S,), name=name, daemon=True
    ).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
