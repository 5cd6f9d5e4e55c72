"""OAuth connect flow as two HTTP functions (thin: the work is in shared.oauth.connect).

``oauth_start?tenant=T&mailbox=M&provider=google&mode=imap`` redirects the admin to the
provider; ``oauth_callback`` finishes and redirects back to the settings page."""

from __future__ import annotations

from typing import Any

import functions_framework

from shared.entrypoints import Lazy, Response, function_logging, http_boundary, page_headers
from shared.errors import AuthError
from shared.oauth.wiring import OAuthParts
from shared.web.identity import AdminIdentity

function_logging()  # JSON lines, redacted, from the first request on


def _build_parts() -> OAuthParts:
    from shared.bootstrap import build_app, build_oauth

    return build_oauth(build_app())


parts = Lazy(_build_parts)
identity = Lazy(AdminIdentity.from_env)


def _admin(request: Any) -> str:
    """IAP's verified identity (or, with local backends only, the development admin)."""
    admin = identity().of(request.headers)
    if admin is None:
        raise AuthError("an authenticated admin is required")
    return admin


def _redirect(url: str) -> Response:
    return "", 302, {"Location": url, "Cache-Control": "no-store"}


@functions_framework.http
@page_headers
@http_boundary
def oauth_start(request: Any) -> Response:
    admin = _admin(request)
    a = request.args
    url = parts().flow.start(
        a.get("tenant", ""), a.get("mailbox", ""), admin, a.get("provider", ""), a.get("mode", "")
    )
    return _redirect(url)


@functions_framework.http
@page_headers
@http_boundary
def oauth_callback(request: Any) -> Response:
    # the state is bound to the admin who started: the one finishing must be that admin,
    # still an admin of the tenant; a callback without a verified identity is refused
    admin = _admin(request)
    return _redirect(parts().flow.callback(dict(request.args), admin))
