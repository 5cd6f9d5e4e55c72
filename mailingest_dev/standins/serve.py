"""Serve a stand-in's ``handle(method, target, headers, body) -> (status, headers, body)`` on
a free loopback port, in a thread, for as long as the ``with`` block lasts."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Answer = tuple[int, dict[str, str], bytes]
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
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name=name, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
