"""A local stand-in for Google's OAuth 2.0 endpoints, answering as documented at
developers.google.com/identity/protocols/oauth2/web-server (token endpoint JSON and errors),
a consent page a browser goes through (``/auth``: ``consent_page``), plus a token
introspection endpoint for Dovecot's oauth2 passdb. It counts requests."""

from __future__ import annotations

import hashlib
import http.server
import json
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from mailingest_dev.standins import consent_page
from mailingest_dev.standins.json_http import JsonHandler, b64url, s256
from mailingest_dev.standins.serve import SHUTDOWN_POLL_S


@dataclass
class GoogleStandIn:
    client_id: str = "test-client.apps.googleusercontent.com"
    client_secret: str = "GOCSPX-test-secret"
    rotate: bool = False
    # code -> (challenge, email, nonce, email_verified)
    codes: dict[str, tuple[str, str, str | None, bool]] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh -> email
    access_tokens: dict[str, str] = field(default_factory=dict)  # access -> email
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""
    redirect_uris: set[str] = field(default_factory=set)  # registered (empty: any)
    code_redirects: dict[str, str] = field(default_factory=dict)  # code -> its redirect URI

    def consent(
        self,
        code_challenge: str,
        email: str,
        nonce: str | None,
        *,
        email_verified: bool = True,
        redirect_uri: str | None = None,
    ) -> str:
        """What the consent screen does: a one-time code bound to the PKCE challenge (and the
        redirect URI it was asked for, when given); the authorize request's nonce comes back
        in the ID token."""
        code = "4/0A" + secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = (code_challenge, email, nonce, email_verified)
            if redirect_uri is not None:
                self.code_redirects[code] = redirect_uri
        return code

    @property
    def authorize_request(self) -> consent_page.AuthorizeRequest:
        return consent_page.AuthorizeRequest(self.client_id, self.redirect_uris, "Google")

    def issue_code(self, params: Mapping[str, str], account: str) -> str:
        """The consent page's "Allow"."""
        return self.consent(
            params["code_challenge"],
            account,
            params.get("nonce"),
            redirect_uri=params["redirect_uri"],
        )

    def revoke_all(self) -> None:
        with self.lock:
            self.refresh_tokens.clear()
            self.access_tokens.clear()

    def _id_token(self, email: str, nonce: str | None = None, email_verified: bool = True) -> str:
        header = b64url(json.dumps({"alg": "RS256", "kid": "test"}).encode())
        claims: dict[str, object] = {
            "iss": "https://accounts.google.com",
            "aud": self.client_id,
            "email": email,
            "email_verified": email_verified,
            "sub": hashlib.sha256(email.encode()).hexdigest()[:20],
        }
        if nonce is not None:
            claims["nonce"] = nonce
        return f"{header}.{b64url(json.dumps(claims).encode())}.{b64url(b'sig')}"

    def _issue(self, email: str, refresh: bool) -> dict[str, object]:
        access = "ya29." + secrets.token_urlsafe(32)
        body: dict[str, object] = {
            "access_token": access,
            "expires_in": 3599,
            "scope": "openid https://mail.google.com/ https://www.googleapis.com/auth/userinfo.email",
            "token_type": "Bearer",
        }
        self.access_tokens[access] = email
        if refresh:
            new = "1//0g" + secrets.token_urlsafe(32)
            self.refresh_tokens[new] = email
            body["refresh_token"] = new
        return body

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, object]]:
        with self.lock:
            self.requests.append(form.get("grant_type", ""))
            if (
                form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret
            ):
                return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
            if form.get("grant_type") == "authorization_code":
                found = self.codes.pop(form.get("code", ""), None)  # one use only
                redirect = self.code_redirects.pop(form.get("code", ""), None)
                if found is not None and redirect not in (None, form.get("redirect_uri")):
                    return 400, {"error": "redirect_uri_mismatch", "error_description": "Bad"}
                if found is None:
                    return 400, {
                        "error": "invalid_grant",
                        "error_description": "Malformed auth code.",
                    }
                challenge, email, nonce, verified = found
                digest = s256(form.get("code_verifier", ""))
                if digest != challenge:
                    return 400, {
                        "error": "invalid_grant",
                        "error_description": "Invalid code verifier.",
                    }
                body = self._issue(email, refresh=True)
                body["id_token"] = self._id_token(email, nonce, verified)
                return 200, body
            if form.get("grant_type") == "refresh_token":
                holder: str | None = self.refresh_tokens.get(form.get("refresh_token", ""))
                if holder is None:
                    return 400, {
                        "error": "invalid_grant",
                        "error_description": "Token has been expired or revoked.",
                    }
                if self.rotate:
                    del self.refresh_tokens[form["refresh_token"]]
                return 200, self._issue(holder, refresh=self.rotate)
            return 400, {"error": "unsupported_grant_type"}

    def introspect(self, token: str) -> dict[str, object]:
        with self.lock:
            email = self.access_tokens.get(token)
        return {"active": True, "username": email} if email else {"active": False}


def _handler(stand_in: GoogleStandIn) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def do_POST(self) -> None:
            form = self._form()
            if self.path.startswith("/token"):
                self._json(*stand_in.token(form))
            elif self.path.startswith("/auth"):
                self._decide(form)
            else:
                self._json(404, {"error": "not_found"})

        def _decide(self, form: dict[str, str]) -> None:
            refused = consent_page.refusal(stand_in.authorize_request, form)
            if refused:
                self._html(400, consent_page.error_html(stand_in.authorize_request, refused))
            else:
                self._redirect(consent_page.decision(form, stand_in.issue_code))

        def do_GET(self) -> None:
            if self.path.startswith("/auth"):
                params = self._query()
                request = stand_in.authorize_request
                refused = consent_page.refusal(request, params)
                if refused:
                    self._html(400, consent_page.error_html(request, refused))
                else:
                    self._html(200, consent_page.consent_html(request, params))
            elif self.path.startswith("/introspect"):
                token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
                self._json(200, stand_in.introspect(token))
            else:
                self._json(404, {"error": "not_found"})

    return Handler


@contextmanager
def google_stand_in(**kw: object) -> Iterator[GoogleStandIn]:
    stand_in = GoogleStandIn(**kw)  # type: ignore[arg-type]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
    stand_in.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
