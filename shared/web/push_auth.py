"""Who may ring the Gmail doorbell: a Pub/Sub push (or Eventarc delivery) carries an OIDC token
signed by Google for the push subscription's service account
(cloud.google.com/pubsub/docs/authenticate-push-subscriptions). It is verified with
google-auth against Google's certificates (fetched once an hour through the same caching
transport as IAP's keys, not per push): signature, expiry, ``aud`` = our audience, ``iss`` =
accounts.google.com, ``email`` = the configured push service account and
``email_verified``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from google.auth import exceptions as gauth_exceptions
from google.oauth2 import id_token

from shared.config import GmailSettings
from shared.errors import AuthError, ServiceUnavailable
from shared.web.identity import CachedCerts

GOOGLE_CERTS_URL = GmailSettings.push_certs_url  # MAILINGEST_PUSH_CERTS_URL unless set
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
        self._request = CachedCerts(ttl_s=CERTS_TTL_S)

    def verify(self, authorization: str | None) -> Mapping[str, Any]:
        """The token's claims; ``AuthError`` (say nothing more to the caller) otherwise;
        ``ServiceUnavailable`` when Google's certificates cannot be fetched."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("push without a bearer token")
        try:
            claims = id_token.verify_token(
                token.strip(),
                self._request,  # type: ignore[arg-type]
                audience=self._settings.audience,
                certs_url=self._settings.certs_url,
                clock_skew_in_seconds=10,
            )
        except gauth_exceptions.TransportError:
            raise ServiceUnavailable("google signing certificates unreachable") from None
        except (ValueError, gauth_exceptions.GoogleAuthError) as exc:
            raise AuthError(f"push token refused: {str(exc)[:120]}") from None
        if claims.get("iss") not in ISSUERS:
            raise AuthError("push token from an unexpected issuer")
        if claims.get("email") != self._settings.service_account:
            raise AuthError("push token of an unexpected service account")
        if claims.get("email_verified") is not True:
            raise AuthError("push token email not verified")
        return dict(claims)
