"""The settings page's "Recent events" filtered by mailbox and label, through its HTTP function
on Firestore (emulator): the GET form's query, the JSON API's parameters (described by the
OpenAPI document), both combined with the paging cursor and kept by every link, tenant-scoped;
and a label corrected on an older, filtered page redirects back to that page (cursor and
filter carried through the POST, validated: a forged one corrects nothing)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from openapi_schema_validator import OAS31Validator

from shared.bootstrap import App
from shared.domain.recent_events import EventCursor, EventSummary
from shared.ids import TenantId
from shared.web.label_names import name as label_name
from shared.web.openapi import openapi_document
from tests.fakes.iap import IapStandIn
from tests.integration import test_settings_console as console_tests
from tests.integration.settings_fixtures import ACME, GLOBEX

pytestmark = pytest.mark.integration
ROW = re.compile(r'<tr data-event="([^"]+)">')


def _seed(app: App, tenant: str, count: int, mailbox: str, label: str, start: int) -> list[str]:
    """``count`` summaries a minute apart from ``start`` minutes after a day ago."""
    base = app.clock.now() - timedelta(days=1)
    rows = [
        EventSummary(
            event_id=f"{tenant}.{mailbox}.{start + n:040x}",
            tenant_id=tenant,
            mailbox_id=mailbox,
            at=base + timedelta(minutes=start + n),
            label=label,
            subject=f"{label} {n} <b>x</b>",
        )
        for n in range(count)
    ]
    for row in rows:
        app.state.put_event_summary(row)
    return [r.event_id for r in rows]


def _described_with_next(spec: dict[str, Any], api: Any) -> re.Match[str]:
    """The answer is an EventList as the OpenAPI document says, with a ``Link`` to the next
    page (its query in group 1)."""
    schema = {**spec["components"]["schemas"]["EventList"], "components": spec["components"]}
    OAS31Validator(schema).validate(api.get_json())
    link = re.fullmatch(r'<\?([^>]+)>; rel="next"', api.headers["Link"])
    assert link
    return link


def _link(page: str, rel: str) -> str:
    match = re.search(rf'<a class="button" rel="{rel}" href="\?([^"]+)#events">', page)
    assert match, rel
    return html_lib.unescape(match.group(1))


def test_recent_events_are_filtered_by_mailbox_and_label_with_paging_on_the_page_and_in_the_api(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    acme = iap.headers(ACME)
    wanted = _seed(app, "acme", 53, "stopsale", "stopsale", 0)
    _seed(app, "acme", 5, "stopsale", "booking", 100)  # same mailbox, another label
    _seed(app, "acme", 5, "booking", "stopsale", 200)  # same label, another mailbox
    _seed(app, "globex", 5, "stopsale", "stopsale", 300)  # another tenant's
    newest_first = wanted[::-1]
    first = http.get("/?tenant=acme&mailbox=stopsale&label=stopsale", headers=acme).text
    assert ROW.findall(first) == newest_first[:50]
    assert "of mailbox stopsale labelled stop sale" in first  # the label by its name
    assert "<option selected>stopsale</option>" in first  # the form shows the filter
    older = _link(first, "next")
    assert {k: v[0] for k, v in parse_qs(older).items()}.keys() == {
        "tenant", "section", "mailbox", "label", "before"
    }  # fmt: skip
    second = http.get(f"/?{older}", headers=acme).text
    assert ROW.findall(second) == newest_first[50:]
    assert parse_qs(_link(second, "first")) == {
        "tenant": ["acme"], "section": ["events"], "mailbox": ["stopsale"], "label": ["stopsale"]
    }  # fmt: skip
    # one filter at a time
    by_label = ROW.findall(http.get("/?tenant=acme&label=booking", headers=acme).text)
    assert by_label == [f"acme.stopsale.{n:040x}" for n in range(104, 99, -1)]
    by_mailbox = ROW.findall(http.get("/?tenant=acme&mailbox=booking", headers=acme).text)
    assert by_mailbox == [f"acme.booking.{n:040x}" for n in range(204, 199, -1)]
    nothing = http.get("/?tenant=acme&mailbox=nowhere", headers=acme).text
    assert (ROW.findall(nothing), "No events match the filter." in nothing) == ([], True)
    # the JSON API: the same filter, kept by the Link; the OpenAPI document describes it
    spec = openapi_document()
    query = "/?tenant=acme&format=json&view=events&mailbox=stopsale&label=stopsale"
    api = http.get(query, headers=acme)
    assert [r["event_id"] for r in api.get_json()] == newest_first[:50]
    link = _described_with_next(spec, api)
    assert parse_qs(link.group(1))["label"] == ["stopsale"]
    rest = http.get(f"/?{link.group(1)}", headers=acme).get_json()
    assert [r["event_id"] for r in rest] == newest_first[50:]
    described = {p["name"]: p for p in spec["paths"]["/"]["get"]["parameters"]}
    assert {"mailbox", "label"} <= described.keys()
    assert "stopsale" in described["label"]["schema"]["enum"]
    # bad filters are refused plainly; another tenant's filtered listing stays its own
    for bad in ("label=nonsense", "mailbox=Not%20an%20id"):
        refused = http.get(f"/?tenant=acme&format=json&view=events&{bad}", headers=acme)
        assert refused.status_code == 400, bad
        assert http.get(f"/?tenant=acme&{bad}", headers=acme).status_code == 400
    theirs = http.get(query.replace("acme", "globex"), headers=iap.headers(GLOBEX)).get_json()
    assert {r["tenant_id"] for r in theirs} == {"globex"}
    assert len(theirs) == 5


def _row_form(page: str, event_id: str) -> dict[str, str]:
    """The hidden fields of the correction form of ``event_id``'s row."""
    row = re.search(rf'<tr data-event="{re.escape(event_id)}">(.*?)</tr>', page, re.S)
    assert row, event_id
    fields = re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', row.group(1))
    return {name: html_lib.unescape(value) for name, value in fields}


def test_a_correction_on_an_older_filtered_page_returns_to_that_page(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    acme = iap.headers(ACME)
    eid = console_tests.ingest(app, "Room list AQ-7 for your guests", 7)  # mailbox booking
    label = app.state.get_event_summary(TenantId("acme"), eid).label
    # 50 newer events of the same mailbox and label: the ingested one is on the older page
    newer = _seed(app, "acme", 50, "booking", label, 24 * 60)
    assert len(newer) == 50
    first = http.get(f"/?tenant=acme&mailbox=booking&label={label}", headers=acme).text
    older = _link(first, "next")
    page = http.get(f"/?{older}", headers=acme).text
    assert ROW.findall(page) == [eid]
    form = _row_form(page, eid)
    before = parse_qs(older)["before"][0]
    assert (form["back_before"], form["back_mailbox"], form["back_label"]) == (
        before,
        "booking",
        label,
    )
    target = "stopsale" if label != "stopsale" else "booking"
    answer = http.post("/?tenant=acme", headers=acme, data={**form, "label": target})
    assert answer.status_code == 303
    location = answer.headers["Location"]
    assert location.startswith("?tenant=acme&")  # relative: never another site
    assert location.endswith("#events")
    query = parse_qs(urlsplit(location).query)
    assert (query["before"], query["mailbox"], query["label"]) == ([before], ["booking"], [label])
    back = http.get(urljoin("/", location.partition("#")[0]), headers=acme).text
    assert f"Label corrected from {label_name(label)} to {label_name(target)}" in back
    assert (
        "Older 0 emails turned into events (kept 30 days) of mailbox booking labelled "
        f"{label_name(label)}" in back
    )
    assert "No older events that match the filter." in back  # it shows another label now
    assert app.state.get_event_summary(TenantId("acme"), eid).corrected_to == target
    # a forged page to return to (another tenant's cursor, a made-up label, an absolute
    # address): refused with the reason, nothing corrected
    foreign = EventCursor.after(
        EventSummary(event_id="globex.booking.1", tenant_id="globex", mailbox_id="booking",
                     at=app.clock.now(), label="booking")
    ).encode()  # fmt: skip
    for forged in (
        {"back_before": foreign},
        {"back_label": "nonsense"},
        {"back_mailbox": "https://evil.example/"},
        {"back_before": "//evil.example/x"},
    ):
        refused = http.post("/?tenant=acme", headers=acme, data={**form, "label": label, **forged})
        assert refused.status_code == 400, forged
        assert "Location" not in refused.headers
    assert app.state.get_event_summary(TenantId("acme"), eid).corrected_to == target


def _put_at(app: App, mailbox: str, when: datetime, n: int) -> str:
    row = EventSummary(
        event_id=f"acme.{mailbox}.{n:040x}",
        tenant_id="acme",
        mailbox_id=mailbox,
        at=when,
        label="booking",
        subject=f"at {when.isoformat()}",
    )
    app.state.put_event_summary(row)
    return row.event_id


def test_recent_events_up_to_a_day_on_the_page_and_in_the_api(client: Any, iap: IapStandIn) -> None:
    http, app = client
    acme = iap.headers(ACME)
    day = (app.clock.now() - timedelta(days=2)).date()
    start = datetime.combine(day, time(0), UTC)
    next_day = _put_at(app, "booking", start + timedelta(days=1), 1)  # its first microsecond
    last = _put_at(app, "booking", start + timedelta(days=1, microseconds=-1), 2)
    noon = [
        _put_at(app, "booking", start + timedelta(hours=12, seconds=n), 100 + n) for n in range(50)
    ]
    first = _put_at(app, "booking", start, 3)
    other = _put_at(app, "stopsale", start + timedelta(hours=13), 4)
    earlier = _put_at(app, "booking", start - timedelta(hours=1), 5)
    expected = [last, other, *noon[::-1], first, earlier]  # newest first, none of the next day
    assert next_day not in expected

    page = http.get(f"/?tenant=acme&until={day}", headers=acme).text
    assert ROW.findall(page) == expected[:50]
    assert f"up to {day} (UTC)" in page
    assert f'name="until" value="{day}"' in page  # the form shows what was asked
    newest = {"tenant": ["acme"], "section": ["events"]}
    assert parse_qs(_link(page, "first")) == newest  # back to the newest
    older_query = _link(page, "next")
    older = http.get(f"/?{older_query}", headers=acme).text
    assert ROW.findall(older) == expected[50:]
    # a cursor is already a place in the listing: with both, the cursor is where it starts
    both = http.get(f"/?{older_query}&until={day - timedelta(days=9)}", headers=acme).text
    assert ROW.findall(both) == expected[50:]
    assert "up to " not in both
    # with the other filters
    only = http.get(f"/?tenant=acme&until={day}&mailbox=stopsale", headers=acme).text
    assert ROW.findall(only) == [other]
    empty = http.get(f"/?tenant=acme&until={day - timedelta(days=9)}", headers=acme).text
    assert (ROW.findall(empty), f"No events up to {day - timedelta(days=9)}." in empty) == (
        [],
        True,
    )

    # the JSON API: the same rows, the Link goes on from them; the OpenAPI document says so
    spec = openapi_document()
    api = http.get(f"/?tenant=acme&format=json&view=events&until={day}", headers=acme)
    assert [r["event_id"] for r in api.get_json()] == expected[:50]
    link = _described_with_next(spec, api)
    rest = http.get(f"/?{link.group(1)}", headers=acme).get_json()
    assert [r["event_id"] for r in rest] == expected[50:]
    described = {p["name"]: p for p in spec["paths"]["/"]["get"]["parameters"]}
    assert described["until"]["schema"]["format"] == "date"

    # anything but a day is refused plainly, on the page and in the API
    for bad in ("yesterday", "2026-13-01", "1999-12-31", f"{day}T00:00", "%3Cb%3E"):
        assert http.get(f"/?tenant=acme&until={bad}", headers=acme).status_code == 400, bad
        api_bad = http.get(f"/?tenant=acme&format=json&view=events&until={bad}", headers=acme)
        assert api_bad.status_code == 400, bad
