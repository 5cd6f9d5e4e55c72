"""The settings page's "Recent events" and "Analytics" through its HTTP function on Firestore
(emulator): what the pipeline stored is listed (an email's markup shown as text), a label is
corrected through the page (CSRF, tenant-scoped, audited by the corrections service,
Post/Redirect/Get with a flash message), nobody corrects another tenant's event, the
analytics figures come from the store and are drawn as SVG, and the OpenAPI document is
valid and describes the live answers."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from jsonschema.exceptions import ValidationError as JsonSchemaError
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from shared.bootstrap import App
from shared.domain.models import (
    HealthUpdate,
    Mailbox,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
    Provider,
    TlsMode,
)
from shared.domain.recent_events import EventSummary
from shared.ids import MailboxId, TenantId
from shared.service.health import HealthReporter
from shared.web.openapi import openapi_document
from tests.fakes.iap import IapStandIn
from tests.integration.settings_fixtures import ACME, GLOBEX
from tests.integration.settings_fixtures import csrf as _csrf

pytestmark = pytest.mark.integration
DAY = timedelta(days=1)
XSS = 'Booking <script>alert("pwned")</script> <img src=x onerror=alert(2)>'


def mailbox(tenant: str = "acme") -> Mailbox:
    return Mailbox(
        tenant_id=TenantId(tenant),
        id=MailboxId("booking"),
        provider=Provider.IMAP,
        address=f"booking@{tenant}.example",
        host="127.0.0.1",
        tls=TlsMode.PLAIN,
        secret_ref="x",
    )


def email(subject: str, n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Aqua Reservations <res@aqua.example>"
    msg["To"] = "booking@acme.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<m{n}@aqua.example>"
    msg.set_content(f"Dear partner,\nplease find the details of file AQ-{n} below.\n")
    return msg.as_bytes()


def ingest(app: App, subject: str, n: int, tenant: str = "acme") -> str:
    box = mailbox(tenant)
    app.state.put_mailbox(box)
    return app.pipeline.ingest(box, f"1/{n}", email(subject, n)).event_id


def test_recent_events_are_listed_with_an_emails_markup_as_text(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    eid = ingest(app, XSS, 1)
    ingest(app, "Globex only", 2, tenant="globex")
    page = http.get("/?tenant=acme&section=events", headers=iap.headers(ACME))
    assert page.status_code == 200
    html = page.text
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html
    assert "Aqua Reservations &lt;res@aqua.example&gt;" in html
    assert f'data-event="{eid}"' in html
    assert "Globex only" not in html  # another tenant's event
    listed = http.get("/?tenant=acme&format=json&view=events", headers=iap.headers(ACME))
    assert listed.status_code == 200
    rows = listed.get_json()
    assert [(r["event_id"], r["subject"], r["mailbox_id"]) for r in rows] == [(eid, XSS, "booking")]
    assert "details of file" not in listed.text  # never the body
    globex = http.get("/?tenant=acme&format=json&view=events", headers=iap.headers(GLOBEX))
    assert globex.status_code == 403


def test_a_label_is_corrected_through_the_page_with_post_redirect_get(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    eid = ingest(app, "Room list AQ-7 for your guests", 7)
    page = http.get("/?tenant=acme", headers=iap.headers(ACME))
    form = {"tenant": "acme", "csrf": _csrf(page.text), "correct": "on", "event_id": eid}
    answer = http.post(
        "/?tenant=acme", headers=iap.headers(ACME), data={**form, "label": "stopsale"}
    )
    assert answer.status_code == 303
    # relative to the page (behind IAP the function may live under a path)
    assert answer.headers["Location"].startswith("?tenant=acme&section=events&flash=")
    location = urljoin("/?tenant=acme", answer.headers["Location"]).partition("#")[0]
    query = parse_qs(urlsplit(location).query)
    assert query["tenant"] == ["acme"]
    after = http.get(location, headers=iap.headers(ACME))
    assert after.status_code == 200
    assert re.search(r"Label corrected from [\w ]+ to stop sale:", after.text)
    assert "(corrected)" in after.text
    # the corrections service audited it and learned a template example
    audit = app.state.list_audit(TenantId("acme"), limit=5)
    assert audit[0].action == "template.correct"
    assert (audit[0].actor, audit[0].details["event_id"], audit[0].details["after"]) == (
        ACME,
        eid,
        "stopsale",
    )
    assert [e.label for e in app.state.list_template_examples(TenantId("acme"))] == ["stopsale"]
    assert app.state.get_event_summary(TenantId("acme"), eid).corrected_to == "stopsale"
    # the flash is for this admin only, and a made-up one shows nothing
    forged = location.replace("flash=", "flash=9") + "x"
    assert "Label corrected" not in http.get(forged, headers=iap.headers(ACME)).text
    # as JSON: the notice instead of the redirect
    as_json = http.post(
        "/?tenant=acme&format=json", headers=iap.headers(ACME), data={**form, "label": "booking"}
    )
    assert as_json.status_code == 200
    assert "to booking" in as_json.get_json()["notice"]


def test_corrections_are_refused_without_csrf_across_tenants_and_for_bad_labels(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    eid = ingest(app, "Room list AQ-8", 8)
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    form = {"tenant": "acme", "csrf": token, "correct": "on", "event_id": eid, "label": "other"}
    bad_csrf = http.post("/?tenant=acme", headers=iap.headers(ACME), data={**form, "csrf": "1.0"})
    assert bad_csrf.status_code == 400
    bad_label = http.post(
        "/?tenant=acme", headers=iap.headers(ACME), data={**form, "label": "<b>spam</b>"}
    )
    assert bad_label.status_code == 400
    assert "&lt;b&gt;spam&lt;/b&gt;" in bad_label.text
    assert http.post("/?tenant=acme", headers=iap.headers(GLOBEX), data=form).status_code == 403
    # globex's own form naming acme's event: not found in globex, nothing learned
    g_token = _csrf(http.get("/?tenant=globex", headers=iap.headers(GLOBEX)).text)
    crossed = {**form, "tenant": "globex", "csrf": g_token}
    answer = http.post("/?tenant=globex", headers=iap.headers(GLOBEX), data=crossed)
    assert answer.status_code == 404
    assert app.state.list_template_examples(TenantId("acme")) == []
    assert app.state.list_template_examples(TenantId("globex")) == []
    assert all(e.action != "template.correct" for e in app.state.list_audit(TenantId("acme")))


def test_analytics_come_from_the_store_and_are_drawn(client: Any, iap: IapStandIn) -> None:
    http, app = client
    now = app.clock.now()
    reporter = HealthReporter(app.state, app.clock)
    app.state.put_mailbox(mailbox())
    labels = []
    for n, subject in enumerate(("Booking confirmation AQ-1", "STOP SALE Aqua Hotel", "Hi")):
        result = app.pipeline.ingest(mailbox(), f"2/{n}", email(subject, 100 + n))
        reporter.report_result(mailbox(), result, now)
        labels.append(result.label)
    reporter.flush()  # what the watcher's flush thread does
    stop = mailbox().model_copy(update={"id": MailboxId("stopsale")})
    app.state.put_mailbox(stop)
    # known figures on the stopsale mailbox: 10 events in (25, 50] ms three days ago and
    # 10 in (100, 250] ms today
    stopsale = TenantId("acme"), MailboxId("stopsale")
    app.state.update_health(
        *stopsale, HealthUpdate(labels={"amendment": 10}, latency={"le50": 10}), now - 3 * DAY
    )
    app.state.update_health(
        *stopsale, HealthUpdate(labels={"amendment": 10}, latency={"le250": 10}), now
    )
    app.state.update_health(
        TenantId("globex"), MailboxId("booking"), HealthUpdate(labels={"other": 99}), now
    )
    answer = http.get("/?tenant=acme&format=json&view=analytics", headers=iap.headers(ACME))
    assert answer.status_code == 200
    figures = answer.get_json()
    assert len(figures["days"]) == 30
    assert figures["days"][-1] == now.strftime("%Y-%m-%d")
    per_label = figures["per_label"]
    assert per_label["amendment"][-4] == 10
    assert per_label["amendment"][-1] == 10 + labels.count("amendment")
    for label in set(labels) - {"amendment"}:
        assert per_label[label][-1] == labels.count(label)
    assert sum(sum(counts) for counts in per_label.values()) == 23  # not globex's 99
    latency = {m["mailbox_id"]: m for m in figures["latency"]}
    assert latency["booking"]["events"] == 3
    assert latency["booking"]["p50_ms"] is not None
    # rank 10 of 20 closes the (25, 50] bucket; rank 19 lies 9/10 into (100, 250]
    assert latency["stopsale"] == {
        "mailbox_id": "stopsale",
        "events": 20,
        "p50_ms": 50.0,
        "p95_ms": 235.0,
    }
    page = http.get("/?tenant=acme&section=analytics", headers=iap.headers(ACME)).text
    per_day = page[page.index('data-chart="per-day"') :]
    per_day = per_day[: per_day.index("</svg>")]
    assert per_day.count("<rect") >= 3  # today's and three days ago's bars
    assert f"{(now - 3 * DAY).strftime('%Y-%m-%d')} amendment: 10</title>" in per_day
    latency_svg = page[page.index('data-chart="latency"') :]
    latency_svg = latency_svg[: latency_svg.index("</svg>")]
    assert "p50 50 ms · p95 235 ms · 20 events" in latency_svg
    assert re.search(r"p50 \d+ ms · p95 \d+ ms · 3 events", latency_svg)
    refused = http.get("/?tenant=acme&format=json&view=analytics", headers=iap.headers(GLOBEX))
    assert refused.status_code == 403


# -- the OpenAPI document ---------------------------------------------------------------


def _schema(spec: dict[str, Any], schema: dict[str, Any]) -> OAS31Validator:
    """A validator for one schema of the document, its ``#/components`` refs resolvable."""
    whole = {**schema, "components": spec["components"]}
    return OAS31Validator(whole, format_checker=OAS31Validator.FORMAT_CHECKER)


def _component(spec: dict[str, Any], name: str) -> OAS31Validator:
    return _schema(spec, {"$ref": f"#/components/schemas/{name}"})


def _response(spec: dict[str, Any], method: str, status: str) -> OAS31Validator:
    content = spec["paths"]["/"][method]["responses"][status]["content"]
    return _schema(spec, content["application/json"]["schema"])


def test_the_openapi_document_is_valid_and_the_live_answers_match_it(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    served = http.get("/openapi.json")
    assert served.status_code == 200
    spec = served.get_json()
    validate_spec(spec)  # OpenAPI 3.1, by openapi-spec-validator
    assert spec["openapi"] == "3.1.0"
    assert spec == openapi_document()
    # something in every view: a mailbox with OAuth and health, an event, analytics
    eid = ingest(app, XSS, 1)
    grant = OAuthGrant(provider=OAuthProvider.GOOGLE, connected_address="booking@acme.example")
    app.state.put_mailbox(mailbox().model_copy(update={"oauth": grant}))
    reporter = HealthReporter(app.state, app.clock)
    reporter.report(mailbox(), HealthUpdate(labels={"booking": 2}, latency={"le50": 2}))
    reporter.flush()
    acme = iap.headers(ACME)
    views = {"mailboxes": "MailboxList", "events": "EventList", "analytics": "Analytics"}
    for view, component in views.items():
        answer = http.get(f"/?tenant=acme&format=json&view={view}", headers=acme)
        assert answer.status_code == 200, view
        body = answer.get_json()
        assert body, view  # not an empty answer that any array schema would accept
        _component(spec, component).validate(body)
        _response(spec, "get", "200").validate(body)
    mailboxes = http.get("/?tenant=acme&format=json", headers=acme).get_json()
    assert "secret_ref" not in mailboxes[0]["mailbox"]
    with pytest.raises(JsonSchemaError):  # the document forbids a secret's name
        _component(spec, "Mailbox").validate({**mailboxes[0]["mailbox"], "secret_ref": "x"})
    # the POST answers as JSON
    token = _csrf(http.get("/?tenant=acme", headers=acme).text)
    form = {"tenant": "acme", "csrf": token}
    posts = {
        "Notice": {**form, "correct": "on", "event_id": eid, "label": "stopsale"},
        "Tried": {**form, "try": "on", "email": "From: a@b.example\nSubject: STOP SALE\n\nstop"},
        "Error": {**form, "correct": "on", "event_id": eid, "label": "nonsense"},
    }
    for component, data in posts.items():
        answer = http.post("/?tenant=acme&format=json", headers=acme, data=data)
        assert answer.status_code == (400 if component == "Error" else 200), answer.text
        _component(spec, component).validate(answer.get_json())
        status = "400" if component == "Error" else "200"
        _response(spec, "post", status).validate(answer.get_json())
    # the answers: a refused rule's fields, a gone mailbox, events paging, a
    # mailbox not started yet, a page refused next to its fields or on its card
    rule = {**form, "rule_action": "save", "rule_id": "r1", "subject_regex": "(a)\\1"}
    refused = http.post("/?tenant=acme&format=json", headers=acme, data=rule)
    assert refused.status_code == 400
    assert "subject_regex" in refused.get_json()["fields"]
    _response(spec, "post", "400").validate(refused.get_json())
    gone = {**form, "mailbox": "gone", "action": "disable"}
    missing = http.post("/?tenant=acme&format=json", headers=acme, data=gone)
    assert missing.status_code == 404
    _response(spec, "post", "404").validate(missing.get_json())
    for data, code in ((rule, 422), (gone, 404), ({**gone, "mailbox": "booking"}, 303)):
        answer = http.post("/?tenant=acme", headers=acme, data=data)
        assert answer.status_code == code
        assert str(code) in spec["paths"]["/"]["post"]["responses"]
    _summaries(app, "acme", 51)
    events = http.get("/?tenant=acme&format=json&view=events", headers=acme)
    assert "Link" in spec["paths"]["/"]["get"]["responses"]["200"]["headers"]
    assert 'rel="next"' in events.headers["Link"]
    _component(spec, "EventList").validate(events.get_json())
    before = parse_qs(events.headers["Link"][2:].partition(">")[0])["before"][0]
    cursor = spec["paths"]["/"]["get"]["parameters"]
    (described,) = [p["schema"] for p in cursor if p["name"] == "before"]
    assert re.fullmatch(described["pattern"], before)
    app.admin.add_mailbox(
        mailbox().model_copy(update={"id": MailboxId("fresh")}), password="P-1", actor="t"
    )
    listed = http.get("/?tenant=acme&format=json", headers=acme).get_json()
    assert "not_started" in [m["status"] for m in listed]
    _component(spec, "MailboxList").validate(listed)
    # every form the page renders names a field set the document describes
    forms = {"CorrectionForm", "MailboxActionForm", "RuleForm", "TryForm", "MailboxForm"}
    schemas = spec["components"]["schemas"]
    assert forms <= set(schemas)
    for name in forms:
        assert {"tenant", "csrf"} <= set(schemas[name]["required"])


# -- a new mailbox, and older recent events ----------------------------------------------


def test_a_new_mailbox_is_not_started_until_its_first_report(client: Any, iap: IapStandIn) -> None:
    http, app = client
    app.admin.add_mailbox(mailbox(), password="Any-Pass-1", actor="t")
    card = http.get("/?tenant=acme&open=booking", headers=iap.headers(ACME)).text
    assert 'class="dot not_started" data-dot="booking"' in card
    assert "Not started yet — Checking starts within a minute of saving" in card
    assert "stale" not in card
    listed = http.get("/?tenant=acme&format=json", headers=iap.headers(ACME)).get_json()
    assert (listed[0]["status"], listed[0]["health"]["stale"]) == ("not_started", False)
    assert listed[0]["summary"].startswith("Not started yet")
    # a watcher takes it and reports: the normal states from then on
    assert app.state.try_acquire_lease(mailbox().key, "w1", timedelta(seconds=20)) is not None
    reporter = HealthReporter(app.state, app.clock)
    reporter.report(mailbox(), HealthUpdate(state=MailboxState.IDLE, last_sync_at=app.clock.now()))
    reporter.flush()
    listed = http.get("/?tenant=acme&format=json", headers=iap.headers(ACME)).get_json()
    assert listed[0]["status"] == "connected"
    assert listed[0]["summary"].startswith("Connected — New mail is picked up within seconds.")
    assert listed[0]["state"]["word"] == "Connected"


def test_a_mailbox_whose_watcher_died_reads_no_watcher_not_its_last_idle(
    client: Any, iap: IapStandIn
) -> None:
    """A watcher killed with ``kill -9`` writes nothing more: its last word stays "idle". The
    card reads the mailbox's lease and says nobody watches it once the lease lapsed."""
    http, app = client
    app.admin.add_mailbox(mailbox(), password="Any-Pass-1", actor="t")
    assert app.state.heartbeat("w1#a", "w1", timedelta(seconds=20)) is False
    assert app.state.take_member_lease(mailbox().key, "w1#a")
    reporter = HealthReporter(app.state, app.clock)
    reporter.report(mailbox(), HealthUpdate(state=MailboxState.IDLE, last_sync_at=app.clock.now()))
    reporter.flush()
    (watched,) = http.get("/?tenant=acme&format=json", headers=iap.headers(ACME)).get_json()
    assert (watched["status"], watched["health"]["stale"]) == ("connected", False)
    app.state.leave("w1#a")  # gone: as after a lapse, nobody holds its member lease
    (dead,) = http.get("/?tenant=acme&format=json", headers=iap.headers(ACME)).get_json()
    assert (dead["status"], dead["health"]["stale"]) == ("warning", True)
    assert dead["summary"].startswith("Not being checked — Nothing is checking this mailbox")
    card = http.get("/?tenant=acme&open=booking", headers=iap.headers(ACME)).text
    assert 'class="dot warning" data-dot="booking"' in card
    assert "Not being checked" in card


def test_a_mailbox_never_started_for_too_long_is_a_warning() -> None:
    from mailingest_dev.clock import FakeClock
    from shared.adapters.memory_sinks import InMemorySecretStore
    from shared.adapters.memory_state import InMemoryStateStore
    from shared.service.admin import Admin
    from shared.web.settings_page import SettingsPage

    clock = FakeClock()
    state = InMemoryStateStore(clock)
    admin = Admin(state, InMemorySecretStore(), clock, allow_private_hosts=True)
    admin.add_tenant("acme", "Acme", actor="t", admins=(ACME,))
    admin.add_mailbox(mailbox(), password="Any-Pass-1", actor="t")
    page = SettingsPage(
        state, admin, clock, oauth_start_url="/o", csrf_key="k" * 44, idle_refresh_s=300
    )
    clock.advance(timedelta(minutes=14))  # within 3 × the 5-min IDLE refresh
    assert [(m["status"], m["health"]["stale"]) for m in page.api(ACME, "acme")] == [
        ("not_started", False)
    ]
    clock.advance(timedelta(minutes=2))
    (late,) = page.api(ACME, "acme")
    assert (late["status"], late["health"]["stale"]) == ("warning", True)
    assert late["summary"].startswith("Not started yet — Still waiting for the first check")
    admin.set_enabled(TenantId("acme"), MailboxId("booking"), False, actor="t")
    assert page.api(ACME, "acme")[0]["status"] == "disabled"


def _summaries(app: App, tenant: str, count: int) -> list[EventSummary]:
    """``count`` events, a minute apart, the last three received in the same microsecond."""
    start = app.clock.now() - timedelta(days=1)
    rows = []
    for n in range(count):
        at = start + timedelta(minutes=min(n, count - 3))
        rows.append(
            EventSummary(
                event_id=f"{tenant}.booking.{n:040x}",
                tenant_id=tenant,
                mailbox_id="booking",
                at=at,
                label="booking",
                score=0.9,
                subject=f"Booking {n} <b>bold</b>",
                sender="Hotel <res@hotel.example>",
            )
        )
    for row in rows:
        app.state.put_event_summary(row)
    return sorted(rows, key=lambda r: (r.at, r.event_id), reverse=True)


def test_recent_events_page_50_at_a_time_with_an_older_link_and_in_the_api(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    newest_first = [r.event_id for r in _summaries(app, "acme", 57)]
    _summaries(app, "globex", 3)
    acme = iap.headers(ACME)
    first = http.get("/?tenant=acme&section=events", headers=acme).text
    shown = re.findall(r'<tr data-event="([^"]+)">', first)
    assert shown == newest_first[:50]
    assert "The newest 50 emails" in first
    older = re.search(r'<a class="button" rel="next" href="\?([^"]+)#events">Older</a>', first)
    assert older
    query = parse_qs(older.group(1).replace("&amp;", "&"))
    assert query["tenant"] == ["acme"]
    second = http.get("/?" + older.group(1).replace("&amp;", "&"), headers=acme).text
    assert re.findall(r'<tr data-event="([^"]+)">', second) == newest_first[50:]
    assert "Older 7 emails" in second
    assert 'rel="next"' not in second  # the oldest page
    assert (
        '<a class="button" rel="first" href="?tenant=acme&amp;section=events#events">Newest</a>'
        in second
    )
    assert "&lt;b&gt;bold&lt;/b&gt;" in second
    # the JSON API: the same pages, the next one as a Link
    api = http.get("/?tenant=acme&format=json&view=events", headers=acme)
    assert [r["event_id"] for r in api.get_json()] == newest_first[:50]
    link = re.fullmatch(r'<\?([^>]+)>; rel="next"', api.headers["Link"])
    assert link
    assert parse_qs(link.group(1))["before"] == query["before"]
    rest = http.get("/?" + link.group(1), headers=acme)
    assert [r["event_id"] for r in rest.get_json()] == newest_first[50:]
    assert "Link" not in rest.headers
    # a cursor is the tenant's own: globex's admin cannot use it on acme, nor globex's page
    cursor = query["before"][0]
    refused = http.get(f"/?tenant=acme&before={cursor}", headers=iap.headers(GLOBEX))
    assert refused.status_code == 403
    foreign = http.get(
        f"/?tenant=globex&format=json&view=events&before={cursor}", headers=iap.headers(GLOBEX)
    )
    assert foreign.status_code == 400
    assert "not a cursor of this tenant" in foreign.text
    assert http.get("/?tenant=acme&before=12.x", headers=acme).status_code == 400


def test_the_console_has_one_stylesheet_of_its_own_and_sections_to_move_between(
    client: Any, iap: IapStandIn
) -> None:
    http, _ = client
    sheet = http.get("/?asset=console.css", headers=iap.headers(ACME))
    assert sheet.status_code == 200
    assert sheet.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "@media (max-width: 640px)" in sheet.text  # the phone's layout
    assert "http" not in sheet.text  # nothing fetched from elsewhere
    for section in ("mailboxes", "rules", "events", "analytics", "audit"):
        page = http.get(f"/?tenant=acme&section={section}", headers=iap.headers(ACME)).text
        assert page.count('rel="stylesheet"') == 1
        assert '<link rel="stylesheet" href="?asset=console.css">' in page
        assert f'section={section}" aria-current="page"' in page
        assert "Acme Travel" in page
        assert ACME in page
    assert http.get("/?tenant=acme&section=audit", headers=iap.headers(GLOBEX)).status_code == 403
