"""Who may ring the Gmail doorbell: a Pub/Sub push (or Eventarc delivery) carries an OIDC token
signed by Google for the push subscription's service account
(cloud.google.com/pubsub/docs/authenticate-push-subscriptions). It is verified with
google-auth against Google's certificates (fetched once an hour, not per push): signature,
expiry, ``aud`` = our audience, ``iss`` = accounts.google.com, ``email`` = the configured
push service account and ``email_verified``."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from google.auth import exceptions as gauth_exceptions
from google.auth import jwt

from shared.errors import AuthError, ServiceUnavailable

GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
ISSUERS = frozenset({"https://accounts.google.com", "accounts.google.com"})
CERTS_TTL_S = 3600.0


@dataclass(frozen=True)
class PushAuthSettings:
    audience: str
    service_account: str
    certs_url: str = GOOGLE_CERTS_URL


class PushVerifier:
    def __init__(self, settings: PushAuthSettings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._certs: Mapping[str, str] = {}
        self._fetched_at = 0.0

    def verify(self, authorization: str | None) -> Mapping[str, Any]:
        """The token's claims; ``AuthError`` (say nothing more to the caller) otherwise."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("push without a bearer token")
        try:
            claims = jwt.decode(  # type: ignore[no-untyped-call]
                token.strip(),
                certs=self._current_certs(),
                audience=self._settings.audience,
                clock_skew_in_seconds=10,
            )
        except (ValueError, gauth_exceptions.GoogleAuthError) as exc:
            raise AuthError(f"push token refused: {str(exc)[:120]}") from None
        if claims.get("iss") not in ISSUERS:
            raise AuthError("push token from an unexpected issuer")
        if claims.get("email") != self._settings.service_account:
            raise AuthError("push token of an unexpected service account")
        if claims.get("email_verified") is not True:
            raise AuthError("push token email not verified")
        return dict(claims)

    def _current_certs(self) -> Mapping[str, str]:
        with self._lock:
            if self._certs and time.monotonic() - self._fetched_at < CERTS_TTL_S:
                return self._certs
        try:
            response = httpx.get(self._settings.certs_url, timeout=10)
            response.raise_for_status()
            certs = {str(k): str(v) for k, v in response.json().items()}
        except (httpx.HTTPError, ValueError, AttributeError):
            raise ServiceUnavailable("google signing certificates unreachable") from None
        with self._lock:
            self._certs, self._fetched_at = certs, time.monotonic()
        return certs
