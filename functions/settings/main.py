"""The settings page as an HTTP function (behind IAP). Thin: shared.web.settings_page."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

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


def _corrected(request: Any, tenant: str) -> Response:
    """The label correction form: Post/Redirect/Get with a flash message (``?format=json``:
    the notice as JSON instead)."""
    notice = page().correct_label(_admin(request), dict(request.form))
    if request.args.get("format") == "json":
        return _json({"notice": notice})
    token = page().flash_token(_admin(request), tenant, notice)
    location = "?" + urlencode({"tenant": tenant, "flash": token}) + "#events"
    return "", 303, {"Location": location, "Cache-Control": "no-store"}


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False)
    return body, status, {"Content-Type": "application/json", "Cache-Control": "no-store"}


def _get_json(request: Any, tenant: str) -> Response:
    view = request.args.get("view", "mailboxes")
    if view == "events":
        return _json(page().events_api(_admin(request), tenant))
    if view == "analytics":
        return _json(page().analytics_api(_admin(request), tenant))
    if view == "mailboxes":
        return _json(page().api(_admin(request), tenant))
    raise ValidationError("view is one of: mailboxes, events, analytics")


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


def _answer_post(request: Any, tenant: str) -> Response:
    html = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
    refused = body_too_large(request)
    if refused is not None:
        return refused
    try:
        if request.form.get("correct") == "on":
            return _corrected(request, tenant)
        return _post(request, tenant), 200, html
    except ValidationError as exc:  # the page again, with the reason (nothing was saved)
        if request.args.get("format") == "json":
            return _json({"error": str(exc)}, 400)
        return page().render(_admin(request), tenant, error=str(exc)), 400, html


@functions_framework.http
@page_headers
@http_boundary
def settings(request: Any) -> Response:
    tenant = request.args.get("tenant", "")
    if request.method == "POST":
        return _answer_post(request, tenant)
    if request.args.get("format") == "json":
        return _get_json(request, tenant)
    html = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
    flash_token = request.args.get("flash", "")
    return page().render(_admin(request), tenant, flash_token=flash_token), 200, html
