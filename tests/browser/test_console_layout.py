"""The console as an agency's operations staff use it, in headless Chromium: adding a mailbox
step by step for each provider (the recommended way first, the provider's server filled in,
each wrong field said next to it in plain words, what was typed kept, Test connection
against the real Dovecot, Save), finding one mailbox among 200 (search, filters, pages; its
card opens from its row), and the whole console at a phone's width — the adding and the
screens in English and in Turkish (the words expected are the console's catalogue's, a few
written out in Turkish). Screenshots of every screen in both languages land in
build/screenshots/."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from shared.domain.models import (
    AuthMethod,
    HealthUpdate,
    Mailbox,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
    Provider,
    TlsMode,
)
from shared.ids import MailboxId, TenantId
from tests.browser.conftest import Console, said
from tests.integration.settings_fixtures import ACME

pytestmark = pytest.mark.integration
ACME_ID = TenantId("acme")
SECTIONS = ("Mailboxes", "Rules", "Events", "Analytics", "Audit")
LANGS = ("en", "tr")
# a few of the words written out, so that a wrong catalogue cannot pass unseen
TURKISH = {"Mailboxes": "Posta kutuları", "Not started yet": "Henüz başlamadı"}


def _start_adding(page: Page, provider: str, lang: str = "en") -> None:
    t = said(lang)
    expect(page.get_by_text(t("No mailboxes yet."))).to_be_visible()
    page.locator("#overview").get_by_role("link", name=t("Add a mailbox")).click()
    page.get_by_role("link", name=t(provider)).click()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("provider", "kind", "who", "mode"),
    [("Gmail", "gmail", "Google", "gmail"), ("Microsoft 365", "microsoft", "Microsoft", "graph")],
    ids=["gmail", "microsoft"],
)
def test_adding_a_gmail_or_microsoft_mailbox_recommends_signing_in_and_leads_to_it(
    console: Console, provider: str, kind: str, who: str, mode: str, lang: str
) -> None:
    t = said(lang)
    page = console.open_as(ACME, lang=lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    _start_adding(page, provider, lang)
    choices = page.locator("#add-mailbox .choice")
    # first, with why
    expect(choices.first).to_contain_text(t("Sign in with %(who)s", who=who) + t("Recommended"))
    expect(choices.first).to_contain_text(
        t(
            "No password is stored here, %(who)s tells us about new mail within seconds, and "
            "you can withdraw access at %(who)s at any time.",
            who=who,
        )
    )
    console.screenshot(page, f"{kind}-how-to-connect")
    # the other way has the provider's server filled in
    choices.nth(1).click()
    form = page.locator("#mailbox-form")
    host = "imap.gmail.com" if kind == "gmail" else "outlook.office365.com"
    expect(form.locator("[name=host]")).to_have_value(host)
    expect(form.locator("[name=port]")).to_have_value("993")
    expect(form.locator("[name=tls]")).to_have_value("tls")
    if kind == "gmail":
        expect(form.locator("[name=auth_method]")).to_have_value("app_password")
    console.screenshot(page, f"{kind}-server-fields")
    page.go_back()

    page.locator("#add-mailbox .choice").first.click()
    signin = page.locator("#signin-form")
    signin.get_by_label(t("Name"), exact=True).fill("Bad Name")
    signin.get_by_label(t("Email address")).fill("bookings@acme-mail.example")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        signin.get_by_role("button", name=t("Save and continue")).click()
    assert answer.value.status == 422
    expect(page.locator("#error-mailbox")).to_have_text(
        t("Use 1 to 63 lower-case letters, digits, - or _ for the name, for example booking.")
    )
    expect(signin.get_by_label(t("Email address"))).to_have_value("bookings@acme-mail.example")
    console.screenshot(page, f"{kind}-sign-in-refused")
    signin.get_by_label(t("Name"), exact=True).fill("bookings")
    signin.get_by_role("button", name=t("Save and continue")).click()
    expect(page.get_by_role("status")).to_have_text(
        t(
            "mailbox %(mailbox)s saved: now sign in with %(who)s to connect it",
            mailbox="bookings",
            who=who,
        )
    )
    card = page.locator("#mailbox-bookings")
    expect(card.locator("[data-sign-in]")).to_contain_text(t("Sign-in needed"))
    if lang == "tr":
        expect(card.locator("[data-sign-in]")).to_contain_text("Oturum açılması gerekiyor")
    stored = console.app.state.get_mailbox(ACME_ID, MailboxId("bookings"))
    assert (stored.provider.value, stored.enabled, stored.oauth) == (mode, False, None)
    console.screenshot(page, f"{kind}-sign-in-needed")
    started: list[str] = []

    def oauth_start(route: Route) -> None:
        started.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="consent screen")

    page.route("**/oauth_start?*", oauth_start)
    card.get_by_role("link", name=t("Sign in with %(who)s", who=who)).click()
    expect(page.locator("body")).to_have_text("consent screen")
    assert parse_qs(urlsplit(started[0]).query) == {
        "tenant": ["acme"],
        "mailbox": ["bookings"],
        "mode": [mode],
        "provider": ["google" if kind == "gmail" else "microsoft"],
    }


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("provider", "protocol", "port"),
    [("Other mail server (IMAP)", "imap", "993"), ("POP3", "pop3", "995")],
    ids=["imap", "pop3"],
)
def test_adding_an_imap_or_pop3_mailbox_tests_the_connection_then_saves(
    console: Console, dovecot: Any, provider: str, protocol: str, port: str, lang: str
) -> None:
    t = said(lang)
    user, password = f"a{uuid.uuid4().hex[:10]}@test.example", uuid.uuid4().hex
    dovecot.add_user(user, password)
    page = console.open_as(ACME, lang=lang)
    _start_adding(page, provider, lang)
    form = page.locator("#mailbox-form")
    expect(form.locator("[name=provider]")).to_have_value(protocol)
    expect(form.locator("[name=port]")).to_have_value(port)  # the usual secure port
    console.screenshot(page, f"{protocol}-fields")
    # wrong in two places: each said next to its field, what was typed kept
    save = form.get_by_role("button", name=t("Save"), exact=True)
    form.locator("[name=mailbox]").fill("frontdesk")
    form.get_by_label(t("Email address")).fill("frontdesk@acme.example")
    form.get_by_label(t("Port"), exact=True).fill("70000")
    form.get_by_label(t("Check every (seconds)")).fill("1")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        save.click()
    assert answer.value.status == 422
    expect(page.locator("#error-port")).to_have_text(
        t("Enter a port from 1 to 65535 (IMAP usually 993, POP3 995).")
    )
    expect(page.locator("#error-poll_interval_s")).to_have_text(t("Enter at least 5 seconds."))
    expect(form.get_by_label(t("Email address"))).to_have_value("frontdesk@acme.example")
    expect(form.get_by_label(t("Port"), exact=True)).to_have_value("70000")
    expect(form.locator("[name=port]")).to_have_attribute("aria-invalid", "true")
    console.screenshot(page, f"{protocol}-refused")
    form.get_by_label(t("Port"), exact=True).fill(port)
    form.get_by_label(t("Check every (seconds)")).fill("60")
    save.click()  # and still no server
    expect(page.locator("#error-host")).to_have_text(
        t("Enter the mail server's address, for example imap.example.com.")
    )
    expect(page.locator("#error-port")).to_have_count(0)
    secure = dovecot.imaps_port if protocol == "imap" else dovecot.pop3s_port
    form.locator("[name=host]").fill(dovecot.host)
    form.get_by_label(t("Port"), exact=True).fill(str(secure))
    form.get_by_label(t("User name")).fill(user)
    form.get_by_label(t("Password"), exact=True).fill(password)
    form.get_by_role("button", name=t("Test connection")).click()
    steps = page.locator("#tested li")
    expect(steps.first).to_have_text(
        "✔ " + t("Address") + ": " + t("%(host)s found", host=dovecot.host)
    )
    expect(steps.filter(has_text="✘")).to_have_count(0)
    expect(page.locator("#tested")).to_contain_text(t("Everything works: Save keeps it."))
    console.screenshot(page, f"{protocol}-tested")
    # never shown again: typed once more
    form.get_by_label(t("Password"), exact=True).fill(password)
    save.click()
    expect(page.get_by_role("status")).to_have_text(
        t("mailbox %(mailbox)s saved", mailbox="frontdesk")
    )
    card = page.locator("#mailbox-frontdesk")
    expect(card).to_contain_text(f"{dovecot.host}:{secure}")
    expect(page.locator("[data-row=frontdesk]")).to_contain_text(t("Not started yet"))
    if lang == "tr":
        expect(page.locator("h1")).to_have_text(TURKISH["Mailboxes"])
        expect(page.locator("[data-row=frontdesk]")).to_contain_text(TURKISH["Not started yet"])
    stored = console.app.state.get_mailbox(ACME_ID, MailboxId("frontdesk"))
    assert (stored.provider.value, stored.username) == (protocol, user)
    assert password not in page.content()
    console.screenshot(page, f"{protocol}-saved")


def _two_hundred(console: Console) -> None:
    """200 mailboxes of every provider; every tenth turned off, a few failing, most running."""
    now = datetime.now(UTC)
    providers = (Provider.IMAP, Provider.POP3, Provider.GMAIL, Provider.GRAPH)
    updates = []
    for i in range(200):
        provider = providers[i % 4]
        server = provider in (Provider.IMAP, Provider.POP3)
        grantor = OAuthProvider.GOOGLE if provider is Provider.GMAIL else OAuthProvider.MICROSOFT
        mailbox = Mailbox(
            tenant_id=ACME_ID,
            id=MailboxId(f"box-{i:03d}"),
            provider=provider,
            address=f"box{i}@acme.example",
            purpose=("booking", "stopsale")[i % 2],
            host="imap.acme.example" if server else None,
            tls=TlsMode.TLS,
            auth_method=AuthMethod.PASSWORD if server else AuthMethod.OAUTH2,
            secret_ref="unused",
            oauth=None
            if server
            else OAuthGrant(provider=grantor, connected_address="g@acme.example"),
            enabled=i % 10 != 0,
        )
        console.app.state.put_mailbox(mailbox)
        if server:
            console.app.state.try_acquire_lease(mailbox.key, "w1", timedelta(minutes=10))
        state = MailboxState.CONNECT_ERROR if i % 25 == 1 else MailboxState.IDLE
        update = HealthUpdate(state=state, last_sync_at=now, last_event_at=now, processed=i % 5)
        updates.append((ACME_ID, mailbox.id, update))
    console.app.state.update_health_many(updates, now)


def test_one_mailbox_is_found_among_200_by_search_filters_and_pages(console: Console) -> None:
    _two_hundred(console)
    page = console.open_as(ACME)
    rows = page.locator("table.overview tbody tr")
    expect(rows).to_have_count(25)
    expect(page.locator("[data-showing]")).to_have_text("Showing 1–25 of 200")
    expect(page.locator("#overview")).to_contain_text("Page 1 of 8")
    console.screenshot(page, "overview-200")
    page.get_by_role("link", name="Next").click()
    expect(page.locator("[data-showing]")).to_have_text("Showing 26–50 of 200")
    expect(rows.first).to_contain_text("box-025")
    assert parse_qs(urlsplit(page.url).query)["page"] == ["2"]
    page.get_by_role("link", name="Previous").click()
    expect(rows.first).to_contain_text("box-000")

    search = page.get_by_role("search", name="Find a mailbox")
    search.get_by_label("Search").fill("box-150")
    search.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(page.locator("[data-showing]")).to_have_text("Showing 1–1 of 1 matching (200 in all)")
    console.screenshot(page, "overview-search")

    search = page.get_by_role("search", name="Find a mailbox")
    search.get_by_label("Search").fill("")
    search.get_by_label("State").select_option("turned_off")
    search.get_by_role("button", name="Show").click()
    expect(page.locator("[data-showing]")).to_contain_text("of 20 matching")
    for word in rows.locator("[data-word]").all_text_contents():
        assert word == "Turned off"
    search = page.get_by_role("search", name="Find a mailbox")
    search.get_by_label("State").select_option("needs_attention")
    search.get_by_label("Provider").select_option("pop3")
    search.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(2)  # box-001 and box-101: POP3, refused by their server
    for row in rows.all():
        expect(row).to_contain_text("POP3")
        expect(row).to_contain_text("Server unreachable")
    expect(rows.locator(".dot.error")).to_have_count(2)
    console.screenshot(page, "overview-filtered")

    # a card opens from its row, the filters kept for the way back
    first = rows.first.get_by_role("link").first
    name = first.text_content()
    assert name
    first.click()
    card = page.locator(f"#mailbox-{name}")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Server unreachable — The mail server could not be reached")
    console.screenshot(page, "overview-card")
    card.get_by_role("link", name="Back to all mailboxes").click()
    query = parse_qs(urlsplit(page.url).query)
    assert (query["state"], query["provider"]) == (["needs_attention"], ["pop3"])
    expect(card).to_have_count(0)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", [375, 1440])
def test_every_screen_fits_the_width_and_says_what_to_do_when_empty(
    console: Console, width: int, lang: str
) -> None:
    t = said(lang)
    page = console.open_as(ACME, lang=lang)
    page.set_viewport_size({"width": width, "height": 800})
    console.show(page)

    def fits(what: str) -> None:
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"{what}: {scroll} px wide at {width}"
        console.screenshot(page, f"{width}-{what}")

    fits("mailboxes-empty")
    empty = {
        "Events": t("No events yet — connect a mailbox."),
        "Analytics": t("No emails in the last 30 days yet."),
        "Rules": t("No rules yet."),
    }
    for section in SECTIONS:
        console.section(page, section, lang)
        expect(page.locator("h1")).to_have_text(t(section))
        sections = page.get_by_role("navigation", name=t("Sections"))
        expect(sections.locator("[aria-current=page]")).to_have_text(t(section))
        if section in empty:
            expect(page.locator("main")).to_contain_text(empty[section])
        fits(section.lower())
    expect(page.locator("svg")).to_have_count(0)  # no empty chart axes
    console.section(page, "Mailboxes", lang)
    # each link loads a page: measured once it has (not while the old one is going away)
    with page.expect_navigation():
        page.locator("#overview").get_by_role("link", name=t("Add a mailbox")).click()
    fits("add-choose")
    with page.expect_navigation():
        page.get_by_role("link", name="Gmail").click()
    fits("add-gmail")
    with page.expect_navigation():
        page.locator("#add-mailbox .choice").first.click()
    fits("add-gmail-sign-in")
    console.show(page, query="&add=imap")
    fits("add-imap")
    _two_hundred(console)
    console.show(page)
    fits("overview-200")
    if lang == "tr":  # the states in the words an agency's staff read
        expect(page.locator("[data-word=box-002]")).to_have_text("Bağlandı")
    console.open_card(page, "box-001")
    fits("card")
    if lang == "tr":
        expect(page.locator("#mailbox-box-001")).to_contain_text("Sunucuya ulaşılamıyor")
    # the stylesheet is the function's own; status colours come with their words
    sheet = page.evaluate("() => [...document.styleSheets].map(s => s.href)")
    assert len(sheet) == 1
    assert sheet[0].endswith("?asset=console.css")
    for cell in page.locator("table.overview td.state").all()[:5]:
        expect(cell.locator("[data-word]")).not_to_be_empty()


def test_the_language_is_switched_on_the_page_kept_and_the_page_stays_where_it_was(
    console: Console,
) -> None:
    page = console.open_as(ACME, lang="tr", query="&section=rules")  # the browser asks for tr
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.locator("h1")).to_have_text("Kurallar")
    switch = page.get_by_role("navigation", name="Dil")
    expect(switch.locator("[aria-current=true]")).to_have_text("Türkçe")
    console.screenshot(page, "rules")
    switch.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Rules")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # the same page, and nothing of the switch left in its address
    assert parse_qs(urlsplit(page.url).query) == {"tenant": ["acme"], "section": ["rules"]}
    console.screenshot(page, "rules")
    # kept: English on every page from now on, though the browser asks for Turkish
    console.section(page, "Events")
    expect(page.locator("h1")).to_have_text("Events")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["console_lang"] == "en"
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Türkçe").click()
    expect(page.locator("h1")).to_have_text("Olaylar")
    expect(page.locator("main")).to_contain_text("Henüz olay yok — bir posta kutusu bağlayın.")
    assert parse_qs(urlsplit(page.url).query)["section"] == ["events"]
    console.screenshot(page, "events")
