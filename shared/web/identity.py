"""Who is calling an admin page: the signed-in Google identity that Identity-Aware Proxy
vouches for, and nothing else.

IAP signs every request it forwards with ``X-Goog-IAP-JWT-Assertion`` (ES256, keys published
at ``https://www.gstatic.com/iap/verify/public_key``; audience
``/projects/NUMBER/global/backendServices/ID``). The signature, issuer, audience and expiry are
verified with google-auth; the unsigned ``X-Goog-Authenticated-User-Email`` header is never
read (anything that reaches the function around IAP could set it).
https://cloud.google.com/iap/docs/signed-headers-howto

Locally (``make run``, no IAP) ``MAILINGEST_SETTINGS_DEV_ADMIN`` stands in for the identity,
and only with local backends (emulators, a local secret store): with cloud backends the
setting is a configuration error, so no deployed page can run with it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.config import PageSettings
from shared.errors import ConfigError

logger = logging.getLogger(__name__)

IAP_JWT_HEADER = "X-Goog-IAP-JWT-Assertion"
IAP_ISSUER = "https://cloud.google.com/iap"
IAP_CERTS_URL = PageSettings.iap_certs_url  # MAILINGEST_IAP_CERTS_URL unless set
CERTS_TTL_S = 600.0  # IAP rotates its keys rarely; refetch now and then, not per request
CLOCK_SKEW_S = 30


class CachedCerts:
    """A google-auth transport that answers GETs of a key endpoint from a short cache (IAP's
    keys here, Google's OIDC certificates for Pub/Sub pushes in ``push_auth``)."""

    def __init__(self, timeout_s: float = 10.0, ttl_s: float = CERTS_TTL_S) -> None:
        import google.auth.transport.requests

        self._inner = google.auth.transport.requests.Request()
        self._timeout = timeout_s
        self._ttl = ttl_s
        self._lock = threading.Lock()
        self._cached: dict[str, tuple[float, Any]] = {}

    def __call__(self, url: str, method: str = "GET", **kwargs: Any) -> Any:
        now = time.monotonic()
        with self._lock:
            hit = self._cached.get(url)
            if method == "GET" and hit and now - hit[0] < self._ttl:
                return hit[1]
        response = self._inner(url, method=method, timeout=self._timeout, **kwargs)
        if method == "GET" and response.status == 200:
            with self._lock:
                self._cached[url] = (now, response)
        return response


class IapVerifier:
    def __init__(self, audience: str, certs_url: str = IAP_CERTS_URL) -> None:
        self._audience = audience
        self._certs_url = certs_url
        self._request = CachedCerts()

    def email(self, assertion: str) -> str | None:
        """The verified e-mail of a signed IAP assertion; None for anything not valid."""
        from google.auth import exceptions as auth_exc
        from google.oauth2 import id_token

        try:
            claims = id_token.verify_token(
                assertion,
                self._request,  # type: ignore[arg-type]
                audience=self._audience,
                certs_url=self._certs_url,
                clock_skew_in_seconds=CLOCK_SKEW_S,
            )
        except (ValueError, auth_exc.GoogleAuthError) as exc:
            # no token text in the log: the reason's class is enough for an operator
            logger.warning("IAP assertion refused", extra={"reason": type(exc).__name__})
            return None
        if claims.get("iss") != IAP_ISSUER:
            logger.warning("IAP assertion refused", extra={"reason": "issuer"})
            return None
        email = str(claims.get("email") or "").strip().lower()
        return email or None


@dataclass(frozen=True)
class AdminIdentity:
    """Resolves the admin behind a request; one instance per function process."""

    verifier: IapVerifier | None
    dev_admin: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AdminIdentity:
        return cls.from_settings(PageSettings.from_env(env))

    @classmethod
    def from_settings(cls, settings: PageSettings) -> AdminIdentity:
        problems = []
        if settings.dev_admin and not settings.local_backends:
            problems.append(
                "MAILINGEST_SETTINGS_DEV_ADMIN: allowed only with local backends "
                "(emulators, a local secret store); behind IAP set MAILINGEST_IAP_AUDIENCE"
            )
        if not settings.iap_audience and not settings.dev_admin:
            problems.append(
                "MAILINGEST_IAP_AUDIENCE: required "
                "(/projects/NUMBER/global/backendServices/ID of the IAP backend)"
            )
        if problems:
            raise ConfigError(problems)
        verifier = (
            IapVerifier(settings.iap_audience, settings.iap_certs_url)
            if settings.iap_audience
            else None
        )
        return cls(verifier=verifier, dev_admin=settings.dev_admin)

    def of(self, headers: Any) -> str | None:
        """The admin's e-mail (lower case), or None when nobody verifiable is signed in."""
        assertion = str(headers.get(IAP_JWT_HEADER, "") or "").strip()
        if assertion and self.verifier is not None:
            return self.verifier.email(assertion)
        return self.dev_admin
