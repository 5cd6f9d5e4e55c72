"""The always-on watcher container (Cloud Run, min instances >= 1, CPU always allocated):
watches every IMAP (IDLE) and POP3 mailbox its leases give it; ``/healthz`` for the platform;
SIGTERM stops the workers and releases the leases at once."""

from __future__ import annotations

import http.server
import logging
import os
import signal
import threading
from pathlib import Path
from types import FrameType

from shared.bootstrap import build_app
from shared.domain.models import AuthMethod
from shared.errors import ConfigError
from shared.oauth.config import OAuthSettings
from shared.oauth.tokens import OAuthCredentialProvider
from shared.oauth.wiring import build_oauth
from shared.observability import configure_logging
from shared.ports import CredentialProvider
from shared.service.credentials import CompositeCredentialProvider, PasswordCredentialProvider
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


def options_from_env() -> WatcherOptions:
    env = os.environ
    ca = env.get("MAILINGEST_IMAP_CA_FILE")
    return WatcherOptions(
        idle_refresh_s=int(env.get("MAILINGEST_IDLE_REFRESH_S", "300")),
        lease_ttl_s=int(env.get("MAILINGEST_LEASE_TTL_S", "20")),
        reload_s=float(env.get("MAILINGEST_RELOAD_S", "2")),
        ca_file=Path(ca) if ca else None,
    )


def main() -> int:
    app = build_app()
    configure_logging(app.settings.log_level)
    providers: dict[AuthMethod, CredentialProvider] = {
        AuthMethod.PASSWORD: PasswordCredentialProvider(app.secrets),
        AuthMethod.APP_PASSWORD: PasswordCredentialProvider(app.secrets),
    }
    try:
        oauth = build_oauth(app, OAuthSettings.from_env())
        providers[AuthMethod.OAUTH2] = OAuthCredentialProvider(oauth.tokens)
    except ConfigError as exc:
        logger.warning(
            "OAuth not configured: OAuth mailboxes cannot log in", extra={"problems": exc.problems}
        )
    credentials = CompositeCredentialProvider(providers)
    watcher = Watcher(
        app.state,
        app.pipeline,
        credentials,
        app.clock,
        holder=app.holder,
        options=options_from_env(),
    )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        logger.info("stopping on signal", extra={"signal": signum})
        watcher.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = _health_server(watcher, int(os.environ.get("PORT", "0") or 0))
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
