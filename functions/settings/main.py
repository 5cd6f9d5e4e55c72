"""The settings page as an HTTP function (behind IAP). Thin: the requests it answers are in
``shared.web.settings_routes``, the page in ``shared.web.settings_page``."""

from __future__ import annotations

from typing import Any

import functions_framework

from shared.entrypoints import (
    PAGE_HEADERS,
    Lazy,
    Response,
    body_too_large,
    function_logging,
    http_boundary,
    left_unread,
    page_headers,
)
from shared.web.identity import AdminIdentity
from shared.web.settings_page import SettingsPage
from shared.web.settings_routes import SettingsRoutes

function_logging()  # JSON lines, redacted, from the first request on


def _build_page() -> SettingsPage:
    from shared.bootstrap import build_settings_page

    return build_settings_page()


page = Lazy(_build_page)
identity = Lazy(AdminIdentity.from_env)
routes = SettingsRoutes(page, identity)


@functions_framework.http
def settings(request: Any) -> Any:
    refused = body_too_large(request) if request.method == "POST" else None
    if refused is not None:  # refused unread, and left unread by the framework too
        body, status, headers = refused
        return left_unread((body, status, {**PAGE_HEADERS, **headers}))
    return _answer(request)


@page_headers
@http_boundary
def _answer(request: Any) -> Response:
    return routes.answer(request)
