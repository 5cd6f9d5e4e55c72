"""The always-on watcher process (the Cloud Run container ``containers/watcher`` and
``mailingest watch``): watches every IMAP (IDLE) and POP3 mailbox its leases give it;
``/healthz`` for the platform; SIGTERM stops the workers and releases the leases at once."""

from __future__ import annotations

import http.server
import logging
import signal
import threading
from types import FrameType

from shared.observability import configure_logging
from shared.service.watcher import Watcher, WatcherOptions

logger = logging.getLogger(__name__)


def _health_server(watcher: Watcher, port: int) -> http.server.ThreadingHTTPServer:
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/healthz":
                self.send_error(404)
                return
            body = f'{{"status":"ok","watching":{len(watcher.watched)}}}'.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("0.0.0.0", port), Health)  # noqa: S104 - Cloud Run
    threading.Thread(target=server.serve_forever, name="healthz", daemon=True).start()
    return server


def main() -> int:
    from shared.bootstrap import build_app, build_watcher

    app = build_app()
    configure_logging(app.settings.log_level)
    watcher = build_watcher(app, WatcherOptions.from_settings(app.settings.watcher))

    def on_signal(signum: int, frame: FrameType | None) -> None:
        logger.info("stopping on signal", extra={"signal": signum})
        watcher.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = _health_server(watcher, app.settings.watcher.health_port)
    logger.info(
        "watcher started",
        extra={"holder": watcher.holder, "healthz_port": server.server_address[1]},
    )
    try:
        watcher.run()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
