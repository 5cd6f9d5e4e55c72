"""The settings page's HTTP surface: which request is which view or form, and what each
answers (the page itself is ``shared.web.settings_page``).

``GET /?tenant=T[&edit=MAILBOX][&before=CURSOR][&mailbox=M][&label=L]`` the page (the
mailbox form filled for an edit; older recent events; recent events of one mailbox or label);
``GET /?tenant=T&format=json[&view=mailboxes|events|analytics]`` its data (``events``:
``mailbox`` and ``label`` filter, ``before`` and a ``Link: rel="next"`` page them);
``POST /?tenant=T`` a form (with ``&format=json``: the outcome as JSON, no page; a change
answers with a redirect to the page, Post/Redirect/Get);
``GET /openapi.json`` the OpenAPI 3.1 description of all of it;
``GET /?…&lang=tr|en`` keeps that language in a cookie and comes back to the same page
(every answer is in the cookie's language, else the browser's ``Accept-Language``'s)."""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from shared.domain.recent_events import EventFilter
from shared.entrypoints import Response, answered_within
from shared.errors import NotFound, ValidationError
from shared.web import add_flow, assets, formats, i18n, language
from shared.web.events_panel import event_filter
from shared.web.form_errors import MAILBOX, TRY, FormRefused, Refill, typed_values
from shared.web.i18n import N_, _
from shared.web.identity import AdminIdentity
from shared.web.openapi import openapi_document
from shared.web.overview import OverviewQuery
from shared.web.settings_page import SettingsPage, Shown

_HTML = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False)
    json_headers = {"Content-Type": "application/json", "Cache-Control": "no-store"}
    return body, status, {**json_headers, **(headers or {})}


# a read of the page answers within this, whatever the store does (an admin looks at it most
# when something is wrong): "store unreachable" instead of a spinner
PAGE_ANSWER_S = 4.5


def _store_unreachable(as_json: bool) -> Response:
    """The overdue answer: JSON for the page's own refresh (it keeps the lines it shows,
    marked as last known), a short page otherwise."""
    headers = {"Retry-After": "5"}
    unreachable = _(
        "Firestore did not answer within %(seconds)s s. Nothing was changed; try again in a "
        "moment.",
        seconds=formats.decimal(PAGE_ANSWER_S, 1),
    )
    if as_json:
        return _json({"error": "store unreachable", "message": unreachable}, 503, headers)
    title = html.escape(_("Store unreachable"))
    body = (
        f'<!doctype html><html lang="{i18n.current()}"><meta charset="utf-8">'
        f"<title>{title}</title><h1>{title}</h1><p>{html.escape(unreachable)}</p></html>"
    )
    return body, 503, {**_HTML, **headers}


def _query(request: Any) -> str:
    """The query the request was made with (the language switch comes back to it)."""
    return urlencode(list(request.args.items()))


def _switched(request: Any, locale: str) -> Response:
    """The language link: the choice kept in a cookie, and back to the same page (relative:
    never another site)."""
    location = "?" + language.without_switch(_query(request))
    headers = {"Location": location, "Cache-Control": "no-store"}
    return "", 303, {**headers, "Set-Cookie": language.cookie_header(locale)}


def _filter(request: Any) -> EventFilter:
    """The recent events' filter the query asks for (ValidationError: 400)."""
    return event_filter(request.args.get("mailbox", ""), request.args.get("label", ""))


_EVENTS_ONLY = ("before", "until", "mailbox", "label")


def _section(request: Any) -> str:
    """The section asked for; a query with the recent events' cursor or filter and no
    section is the events' (links made before the console had sections)."""
    asked = str(request.args.get("section", ""))
    if not asked and any(request.args.get(name) for name in _EVENTS_ONLY):
        return "events"
    return asked


def _as_json(outcome: dict[str, Any]) -> Response:
    if "tested" in outcome:
        return _json({"steps": [dataclasses.asdict(s) for s in outcome["tested"]]})
    if "tried" in outcome:
        return _json({"classification": dataclasses.asdict(outcome["tried"])})
    return _json({"notice": outcome["notice"]})


def _change(page: SettingsPage, admin: str | None, form: dict[str, str]) -> dict[str, Any]:
    """A form that changes something: its notice and the page to go back to (a rule's
    section; the card of the mailbox saved or acted on; the overview after a removal)."""
    if form.get("rule_action"):
        notice = page.rule_action(admin, form)
        return {"notice": notice, "anchor": "#rules", "back": {"section": "rules"}}
    if form.get("add_signed_in") == "on":
        notice, mailbox = page.add_signed_in(admin, form)
        return {"notice": notice, "anchor": "", "back": {"open": mailbox}}
    if form.get("action"):
        notice = page.act(admin, form)
        kept = form.get("action") != "remove"
        return {"notice": notice, "anchor": "", "back": {"open": form["mailbox"]} if kept else {}}
    notice = page.save(admin, form)
    return {"notice": notice, "anchor": "", "back": {"open": form.get("mailbox", "")}}


class SettingsRoutes:
    """Answers one request to the settings function. The page and the identity are asked
    for on use (an ``openapi.json`` request builds neither)."""

    def __init__(
        self, page: Callable[[], SettingsPage], identity: Callable[[], AdminIdentity]
    ) -> None:
        self._page = page
        self._identity = identity

    def answer(self, request: Any) -> Response:
        if request.path.endswith("/openapi.json"):
            return _json(openapi_document())
        if request.method == "GET" and request.args.get("asset") == assets.STYLESHEET:
            return assets.stylesheet()
        switch = request.args.get(language.SWITCH)
        if request.method == "GET" and switch in i18n.LOCALES:
            return _switched(request, switch)
        chosen = language.choose(
            request.headers.get("Accept-Language", ""), request.cookies.get(language.COOKIE)
        )
        with i18n.speaking(chosen):
            status_body = self._answer(request)
        body, status, headers = status_body
        return body, status, {**headers, "Content-Language": chosen}

    def _answer(self, request: Any) -> Response:
        tenant = request.args.get("tenant", "")
        if request.method == "POST":  # a write is answered once it is known, never before
            return self._answer_post(request, tenant)
        as_json = request.args.get("format") == "json"
        return answered_within(
            PAGE_ANSWER_S,
            lambda: self._get_json(request, tenant) if as_json else self._get_page(request, tenant),
            lambda: _store_unreachable(as_json),
        )

    def _admin(self, request: Any) -> str | None:
        """IAP's verified identity (or, with local backends only, the development admin)."""
        return self._identity().of(request.headers)

    # -- reads ----------------------------------------------------------------------------
    def _get_page(self, request: Any, tenant: str) -> Response:
        before, edit = request.args.get("before", ""), request.args.get("edit", "")
        shown = Shown(
            flash_token=request.args.get("flash", ""),
            before=before,
            only=_filter(request),
            until=request.args.get("until", ""),
            edit=edit,
            section=_section(request),
            overview=OverviewQuery.from_args(request.args),
            open=request.args.get("open", "")[:80],
            add=add_flow.Step.from_args(request.args),
            here=_query(request),
        )
        page = self._page()
        try:
            return page.render(self._admin(request), tenant, shown), 200, _HTML
        except NotFound as exc:
            if not edit:
                raise
            # a mailbox removed meanwhile (or never this tenant's): the list, saying so
            gone = Shown(
                error=_("%(reason)s: it may have been removed", reason=str(exc)),
                error_title=N_("Cannot edit"),
                here=_query(request),
            )
            # (the overview: the mailbox is not there to open)
            return page.render(self._admin(request), tenant, gone), 404, _HTML

    def _get_json(self, request: Any, tenant: str) -> Response:
        view = request.args.get("view", "mailboxes")
        if view == "events":
            return self._events_json(request, tenant)
        if view == "analytics":
            return _json(self._page().analytics_api(self._admin(request), tenant))
        if view == "mailboxes":
            return _json(self._page().api(self._admin(request), tenant))
        raise ValidationError("view is one of: mailboxes, events, analytics")

    def _events_json(self, request: Any, tenant: str) -> Response:
        """A page of recent events (filtered by ``mailbox`` and ``label``, from the end of the
        UTC day ``until`` or the cursor ``before``); the next older one is the ``Link`` with
        ``rel="next"`` (the same filter)."""
        only = _filter(request)
        before, until = request.args.get("before", ""), request.args.get("until", "")
        rows, older = self._page().events_api(self._admin(request), tenant, before, only, until)
        if not older:
            return _json(rows)
        wanted = {"mailbox": only.mailbox_id, "label": only.label, "before": older}
        params = {"tenant": tenant, "format": "json", "view": "events"}
        query = urlencode({**params, **{k: v for k, v in wanted.items() if v}})
        return _json(rows, headers={"Link": f'<?{query}>; rel="next"'})

    # -- forms ----------------------------------------------------------------------------
    def _answer_post(self, request: Any, tenant: str) -> Response:
        # a body over MAX_FORM_BYTES or without a length never gets here (the entry point)
        as_json = request.args.get("format") == "json"
        try:
            outcome = self._outcome(request)
        except FormRefused as exc:
            return self._refused(request, tenant, exc, as_json)
        except ValidationError as exc:  # the page again, with the reason (nothing was saved)
            if as_json:
                return _json({"error": str(exc)}, 400)
            section = request.args.get("section", "")
            shown = Shown(error=str(exc), section=section, here=_query(request))
            page = self._page().render(self._admin(request), tenant, shown)
            return page, 400, _HTML
        return _as_json(outcome) if as_json else self._as_page(request, tenant, outcome)

    def _outcome(self, request: Any) -> dict[str, Any]:
        """Handle one form: ``notice`` (a change: the page redirects to itself with it, where
        ``anchor`` says), ``tried`` or ``tested`` (nothing changed: shown at once)."""
        form, admin, page = dict(request.form), self._admin(request), self._page()
        if form.get("correct") == "on":
            notice, back = page.correct_label(admin, form)
            return {"notice": notice, "anchor": "#events", "back": {"section": "events", **back}}
        if form.get("test_connection") == "on":
            return {"tested": page.test_connection(admin, form)}
        if form.get("try") == "on":
            return {"tried": page.try_rules(admin, form)}
        return _change(page, admin, form)

    def _as_page(self, request: Any, tenant: str, outcome: dict[str, Any]) -> Response:
        page = self._page()
        if "notice" in outcome:  # Post/Redirect/Get: a reload of the page posts nothing again
            token = page.flash_token(self._admin(request), tenant, outcome["notice"])
            # back to the page the form was on (a correction: its cursor and filter, validated)
            query = {"tenant": tenant, **outcome.get("back", {}), "flash": token}
            location = "?" + urlencode(query) + outcome["anchor"]
            return "", 303, {"Location": location, "Cache-Control": "no-store"}
        # "Try it" and "Test connection": the outcome, and the form as it was typed
        typed = typed_values(dict(request.form))
        refill = Refill(typed, form=TRY if "tried" in outcome else MAILBOX)
        tried, tested = outcome.get("tried"), outcome.get("tested")
        shown = Shown(tried=tried, tested=tested, refill=refill, here=_query(request))
        return page.render(self._admin(request), tenant, shown), 200, _HTML

    def _refused(self, request: Any, tenant: str, exc: FormRefused, as_json: bool) -> Response:
        """The page again, each reason next to its field (or on its card), as typed."""
        if as_json:
            fields = {k: v for k, v in exc.fields.items() if k}
            error = {"error": str(exc), **({"fields": fields} if fields else {})}
            return _json(error, 404 if exc.status == 404 else 400)
        refill = Refill(typed_values(dict(request.form)), exc)
        shown = Shown(refill=refill, here=_query(request))
        page = self._page().render(self._admin(request), tenant, shown)
        return page, exc.status, _HTML
