"""OAuth connect flow as two HTTP functions (thin: the work is in shared.oauth.connect).

``oauth_start?tenant=T&mailbox=M&provider=google&mode=imap`` redirects the admin to the
provider; ``oauth_callback`` finishes and redirects back to the settings page."""

from __future__ import annotations

from typing import Any

import functions_framework

from shared.entrypoints import Response, admin_identity, http_boundary
from shared.errors import AuthError
from shared.oauth.wiring import OAuthParts

_parts: OAuthParts | None = None


def parts() -> OAuthParts:
    """Built on first use and reused (nothing is built at import time)."""
    global _parts
    if _parts is None:
        from shared.bootstrap import build_app
        from shared.oauth.config import OAuthSettings
        from shared.oauth.wiring import build_oauth

        _parts = build_oauth(build_app(), OAuthSettings.from_env())
    return _parts


def _redirect(url: str) -> Response:
    return "", 302, {"Location": url, "Cache-Control": "no-store"}


@functions_framework.http
@http_boundary
def oauth_start(request: Any) -> Response:
    admin = admin_identity(request)
    if admin is None:
        raise AuthError("an authenticated admin is required")
    a = request.args
    url = parts().flow.start(
        a.get("tenant", ""), a.get("mailbox", ""), admin, a.get("provider", ""), a.get("mode", "")
    )
    return _redirect(url)


@functions_framework.http
@http_boundary
def oauth_callback(request: Any) -> Response:
    # the state is bound to the admin who started; behind IAP the finishing one must match
    return _redirect(parts().flow.callback(dict(request.args), admin_identity(request)))
