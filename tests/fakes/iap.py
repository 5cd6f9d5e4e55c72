"""A local stand-in for Identity-Aware Proxy's signing: an ES256 key, its public key served
the way ``https://www.gstatic.com/iap/verify/public_key`` serves it (``{kid: PEM}``) on
loopback, and signed ``X-Goog-IAP-JWT-Assertion`` headers for any identity."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from google.auth import crypt, jwt

from mailingest_dev.standins.json_http import JsonHandler
from mailingest_dev.standins.serve import SHUTDOWN_POLL_S

AUDIENCE = "/projects/123456/global/backendServices/987654"
ISSUER = "https://cloud.google.com/iap"
KEY_ID = "local-iap-key"


def _pem_private(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _pem_public(key: ec.EllipticCurvePrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@dataclass
class IapStandIn:
    certs_url: str
    key: ec.EllipticCurvePrivateKey
    audience: str = AUDIENCE

    def assertion(
        self,
        email: str,
        *,
        key: ec.EllipticCurvePrivateKey | None = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": ISSUER,
            "aud": self.audience,
            "sub": f"accounts.google.com:{abs(hash(email))}",
            "email": email,
            "iat": now,
            "exp": now + 600,
        }
        payload.update(claims)
        signer = crypt.ES256Signer.from_string(_pem_private(key or self.key), KEY_ID)
        token: bytes = jwt.encode(signer, payload)
        return token.decode()

    def headers(self, email: str, **claims: Any) -> dict[str, str]:
        return {"X-Goog-IAP-JWT-Assertion": self.assertion(email, **claims)}

    def env(self) -> dict[str, str]:
        return {
            "MAILINGEST_IAP_AUDIENCE": self.audience,
            "MAILINGEST_IAP_CERTS_URL": self.certs_url,
        }


@contextmanager
def iap_stand_in() -> Iterator[IapStandIn]:
    key = ec.generate_private_key(ec.SECP256R1())
    body = json.dumps({KEY_ID: _pem_public(key)}).encode()

    class Handler(JsonHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), daemon=True)
    thread.start()
    try:
        yield IapStandIn(f"http://127.0.0.1:{server.server_port}/public_key", key)
    finally:
        server.shutdown()
        server.server_close()
