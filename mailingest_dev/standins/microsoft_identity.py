"""A local stand-in for the Microsoft identity platform over HTTPS (MSAL refuses plain HTTP):
the tenant's OpenID discovery document, the v2.0 authorize endpoint as a browser sees it (a
consent page: ``consent_page``) and the v2.0 token endpoint, answering in the documented
shapes (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow), rotating
refresh tokens as Microsoft does. App-only tokens (client credentials) are recorded as
``APP_ONLY`` in ``access_tokens``: the Graph stand-in lets them read any mailbox."""

from __future__ import annotations

import hashlib
import http.server
import json
import secrets
import ssl
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from mailingest_dev.devstack.dovecot import write_self_signed
from mailingest_dev.standins import consent_page
from mailingest_dev.standins.graph_api import APP_ONLY
from mailingest_dev.standins.json_http import JsonHandler, b64url, s256
from mailingest_dev.standins.serve import SHUTDOWN_POLL_S


@dataclass
class MicrosoftStandIn:
    tenant: str = "contoso-tenant"
    client_id: str = "11111111-2222-3333-4444-555555555555"
    client_secret: str = "ms~test~secret"
    base_url: str = ""
    ca_file: Path = Path()
    codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    access_tokens: dict[str, str] = field(default_factory=dict)  # access -> user (Graph stand-in)
    access_scopes: dict[str, str] = field(default_factory=dict)  # access -> the scopes granted
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_error: tuple[int, dict[str, object]] | None = None  # answered once, then cleared
    redirect_uris: set[str] = field(default_factory=set)  # registered (empty: any)
    code_redirects: dict[str, str] = field(default_factory=dict)  # code -> its redirect URI

    @property
    def authority(self) -> str:
        return f"{self.base_url}/{self.tenant}"

    def consent(
        self, code_challenge: str, user: str, nonce: str, *, redirect_uri: str | None = None
    ) -> str:
        code = "0.AX" + secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = (code_challenge, user, nonce)
            if redirect_uri is not None:
                self.code_redirects[code] = redirect_uri
        return code

    @property
    def authorize_request(self) -> consent_page.AuthorizeRequest:
        return consent_page.AuthorizeRequest(self.client_id, self.redirect_uris, "Microsoft")

    def issue_code(self, params: Mapping[str, str], account: str) -> str:
        """The consent page's "Allow"."""
        return self.consent(
            params["code_challenge"],
            account,
            params.get("nonce", ""),
            redirect_uri=params["redirect_uri"],
        )

    def discovery(self) -> dict[str, object]:
        base = self.authority
        return {
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "issuer": f"{base}/v2.0",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "code id_token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def _id_token(self, user: str, nonce: str | None = None) -> str:
        now = int(time.time())
        claims = {
            "iss": f"{self.authority}/v2.0",
            "aud": self.client_id,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "sub": hashlib.sha256(user.encode()).hexdigest()[:20],
            "preferred_username": user,
            "tid": self.tenant,
        }
        if nonce:
            claims["nonce"] = nonce
        head = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        return f"{head}.{b64url(json.dumps(claims).encode())}.{b64url(b'sig')}"

    def _issue(self, user: str, scope: str, nonce: str | None = None) -> dict[str, object]:
        refresh = "0.AR" + secrets.token_urlsafe(32)
        self.refresh_tokens[refresh] = user
        access = "eyJ0eXAi." + secrets.token_urlsafe(32)
        self.access_tokens[access] = user
        self.access_scopes[access] = scope
        return {
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": access,
            "refresh_token": refresh,
            "id_token": self._id_token(user, nonce),
            "client_info": b64url(json.dumps({"uid": "u1", "utid": self.tenant}).encode()),
        }

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, object]]:
        error: dict[str, object] = {
            "error": "invalid_grant",
            "error_description": "AADSTS70000: The provided grant is invalid or expired.",
            "error_codes": [70000],
        }
        with self.lock:
            self.requests.append(form.get("grant_type", ""))
            if self.next_error is not None:
                answer, self.next_error = self.next_error, None
                return answer
            if (
                form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret
            ):
                return 401, {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.",
                }
            grant = form.get("grant_type")
            scope = form.get("scope", "")
            if grant == "authorization_code":
                found = self.codes.pop(form.get("code", ""), None)
                redirect = self.code_redirects.pop(form.get("code", ""), None)
                if found is None or redirect not in (None, form.get("redirect_uri")):
                    return 400, error
                challenge, user, nonce = found
                if s256(form.get("code_verifier", "")) != challenge:
                    return 400, error
                return 200, self._issue(user, scope, nonce)
            if grant == "refresh_token":
                holder = self.refresh_tokens.pop(form.get("refresh_token", ""), "")  # rotates
                if not holder:
                    return 400, error
                return 200, self._issue(holder, scope)
            if grant == "client_credentials":
                token = "app." + secrets.token_urlsafe(24)
                self.access_tokens[token] = APP_ONLY
                return 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token}
            return 400, {"error": "unsupported_grant_type"}


def _handler(stand_in: MicrosoftStandIn) -> type[http.server.BaseHTTPRequestHandler]:
    authorize = f"/{stand_in.tenant}/oauth2/v2.0/authorize"

    class Handler(JsonHandler):
        def do_GET(self) -> None:
            if self.path.startswith(f"/{stand_in.tenant}/v2.0/.well-known/openid-configuration"):
                self._json(200, stand_in.discovery())
            elif self.path.startswith(authorize):
                self._consent(self._query(), show=True)
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            form = self._form()
            if self.path.startswith(f"/{stand_in.tenant}/oauth2/v2.0/token"):
                self._json(*stand_in.token(form))
            elif self.path.startswith(authorize):
                self._consent(form, show=False)
            else:
                self._json(404, {"error": "not_found"})

        def _consent(self, params: dict[str, str], *, show: bool) -> None:
            request = stand_in.authorize_request
            refused = consent_page.refusal(request, params)
            if refused:
                self._html(400, consent_page.error_html(request, refused))
            elif show:
                self._html(200, consent_page.consent_html(request, params))
            else:
                self._redirect(consent_page.decision(params, stand_in.issue_code))

    return Handler


@contextmanager
def microsoft_stand_in(tmp: Path) -> Iterator[MicrosoftStandIn]:
    cert, key = tmp / "ms.pem", tmp / "ms.key"
    write_self_signed(cert, key)
    stand_in = MicrosoftStandIn(ca_file=cert)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    stand_in.base_url = f"https://localhost:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
