"""Microsoft identity platform through MSAL: delegated auth-code flow with PKCE (our sealed
state and verifier rebuild MSAL's flow dict at the callback), refresh with rotation, and
app-only (client credentials) for Graph with application permissions."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from shared.domain.models import OAuthProvider
from shared.errors import AuthError, ServiceUnavailable, ValidationError
from shared.oauth.clients import (
    ACCESS_TOKEN_MARGIN_S,
    GRAPH_APP_SCOPE,
    GRAPH_SCOPE,
    OUTLOOK_IMAP_SCOPE,
    OUTLOOK_POP_SCOPE,
    TRANSIENT_ERRORS,
    TokenGrant,
    classify_token_error,
)
from shared.observability import register_secret

_VERIFIED = "verified"  # the flow's state was checked by our sealer before MSAL sees it


class MicrosoftOAuthClient:
    provider = OAuthProvider.MICROSOFT

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        authority: str,
        redirect_uri: str,
        *,
        verify: bool | str = True,
    ) -> None:
        self._id = client_id
        self._secret = client_secret
        self._authority = authority
        self._redirect = redirect_uri
        self._verify = verify
        self._apps: dict[str, Any] = {}  # authority -> MSAL app
        self._lock = threading.Lock()
        register_secret(client_secret)

    def _authority_for(self, directory_tenant: str | None) -> str:
        """The configured authority, or the same host with the customer's directory in place
        of ``organizations`` / ``common``: client credentials need a tenant-specific authority
        (learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow)."""
        if not directory_tenant:
            return self._authority
        return f"{self._authority.rstrip('/').rsplit('/', 1)[0]}/{directory_tenant}"

    def _msal(self, authority: str | None = None) -> Any:
        authority = authority or self._authority
        with self._lock:  # built on first use: MSAL fetches the authority's metadata
            if authority not in self._apps:
                import msal
                import requests

                session = requests.Session()
                session.verify = self._verify  # a CA path only in tests; True in production
                if isinstance(self._verify, str):
                    # REQUESTS_CA_BUNDLE would otherwise override a session's own CA (requests)
                    session.trust_env = False
                try:
                    self._apps[authority] = msal.ConfidentialClientApplication(
                        self._id,
                        client_credential=self._secret,
                        authority=authority,
                        instance_discovery=False,
                        http_client=session,
                        timeout=15,
                    )
                except (ValueError, OSError) as exc:
                    raise ServiceUnavailable(f"microsoft authority: {type(exc).__name__}") from None
            return self._apps[authority]

    def scopes_for(self, mode: str) -> tuple[str, ...]:
        # MSAL adds openid, profile and offline_access itself and refuses them from us
        return {"graph": (GRAPH_SCOPE,), "pop3": (OUTLOOK_POP_SCOPE,)}.get(
            mode, (OUTLOOK_IMAP_SCOPE,)
        )

    def authorization_url(
        self, *, state: str, code_challenge: str, mode: str, login_hint: str | None, nonce: str
    ) -> str:
        # MSAL's own URL builders make their own PKCE verifier; ours travels sealed in the
        # state, so the documented authorize request is built here from the endpoint MSAL
        # discovered (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow)
        endpoint = self._msal().authority.authorization_endpoint
        params = {
            "client_id": self._id,
            "response_type": "code",
            "redirect_uri": self._redirect,
            "response_mode": "query",
            "scope": " ".join([*self.scopes_for(mode), "offline_access", "openid", "profile"]),
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            # MSAL checks the ID token carries sha256(nonce) (msal.oauth2cli.oidc)
            "nonce": hashlib.sha256(nonce.encode("ascii")).hexdigest(),
        }
        if login_hint:
            params["login_hint"] = login_hint
        return f"{endpoint}?{urlencode(params)}"

    def exchange_code(self, *, code: str, code_verifier: str, mode: str, nonce: str) -> TokenGrant:
        flow = {
            "state": _VERIFIED,
            "nonce": nonce,
            "redirect_uri": self._redirect,
            "scope": list(self.scopes_for(mode)),
            "code_verifier": code_verifier,
        }
        result = self._call(
            lambda app: app.acquire_token_by_auth_code_flow(
                flow, {"state": _VERIFIED, "code": code}
            )
        )
        return self._grant(result)

    def refresh(self, refresh_token: str, scopes: tuple[str, ...]) -> TokenGrant:
        wanted = [s for s in scopes if s not in ("openid", "profile", "offline_access", "email")]
        result = self._call(lambda app: app.acquire_token_by_refresh_token(refresh_token, wanted))
        grant = self._grant(result)
        if grant.refresh_token == refresh_token:
            return dataclasses.replace(grant, refresh_token=None)
        return grant

    def app_token(self, directory_tenant: str | None = None) -> TokenGrant:
        """App-only token for Graph (application permissions, client credentials) from the
        customer's directory. MSAL caches it until shortly before it expires."""
        authority = self._authority_for(directory_tenant)
        result = self._call(
            lambda app: app.acquire_token_for_client([GRAPH_APP_SCOPE]), authority=authority
        )
        return self._grant(result)

    def _call(self, fn: Any, *, authority: str | None = None) -> dict[str, Any]:
        try:
            result: dict[str, Any] = fn(self._msal(authority))
        except RuntimeError as exc:
            # MSAL's IdTokenError family (a RuntimeError): the ID token's nonce, issuer or
            # audience is not this sign-in's. A forged or mixed-up answer, refused as such.
            raise ValidationError(
                f"microsoft: the sign-in answer does not belong to this sign-in "
                f"({type(exc).__name__})"
            ) from None
        except ValueError as exc:
            # MSAL raises ValueError on a state/nonce mismatch or a body that is not JSON (a
            # gateway's error page): a refusal, but no proof that the grant is gone
            raise AuthError(f"microsoft: unexpected token answer: {str(exc)[:100]}") from None
        except OSError as exc:
            raise ServiceUnavailable(f"microsoft token endpoint: {type(exc).__name__}") from None
        if "error" in result:
            error = str(result["error"])
            if error in TRANSIENT_ERRORS:
                raise ServiceUnavailable(f"microsoft token endpoint: {error}")
            raise classify_token_error("microsoft", error)
        return result

    def _grant(self, result: dict[str, Any]) -> TokenGrant:
        access = str(result["access_token"])
        refresh = result.get("refresh_token")
        register_secret(access, ttl_s=int(result.get("expires_in", 3600)) + ACCESS_TOKEN_MARGIN_S)
        register_secret(refresh)
        claims = result.get("id_token_claims") or {}
        email = claims.get("preferred_username") or claims.get("email") or claims.get("upn")
        return TokenGrant(
            access_token=access,
            expires_at=datetime.now(UTC) + timedelta(seconds=int(result.get("expires_in", 3600))),
            refresh_token=str(refresh) if refresh else None,
            scopes=tuple(str(result.get("scope", "")).split()),
            email=str(email).lower() if email else None,
            directory_tenant=str(claims["tid"]) if claims.get("tid") else None,
        )
