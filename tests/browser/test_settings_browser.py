"""The settings page as an agency's admin uses it: in headless Chromium, through its forms and
buttons, against the settings function on functions-framework, the Firestore emulator, the
IAP stand-in and the real Dovecot."""

from __future__ import annotations

import ssl
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from imapclient import IMAPClient
from playwright.sync_api import Page, Route, expect

from shared.bootstrap import build_watcher
from shared.domain.models import Health, HealthUpdate, Mailbox, MailboxState, Provider, TlsMode
from shared.domain.recent_events import EventSummary
from shared.errors import NotFound
from shared.ids import MailboxId, TenantId
from shared.secret_names import owned_password, password_secret_name
from shared.service.health import HealthReporter
from shared.service.watcher import WatcherOptions
from shared.web.audit_words import action_name
from shared.web.label_names import name as label_name
from tests.browser.conftest import Console
from tests.integration.settings_fixtures import ACME, GLOBEX

pytestmark = pytest.mark.integration
XSS = (
    "<script>window.__xss = 'script'; alert('script')</script>"
    "<img src=x onerror=\"window.__xss = 'img'; alert('img')\">"
)


def _add_imap(page: Page) -> None:
    """The add flow up to the fields of an IMAP mailbox (Add a mailbox → other IMAP)."""
    page.locator("#overview").get_by_role("link", name="Add a mailbox").click()
    page.get_by_role("link", name="Other mail server (IMAP)").click()
    expect(page.locator("#mailbox-form")).to_be_visible()


def _fill_mailbox_form(page: Page, **fields: str) -> None:
    if page.locator("#mailbox-form").count() == 0:
        _add_imap(page)
    form = page.locator("form", has=page.get_by_role("button", name="Save", exact=True))
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.get_by_role("button", name="Save", exact=True).click()


def _seed_mailbox(console: Console, mailbox_id: str = "booking") -> None:
    mailbox = Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId(mailbox_id),
        provider=Provider.IMAP,
        address=f"{mailbox_id}@acme.example",
        host="127.0.0.1",
        port=993,
        tls=TlsMode.TLS,
        username=f"{mailbox_id}@acme.example",
    )
    console.app.admin.add_mailbox(mailbox, password="Seeded-Pass-1", actor="t")


def _health(console: Console, mailbox_id: str = "booking", **update: Any) -> None:
    """A report from a watcher that holds the mailbox (the card says "no watcher" otherwise)."""
    now = datetime.now(UTC)
    lease = console.app.state.try_acquire_lease(f"acme/{mailbox_id}", "w1", timedelta(minutes=10))
    assert lease is not None
    console.app.state.update_health(
        TenantId("acme"), MailboxId(mailbox_id), HealthUpdate(**update), now
    )


def _wait_for_health(console: Console, ok: Callable[[Health], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not ok(
        console.app.state.get_health(TenantId("acme"), MailboxId("booking"), datetime.now(UTC))
    ):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _no_script_ran(console: Console, page: Page) -> None:
    assert console.dialogs == []
    assert page.evaluate("() => window.__xss === undefined")
    assert page.evaluate("() => [...document.scripts].every(s => !s.text.includes('__xss'))")
    assert page.locator("img[onerror]").count() == 0


def test_an_admin_adds_a_dovecot_mailbox_and_sees_it_listed_with_its_health(
    console: Console, dovecot: Any
) -> None:
    user, password = f"u{uuid.uuid4().hex[:10]}@test.example", uuid.uuid4().hex
    dovecot.add_user(user, password)
    page = console.open_as(ACME)
    expect(page.locator("h1")).to_have_text("Mailboxes")
    expect(page.locator("header")).to_contain_text("Acme Travel")
    expect(page.locator("header")).to_contain_text(ACME)
    expect(page.get_by_text("No mailboxes yet.")).to_be_visible()
    _fill_mailbox_form(
        page,
        mailbox="booking",
        address="booking@acme.example",
        provider="imap",
        host=dovecot.host,
        port=str(dovecot.imaps_port),
        tls="tls",
        auth_method="password",
        username=user,
        password=password,
        folder="INBOX",
        poll_interval_s="120",
    )
    expect(page.locator(".notice")).to_have_text("mailbox booking saved")
    card = page.locator("#mailbox-booking")
    expect(card.locator("h2")).to_have_text("Booking mailbox – booking@acme.example")
    expect(card).to_contain_text(f"127.0.0.1:{dovecot.imaps_port} (SSL/TLS)")
    # the watcher has not reported on it yet: not started, not a stale warning
    expect(card.locator(".dot.not_started")).to_be_visible()
    expect(card.locator("[data-health=booking]")).to_have_text(
        "Not started yet — Checking starts within a minute of saving; nothing to do."
        " | Last sync: never | 0 emails today"
    )
    expect(page.locator("[data-row=booking]")).to_contain_text("Not started yet")
    expect(card.locator("input[type=number]")).to_have_value("120")
    assert password not in page.content()  # write-only
    console.screenshot(page, "added")

    # what the form stored logs in to the real Dovecot
    stored = console.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert stored.secret_ref is not None
    tls = ssl.create_default_context(cafile=str(dovecot.ca_cert))
    with IMAPClient(dovecot.host, port=stored.effective_port(), ssl_context=tls) as imap:
        imap.login(
            stored.username,
            console.app.secrets.get_secret(
                owned_password(stored.tenant_id, stored.id, stored.secret_ref)
            ),
        )
        assert imap.select_folder(stored.folder)[b"UIDNEXT"] == 1

    # the real watcher picks the mailbox up; the page shows its health, then the new mail
    options = WatcherOptions(
        idle_check_s=0.3, reload_s=0.3, lease_ttl_s=5, ca_file=Path(dovecot.ca_cert)
    )
    watcher = build_watcher(console.app, options)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        _wait_for_health(console, lambda h: h.state is MailboxState.IDLE, "the watcher idling")
        console.show(page, query="&open=booking")
        expect(card.locator(".dot.connected")).to_be_visible()
        expect(card).to_contain_text("Connected — New mail is picked up within seconds.")
        expect(card).to_contain_text("0 emails today")
        with IMAPClient(dovecot.host, port=dovecot.imaps_port, ssl_context=tls) as imap:
            imap.login(user, password)
            imap.append("INBOX", b"From: res@hotel.example\r\nSubject: Booking 1\r\n\r\nHi\r\n")
        _wait_for_health(console, lambda h: h.processed_24h == 1, "the mail processed")
        console.show(page, query="&open=booking")
        expect(card).to_contain_text("1 email today")
        expect(card).to_contain_text("Connected")
        row = page.locator("[data-row=booking]")
        expect(row.locator("td").nth(6)).to_have_text("1")  # emails in 24 h
        expect(row.locator("td").nth(5)).to_contain_text("ago")  # the last email
        console.section(page, "Audit")
        expect(page.locator('tr:has([data-action="mailbox.put"])')).to_have_count(1)
        expect(page.locator('[data-action="mailbox.put"]')).to_have_text("Mailbox saved")
    finally:
        watcher.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    console.screenshot(page, "healthy")


def test_script_in_server_errors_and_admin_text_is_shown_escaped_and_never_runs(
    console: Console,
) -> None:
    page = console.open_as(ACME)
    # an admin types markup into a free-text field; a mail server sends it back as an error
    _fill_mailbox_form(
        page,
        mailbox="booking",
        purpose=XSS,
        address="booking@acme.example",
        host="127.0.0.1",
        port="993",
        password="Any-Pass-1",
    )
    _health(console, state=MailboxState.CONNECT_ERROR, last_error=f"NO [ALERT] {XSS}")
    console.show(page, query="&open=booking")
    _no_script_ran(console, page)
    card = page.locator("#mailbox-booking")
    expect(card.locator("h2")).to_contain_text("<script>window.__xss")
    expect(card).to_contain_text(f"NO [ALERT] {XSS}")
    expect(card.locator(".dot.error")).to_be_visible()
    expect(page.locator("[data-row=booking]")).to_contain_text("Server unreachable")
    # the same through a rule's name and a tried email's subject
    console.section(page, "Rules")
    rules = page.locator("#rules")
    rules.locator("[name=rule_id]").fill("xss")
    rules.locator("[name=rule_name]").fill(XSS)
    rules.locator("[name=subject_keywords]").fill("availability")
    rules.get_by_role("button", name="Save rule").click()
    expect(page.locator("#rules table")).to_contain_text(XSS)
    page.locator("#rules textarea[name=email]").fill(
        f"From: a@bedbank.example\nSubject: availability {XSS}\n\n{XSS}\n"
    )
    page.locator("#rules").get_by_role("button", name="Classify").click()
    expect(page.locator("#rules .notice")).to_contain_text("Rules that fired: tenant:xss")
    page.wait_for_load_state("load")
    _no_script_ran(console, page)
    console.screenshot(page, "escaped")


def test_a_rule_saved_on_the_page_decides_the_label_of_a_tried_email(console: Console) -> None:
    page = console.open_as(ACME)
    console.section(page, "Rules")
    expect(page.locator("#rules")).to_contain_text("No rules yet.")
    rules = page.locator("#rules")
    rules.locator("[name=rule_id]").fill("bedbank-stops")
    rules.locator("[name=rule_name]").fill("Bed bank stop lists")
    rules.locator("[name=priority]").fill("10")
    rules.locator("[name=sender_domains]").fill("bedbank.example")
    rules.locator("[name=subject_keywords]").fill("availability update")
    rules.locator("[name=label]").select_option("stopsale")
    rules.get_by_role("button", name="Save rule").click()
    expect(page.locator(".notice").first).to_have_text("rule bedbank-stops saved")
    row = page.locator("#rules tr", has_text="bedbank-stops")
    expect(row).to_contain_text("Bed bank stop lists")
    expect(row).to_contain_text("stop sale")  # the label by its name
    page.locator("#rules textarea[name=email]").fill(
        "From: Ops <ops@bedbank.example>\nSubject: Availability update for March\n\n"
        "Please see the attached list.\n"
    )
    page.locator("#rules").get_by_role("button", name="Classify").click()
    result = page.locator("#rules .notice")
    expect(result).to_contain_text("Label: stop sale")
    expect(result).to_contain_text("Rules that fired: tenant:bedbank-stops")
    rules_stored = console.app.state.list_rule_docs(TenantId("acme"))
    assert [r["id"] for r in rules_stored] == ["bedbank-stops"]
    console.screenshot(page, "rule-tried")


def test_disable_enable_and_remove_with_the_buttons_leave_an_audit_trail(
    console: Console,
) -> None:
    _seed_mailbox(console)
    page = console.open_as(ACME)
    console.open_card(page, "booking")
    card = page.locator("#mailbox-booking")
    card.get_by_role("button", name="Disable").click()
    expect(page.locator(".notice")).to_have_text("mailbox booking disabled")
    expect(card.locator(".dot.disabled")).to_be_visible()
    expect(page.locator("[data-row=booking]")).to_contain_text("Turned off")
    assert not console.app.state.get_mailbox(TenantId("acme"), MailboxId("booking")).enabled
    console.screenshot(page, "disabled")
    card.get_by_role("button", name="Enable").click()
    expect(page.locator(".notice")).to_have_text("mailbox booking enabled")
    assert console.app.state.get_mailbox(TenantId("acme"), MailboxId("booking")).enabled
    # Remove without the confirmation tick is refused and removes nothing
    refused = page.locator("#mailbox-booking").get_by_role("button", name="Remove")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        refused.click()
    assert answer.value.status == 422
    # said on the mailbox's card, the one alert on the page
    expect(page.get_by_role("alert")).to_have_text("Not done: tick the box to confirm the removal")
    expect(card.get_by_role("alert")).to_be_visible()
    assert console.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    console.screenshot(page, "remove-refused")
    # the refusal is the page again: tick the box there and remove
    card.get_by_label("I want to remove it").check()
    card.get_by_role("button", name="Remove").click()
    expect(page.locator(".notice")).to_have_text("mailbox booking removed")
    expect(page.get_by_text("No mailboxes yet.")).to_be_visible()
    with pytest.raises(NotFound):
        console.app.secrets.get_secret(password_secret_name("acme", "booking"))
    console.section(page, "Audit")
    audit = page.locator("table", has_text="When").last
    for action in ("mailbox.remove", "mailbox.enable", "mailbox.disable", "mailbox.put"):
        expect(audit.locator(f'[data-action="{action}"]')).to_have_text(action_name(action))
    expect(audit).to_contain_text(ACME)
    console.screenshot(page, "removed")


def test_a_refused_form_shows_the_page_again_with_the_reason_and_saves_nothing(
    console: Console,
) -> None:
    page = console.open_as(ACME)
    _add_imap(page)
    form = page.locator("form", has=page.get_by_role("button", name="Save", exact=True))
    form.locator("[name=after_processing]").select_option("move")  # and no folder to move to
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        _fill_mailbox_form(
            page, mailbox="booking", address="booking@acme.example", host="127.0.0.1"
        )
    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Not saved:")
    # next to its field, in plain words (never the code's "after_processing=move needs move_to")
    expect(page.locator("#error-move_to")).to_have_text(
        "Enter the folder to move processed emails to, or choose another option under "
        "“After processing”."
    )
    # what was typed is still there (the password never is)
    expect(form.locator("[name=address]")).to_have_value("booking@acme.example")
    expect(form.locator("[name=after_processing]")).to_have_value("move")
    expect(page.locator("h1")).to_have_text("Mailboxes")
    expect(page.get_by_text("No mailboxes yet.")).to_be_visible()
    assert console.app.state.list_mailboxes(TenantId("acme")) == []
    console.screenshot(page, "refused")


def test_another_tenants_admin_is_refused_the_page_and_its_buttons(console: Console) -> None:
    _seed_mailbox(console)
    stranger = console.open_as(GLOBEX, tenant="acme")
    with stranger.expect_navigation() as nav:
        stranger.reload()
    assert nav.value is not None
    assert nav.value.status == 403
    assert "booking@acme.example" not in stranger.content()
    console.screenshot(stranger, "refused")
    own = console.open_as(GLOBEX, tenant="globex")
    expect(own.get_by_text("No mailboxes yet.")).to_be_visible()
    # acme's page, then the identity changes (another admin at the same browser): refused
    page = console.open_as(ACME, query="&open=booking")
    page.set_extra_http_headers(console.iap.headers(GLOBEX))
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("#mailbox-booking").get_by_role("button", name="Disable").click()
    assert answer.value.status == 403
    assert console.app.state.get_mailbox(TenantId("acme"), MailboxId("booking")).enabled


def test_the_connect_buttons_start_oauth_for_the_gmail_api_and_microsoft_graph(
    console: Console,
) -> None:
    _seed_mailbox(console)
    page = console.open_as(ACME)
    console.open_card(page, "booking")
    started: list[str] = []

    def oauth_start(route: Route) -> None:
        started.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="consent screen")

    page.route("**/oauth_start?*", oauth_start)
    for button, mode, provider in (
        ("Connect with Google (Gmail API)", "gmail", "google"),
        ("Connect with Microsoft (Microsoft 365)", "graph", "microsoft"),
    ):
        page.locator("#mailbox-booking").get_by_role("link", name=button).click()
        expect(page.locator("body")).to_have_text("consent screen")
        query = parse_qs(urlsplit(started[-1]).query)
        assert urlsplit(started[-1]).path == "/oauth_start"
        assert query == {
            "tenant": ["acme"],
            "mailbox": ["booking"],
            "mode": [mode],
            "provider": [provider],
        }
        page.go_back()
    assert len(started) == 2


def test_the_health_lines_refresh_by_themselves(console: Console) -> None:
    _seed_mailbox(console)
    page = console.open_as(ACME, query="&open=booking")
    card = page.locator("#mailbox-booking")
    expect(card).to_contain_text("0 emails today")
    _health(console, processed=3, state=MailboxState.IDLE, last_sync_at=datetime.now(UTC))
    # no reload: the page asks ?format=json by itself and updates the line and the dot
    expect(card.locator("[data-health=booking]")).to_contain_text("3 emails today", timeout=15_000)
    expect(card.locator(".dot.connected")).to_be_visible(timeout=15_000)
    expect(page.locator("[data-word=booking]")).to_have_text("Connected")  # the overview too
    # the grey line under it follows, and a new error shows without a reload
    expect(card.locator("[data-detail=booking]")).to_contain_text("errors 24 h: 0")
    expect(card.locator("[data-last-error=booking]")).to_be_hidden()
    _health(
        console,
        state=MailboxState.BACKOFF,
        errors=1,
        last_error="mail server unreachable <b>x</b>",
        last_error_at=datetime.now(UTC),
    )
    detail = card.locator("[data-detail=booking]")
    expect(detail).to_contain_text("errors 24 h: 1", timeout=15_000)
    expect(card.locator("[data-health=booking]")).to_contain_text("Server unreachable — ")
    expect(page.locator("[data-word=booking]")).to_have_text("Server unreachable")
    error = card.locator("[data-last-error=booking]")
    expect(error).to_be_visible(timeout=15_000)
    expect(error).to_contain_text("mail server unreachable <b>x</b>")  # text, never markup
    assert card.locator("[data-last-error=booking] b").count() == 0
    _no_script_ran(console, page)
    console.screenshot(page, "refreshed")
    # the store stops answering: the server's documented 503 (proven against a silent
    # Firestore in tests/integration/test_store_down.py) keeps the lines, marked as last known
    unreachable = {"error": "store unreachable", "message": "Firestore did not answer."}
    page.route("**/*format=json*", lambda route: route.fulfill(status=503, json=unreachable))
    banner = page.locator("[data-store-unreachable]")
    expect(banner).to_be_visible(timeout=15_000)
    expect(banner).to_contain_text("Store unreachable: the health below is what was known at")
    expect(detail).to_contain_text("errors 24 h: 1")  # what was last known stays
    page.unroute("**/*format=json*")
    expect(banner).to_be_hidden(timeout=15_000)


def _email(subject: str, n: int) -> bytes:
    return (
        f"From: Aqua Reservations <res@aqua.example>\r\nTo: booking@acme.example\r\n"
        f"Subject: {subject}\r\nMessage-ID: <b{n}@aqua.example>\r\n\r\n"
        f"Dear partner, please find the room list for file AQ-{n}.\r\n"
    ).encode()


def test_recent_events_show_a_subject_as_text_a_label_is_corrected_and_the_charts_drawn(
    console: Console,
) -> None:
    _seed_mailbox(console)
    mailbox = console.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    reporter = HealthReporter(console.app.state, console.app.clock)
    results = [
        console.app.pipeline.ingest(mailbox, f"1/{n}", _email(subject, n))
        for n, subject in enumerate((f"Room list {XSS}", "STOP SALE Aqua Hotel 01.08-20.08"))
    ]
    for result in results:
        reporter.report_result(mailbox, result, datetime.now(UTC))
    reporter.flush()
    page = console.open_as(ACME)
    console.section(page, "Events")
    events = page.locator("#events")
    row = events.locator(f'tr[data-event="{results[0].event_id}"]')
    expect(row.locator(".subject")).to_have_text(f"Room list {XSS}")  # the markup as text
    expect(row).to_contain_text("Aqua Reservations <res@aqua.example>")
    expect(events.locator("tr[data-event]")).to_have_count(2)
    _no_script_ran(console, page)
    console.screenshot(page, "events")

    # correct the first event's label on its row: Post/Redirect/Get with a flash message
    before = results[0].label
    corrected = "cancellation" if before != "cancellation" else "amendment"
    row.locator("select[name=label]").select_option(corrected)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        row.get_by_role("button", name="Correct").click()
    assert answer.value.status == 303
    notice = page.get_by_role("status")
    expect(notice).to_contain_text(
        f"Label corrected from {label_name(before)} to {label_name(corrected)}"
    )
    assert "flash=" in page.url
    expect(row.locator(".label")).to_contain_text(f"{corrected} (corrected)")
    page.reload()  # a GET now: the correction is not posted again
    expect(notice).to_contain_text(f"to {label_name(corrected)}")
    audit = console.app.state.list_audit(TenantId("acme"))
    assert [e.action for e in audit].count("template.correct") == 1
    examples = console.app.state.list_template_examples(TenantId("acme"))
    assert [e.label for e in examples] == [corrected]
    console.screenshot(page, "corrected")
    console.section(page, "Audit")
    audit_table = page.locator("table", has_text="When").last
    expect(audit_table.locator('[data-action="template.correct"]')).to_have_text("Label corrected")
    console.section(page, "Analytics")

    # the analytics, drawn server-side from the store's day counts
    per_day = page.locator('svg[data-chart="per-day"]')
    counts = Counter(r.label for r in results)
    expect(per_day.locator("rect")).to_have_count(len(counts))  # one bar today, per label
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    titles = per_day.locator("rect title").all_text_contents()
    assert sorted(titles) == sorted(
        f"{today} {label_name(label)}: {n}" for label, n in counts.items()
    )
    box = per_day.locator("rect").first.bounding_box()
    assert box is not None
    assert box["width"] > 0
    assert box["height"] > 0
    latency = page.locator('svg[data-chart="latency"]')
    expect(latency).to_contain_text("booking")
    expect(latency).to_contain_text("· 2 events")
    expect(latency.locator("rect")).to_have_count(2)  # p50 and p95
    _no_script_ran(console, page)
    page.locator("#analytics").scroll_into_view_if_needed()
    console.screenshot(page, "analytics")


def test_an_admin_edits_a_mailbox_from_its_card_and_cancels_an_edit(console: Console) -> None:
    _seed_mailbox(console)
    page = console.open_as(ACME)
    console.open_card(page, "booking")
    page.locator("#mailbox-booking").get_by_role("link", name="Edit").click()
    form = page.locator("#mailbox-form")
    expect(page.locator("#mailbox-editor h2")).to_have_text("Edit mailbox booking")
    # the form holds the mailbox's settings; the id is fixed, the password never shown
    expect(form.locator("[name=mailbox]")).to_have_value("booking")
    expect(form.locator("[name=mailbox]")).to_have_attribute("readonly", "")
    expect(form.locator("[name=address]")).to_have_value("booking@acme.example")
    expect(form.locator("[name=host]")).to_have_value("127.0.0.1")
    expect(form.locator("[name=port]")).to_have_value("993")
    expect(form.locator("[name=username]")).to_have_value("booking@acme.example")
    expect(form.locator("[name=password]")).to_have_value("")
    assert "Seeded-Pass-1" not in page.content()
    console.screenshot(page, "editing")
    form.locator("[name=folder]").fill("Stop Lists")
    form.locator("[name=poll_interval_s]").fill("240")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".notice")).to_have_text("mailbox booking saved")
    card = page.locator("#mailbox-booking")
    expect(card.get_by_label("Folder to monitor:")).to_have_value("Stop Lists")
    expect(card.locator("input[type=number]")).to_have_value("240")
    expect(page.locator("#mailbox-editor")).to_have_count(0)  # the card again, no form
    stored = console.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert (stored.folder, stored.poll_interval_s) == ("Stop Lists", 240)
    assert stored.secret_ref is not None
    assert (
        console.app.secrets.get_secret(
            owned_password(stored.tenant_id, stored.id, stored.secret_ref)
        )
        == "Seeded-Pass-1"
    )  # kept
    # an edit given up: Cancel returns to the list, nothing changed
    card.get_by_role("link", name="Edit").click()
    form.locator("[name=folder]").fill("Never saved")
    form.get_by_role("link", name="Cancel").click()
    expect(page.locator("#mailbox-editor")).to_have_count(0)
    expect(page.locator("#mailbox-booking")).to_be_visible()
    assert "edit=" not in page.url
    assert console.app.state.get_mailbox(TenantId("acme"), MailboxId("booking")).folder == (
        "Stop Lists"
    )
    console.screenshot(page, "edited")


def test_a_refused_rule_says_why_next_to_the_field_and_keeps_what_was_typed(
    console: Console,
) -> None:
    page = console.open_as(ACME, query="&section=rules")
    rules = page.locator("#rules")
    rules.locator("[name=rule_id]").fill("bedbank-stops")
    rules.locator("[name=rule_name]").fill(XSS)
    rules.locator("[name=subject_keywords]").fill("availability update")
    rules.locator("[name=subject_regex]").fill("(stop)\\1")  # a backreference: not RE2
    rules.locator("[name=label]").select_option("stopsale")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        rules.get_by_role("button", name="Save rule").click()
    assert answer.value.status == 422
    expect(page.locator("#error-rule-subject_regex")).to_contain_text("backreference")
    expect(rules.locator("[name=subject_regex]")).to_have_attribute("aria-invalid", "true")
    # what was typed is still there, markup as text
    expect(rules.locator("[name=rule_name]")).to_have_value(XSS)
    expect(rules.locator("[name=subject_keywords]")).to_have_value("availability update")
    expect(rules.locator("[name=label]")).to_have_value("stopsale")
    _no_script_ran(console, page)
    assert console.app.state.list_rule_docs(TenantId("acme")) == []
    console.screenshot(page, "rule-refused")
    # corrected where it was wrong, the same form saves
    rules.locator("[name=subject_regex]").fill("(?i)availability")
    rules.get_by_role("button", name="Save rule").click()
    expect(page.locator(".notice").first).to_have_text("rule bedbank-stops saved")
    assert [r["id"] for r in console.app.state.list_rule_docs(TenantId("acme"))] == [
        "bedbank-stops"
    ]


def test_a_button_of_a_mailbox_removed_meanwhile_says_so(console: Console) -> None:
    _seed_mailbox(console)
    _seed_mailbox(console, "stopsale")
    page = console.open_as(ACME, query="&open=stopsale")
    # removed by someone else while this page was open
    console.app.admin.remove_mailbox(TenantId("acme"), MailboxId("stopsale"), actor="t")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("#mailbox-stopsale").get_by_role("button", name="Disable").click()
    assert answer.value.status == 404
    expect(page.get_by_role("alert")).to_have_text(
        "Not done: mailbox stopsale no longer exists (removed meanwhile?)"
    )
    expect(page.locator("#mailbox-stopsale")).to_have_count(0)
    expect(page.locator("[data-row=booking]")).to_be_visible()
    expect(page.locator("[data-row=stopsale]")).to_have_count(0)
    assert console.app.state.get_mailbox(TenantId("acme"), MailboxId("booking")).enabled
    console.screenshot(page, "gone")


def test_older_recent_events_are_one_click_away(console: Console) -> None:
    start = datetime.now(UTC)
    for n in range(55):
        console.app.state.put_event_summary(
            EventSummary(
                event_id=f"acme.booking.{n:040x}",
                tenant_id="acme",
                mailbox_id="booking",
                at=start - timedelta(minutes=n),
                label="booking",
                subject=f"Booking number {n}",
                sender="Hotel <res@hotel.example>",
            )
        )
    page = console.open_as(ACME, query="&section=events")
    rows = page.locator("#events tr[data-event]")
    expect(rows).to_have_count(50)
    expect(rows.first.locator(".subject")).to_have_text("Booking number 0")
    page.locator("#events").get_by_role("link", name="Older").click()
    expect(rows).to_have_count(5)
    expect(rows.first.locator(".subject")).to_have_text("Booking number 50")
    expect(page.locator("#events").get_by_role("link", name="Older")).to_have_count(0)
    console.screenshot(page, "older-events")
    page.locator("#events").get_by_role("link", name="Newest").click()
    expect(rows).to_have_count(50)
