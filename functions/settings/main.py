"""The settings page as an HTTP function (behind IAP). Thin: shared.web.settings_page."""

from __future__ import annotations

import json
from typing import Any

import functions_framework

from shared.entrypoints import Response, body_too_large, http_boundary, page_headers
from shared.errors import ValidationError
from shared.web.identity import AdminIdentity
from shared.web.settings_page import SettingsPage

_page: SettingsPage | None = None
_identity: AdminIdentity | None = None


def page() -> SettingsPage:
    global _page
    if _page is None:
        from shared.bootstrap import build_settings_page

        _page = build_settings_page()
    return _page


def _admin(request: Any) -> str | None:
    """IAP's verified identity (or, with local backends only, the development admin)."""
    global _identity
    if _identity is None:
        _identity = AdminIdentity.from_env()
    return _identity.of(request.headers)


def _post(request: Any, tenant: str) -> str:
    form = dict(request.form)
    if form.get("test_connection") == "on":
        tested = page().test_connection(_admin(request), form)
        return page().render(_admin(request), tenant, tested=tested)
    if form.get("try") == "on":
        tried = page().try_rules(_admin(request), form)
        return page().render(_admin(request), tenant, "", tried)
    if form.get("rule_action"):
        act = page().rule_action
    else:
        act = page().act if form.get("action") else page().save
    notice = act(_admin(request), form)
    return page().render(_admin(request), tenant, notice)


@functions_framework.http
@page_headers
@http_boundary
def settings(request: Any) -> Response:
    tenant = request.args.get("tenant", "")
    html = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
    if request.method == "POST":
        refused = body_too_large(request)
        if refused is not None:
            return refused
        try:
            return _post(request, tenant), 200, html
        except ValidationError as exc:  # the page again, with the reason (nothing was saved)
            return page().render(_admin(request), tenant, error=str(exc)), 400, html
    if request.args.get("format") == "json":
        body = json.dumps(page().api(_admin(request), tenant), ensure_ascii=False)
        return body, 200, {"Content-Type": "application/json"}
    return page().render(_admin(request), tenant), 200, html
