"""A local stand-in for Google's OIDC signing certificates
(``https://www.googleapis.com/oauth2/v1/certs``: ``{kid: PEM certificate}``) and a signer of
tokens in the shape Pub/Sub attaches to authenticated pushes — for tests and ``make run``."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

from mailingest_dev.standins.serve import SHUTDOWN_POLL_S


@dataclass
class GoogleCerts:
    kid: str = "standin-key-1"
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    url: str = ""
    fetches: int = 0

    def certificate_pem(self) -> str:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "standin.googleapis.example")])
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=2))
            .sign(self.key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM).decode()

    def sign(self, claims: Mapping[str, Any], *, kid: str | None = None) -> str:
        pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        signer = crypt.RSASigner.from_string(pem, key_id=kid or self.kid)  # type: ignore[no-untyped-call]
        token: bytes = jwt.encode(signer, dict(claims))  # type: ignore[no-untyped-call]
        return token.decode()

    def push_token(self, audience: str, email: str, **overrides: Any) -> str:
        """Claims as in cloud.google.com/pubsub/docs/authenticate-push-subscriptions."""
        now = int(time.time())
        claims = {
            "aud": audience,
            "azp": "113774264463038321964",
            "email": email,
            "email_verified": True,
            "exp": now + 3600,
            "iat": now,
            "iss": "https://accounts.google.com",
            "sub": "113774264463038321964",
            **overrides,
        }
        return self.sign(claims)


@contextmanager
def running_certs(given: GoogleCerts | None = None) -> Iterator[GoogleCerts]:
    certs = given or GoogleCerts()
    body = json.dumps({certs.kid: certs.certificate_pem()}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            certs.fetches += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    certs.url = f"http://127.0.0.1:{server.server_address[1]}/oauth2/v1/certs"
    threading.Thread(
        target=server.serve_forever, args=(SHUTDOWN_POLL_S,), name="certs-standin", daemon=True
    ).start()
    try:
        yield certs
    finally:
        server.shutdown()
        server.server_close()
