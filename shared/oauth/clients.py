"""The provider side of OAuth, behind one small interface: Google (documented endpoints; refresh
through google-auth) and Microsoft (MSAL). Tokens never appear in reprs or errors."""

from __future__ import annotations

import base64
import dataclasses
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlencode

import httpx

from shared.domain.models import OAuthProvider
from shared.errors import AuthError, ReauthRequired, ServiceUnavailable, ValidationError
from shared.errors import ClientRejected as ClientRejected  # re-exported: callers import it here
from shared.observability import register_secret

GMAIL_API_SCOPE = "https://www.googleapis.com/auth/gmail.modify"  # after-processing actions
GMAIL_READONLY_SCOPE = "https://www.googleapis.com/auth/gmail.readonly"  # the narrowest
GOOGLE_MAIL_SCOPE = "https://mail.google.com/"  # IMAP / POP3 with XOAUTH2
GRAPH_SCOPE = "https://graph.microsoft.com/Mail.Read"
GRAPH_APP_SCOPE = "https://graph.microsoft.com/.default"  # application permissions
OUTLOOK_IMAP_SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All"
OUTLOOK_POP_SCOPE = "https://outlook.office.com/POP.AccessAsUser.All"
TIMEOUT_S = 15.0
# How long past its lifetime an access token is still redacted from logs (observability)
ACCESS_TOKEN_MARGIN_S = 3600
ACCESS_TOKEN_TTL_S = 3600 + ACCESS_TOKEN_MARGIN_S

# invalid_grant: revoked, expired or spent (RFC 6749 §5.2; Google's "Token has been expired or
# revoked."); interaction_required / consent_required: Microsoft, consent withdrawn or a new
# conditional-access policy (learn.microsoft.com/entra/identity-platform/reference-error-codes)
REAUTH_ERRORS = frozenset({"invalid_grant", "interaction_required", "consent_required"})
CLIENT_ERRORS = frozenset({"invalid_client", "unauthorized_client"})
# temporarily_unavailable / server_error: OpenID Connect and Microsoft's documented transient
# answers; retried later, never a reason to ask the tenant to reconnect
TRANSIENT_ERRORS = frozenset({"temporarily_unavailable", "server_error"})


def classify_token_error(provider: str, error: str) -> AuthError:
    """The token endpoint's ``error`` code (RFC 6749 §5.2) as one of our errors. Only
    ``invalid_grant`` (and Microsoft's consent/interaction errors) mean the tenant must
    reconnect; a refused client is ours to fix; anything else is a plain refusal."""
    exc: AuthError
    if error in REAUTH_ERRORS:
        exc = ReauthRequired(f"{provider}: the grant was revoked or expired ({error})")
    elif error in CLIENT_ERRORS:
        exc = ClientRejected(f"{provider} refused our OAuth client ({error})")
    else:
        exc = AuthError(f"{provider} token endpoint refused the request ({error})")
    exc.oauth_error = error[:64]
    return exc


@dataclass(frozen=True)
class TokenGrant:
    access_token: str = field(repr=False)
    expires_at: datetime
    refresh_token: str | None = field(default=None, repr=False)
    scopes: tuple[str, ...] = ()
    email: str | None = None
    directory_tenant: str | None = None  # Microsoft: the ``tid`` of the signed-in account


class OAuthClient(Protocol):
    provider: OAuthProvider

    def scopes_for(self, mode: str) -> tuple[str, ...]: ...
    def authorization_url(
        self, *, state: str, code_challenge: str, mode: str, login_hint: str | None, nonce: str
    ) -> str: ...
    def exchange_code(
        self, *, code: str, code_verifier: str, mode: str, nonce: str
    ) -> TokenGrant: ...
    def refresh(self, refresh_token: str, scopes: tuple[str, ...]) -> TokenGrant: ...


@runtime_checkable
class AppOnlyClient(Protocol):
    """A provider that issues app-only tokens (client credentials): Microsoft Graph with
    application permissions, granted by an admin of ``directory_tenant``."""

    def app_token(self, directory_tenant: str | None = None) -> TokenGrant: ...


def _id_token_claims(id_token: str | None, client_id: str) -> dict[str, Any] | None:
    """The claims of an ID token received straight from the token endpoint over TLS, where
    OpenID Connect Core §3.1.3.7 lets TLS stand in for the signature check; the audience must
    still be us. None when there is no usable token."""
    if not id_token or id_token.count(".") != 2:
        return None
    body = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    if not isinstance(claims, dict):
        return None
    aud = claims.get("aud")
    if aud != client_id and not (isinstance(aud, list) and client_id in aud):
        return None
    return claims


def _email_from_id_token(id_token: str | None, client_id: str) -> str | None:
    claims = _id_token_claims(id_token, client_id) or {}
    email = claims.get("email") or claims.get("preferred_username") or claims.get("upn")
    return str(email).lower() if email else None


def _verified_google_email(id_token: str | None, client_id: str, nonce: str) -> str:
    """The code exchange's ID token must carry our nonce (OpenID Connect Core §3.1.3.7 item
    11) and a verified address (Google: ``email_verified``)."""
    claims = _id_token_claims(id_token, client_id)
    if claims is None:
        raise ValidationError("google: the sign-in answer carries no ID token for this client")
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise ValidationError("google: the sign-in answer does not belong to this sign-in")
    email = str(claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified")
    if not email or not (verified is True or str(verified).lower() == "true"):
        exc = AuthError("google: the account's e-mail address is not verified")
        exc.oauth_error = "email_not_verified"
        raise exc
    return email


def _bounded(request_class: Any, timeout_s: float) -> Any:
    """google-auth's requests transport with every request bounded by ``timeout_s`` (its own
    default is 120 s, and a token refresh runs inside a watcher's connect)."""

    class Bounded(request_class):  # type: ignore[misc]
        def __call__(self, url: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
            kwargs["timeout"] = timeout_s
            return super().__call__(url, method, *args, **kwargs)

    return Bounded()


def _oauth_error(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    return str(data.get("error") or f"HTTP {response.status_code}")


class GoogleOAuthClient:
    provider = OAuthProvider.GOOGLE

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        auth_uri: str,
        token_uri: str,
        redirect_uri: str,
        *,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        self._timeout = timeout_s
        self._id = client_id
        self._secret = client_secret
        self._auth_uri = auth_uri
        self._token_uri = token_uri
        self._redirect = redirect_uri
        register_secret(client_secret)

    def scopes_for(self, mode: str) -> tuple[str, ...]:
        main = {"gmail": GMAIL_READONLY_SCOPE, "gmail-modify": GMAIL_API_SCOPE}.get(
            mode, GOOGLE_MAIL_SCOPE
        )
        return ("openid", "email", main)

    def authorization_url(
        self, *, state: str, code_challenge: str, mode: str, login_hint: str | None, nonce: str
    ) -> str:
        params = {
            "client_id": self._id,
            "redirect_uri": self._redirect,
            "response_type": "code",
            "scope": " ".join(self.scopes_for(mode)),
            "access_type": "offline",  # a refresh token
            "prompt": "consent",  # ... again on reconnect
            "include_granted_scopes": "true",
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            "nonce": nonce,  # echoed in the ID token; checked at the exchange
        }
        if login_hint:
            params["login_hint"] = login_hint
        return f"{self._auth_uri}?{urlencode(params)}"

    def exchange_code(self, *, code: str, code_verifier: str, mode: str, nonce: str) -> TokenGrant:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": code_verifier,
            "redirect_uri": self._redirect,
            "client_id": self._id,
            "client_secret": self._secret,
        }
        try:
            response = httpx.post(self._token_uri, data=data, timeout=self._timeout)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(f"google token endpoint: {type(exc).__name__}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise ServiceUnavailable(f"google token endpoint: HTTP {response.status_code}")
        if response.status_code != 200:
            error = _oauth_error(response)
            if error in TRANSIENT_ERRORS:
                raise ServiceUnavailable(f"google token endpoint: {error}")
            raise classify_token_error("google", error)
        body = response.json()
        grant = self._grant(body)
        email = _verified_google_email(body.get("id_token"), self._id, nonce)
        return dataclasses.replace(grant, email=email)

    def _grant(self, body: dict[str, Any]) -> TokenGrant:
        access = str(body["access_token"])
        refresh = body.get("refresh_token")
        register_secret(access, ttl_s=int(body.get("expires_in", 3600)) + ACCESS_TOKEN_MARGIN_S)
        register_secret(refresh)
        return TokenGrant(
            access_token=access,
            expires_at=datetime.now(UTC) + timedelta(seconds=int(body.get("expires_in", 3600))),
            refresh_token=str(refresh) if refresh else None,
            scopes=tuple(str(body.get("scope", "")).split()),
            email=_email_from_id_token(body.get("id_token"), self._id),
        )

    def refresh(self, refresh_token: str, scopes: tuple[str, ...]) -> TokenGrant:
        """Through google-auth, the official client library."""
        from google.auth.exceptions import RefreshError, TransportError
        from google.auth.transport.requests import Request
        from google.oauth2.credentials import Credentials

        creds = Credentials(  # type: ignore[no-untyped-call]
            token=None,
            refresh_token=refresh_token,
            token_uri=self._token_uri,
            client_id=self._id,
            client_secret=self._secret,
        )
        try:
            creds.refresh(_bounded(Request, self._timeout))  # type: ignore[no-untyped-call]
        except RefreshError as exc:
            # google-auth raises RefreshError(details, response_data, retryable=...) with the
            # endpoint's JSON body; its own retries of 5xx / 429 are already spent here
            body = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], dict) else {}
            error = str(body.get("error") or "")
            if getattr(exc, "retryable", False) or error in TRANSIENT_ERRORS or not error:
                raise ServiceUnavailable("google token refresh failed") from None
            raise classify_token_error("google", error) from None
        except TransportError:
            raise ServiceUnavailable("google token endpoint unreachable") from None
        token = str(creds.token)
        register_secret(token, ttl_s=ACCESS_TOKEN_TTL_S)
        expiry = creds.expiry.replace(tzinfo=UTC) if creds.expiry else datetime.now(UTC)
        rotated = creds.refresh_token if creds.refresh_token != refresh_token else None
        register_secret(rotated)
        return TokenGrant(
            access_token=token, expires_at=expiry, refresh_token=rotated, scopes=scopes
        )
