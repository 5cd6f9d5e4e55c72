"""In headless Chromium: Google no longer accepting a Gmail API mailbox's connection shows on
its card — by itself, through the health panel's refresh, no reload — as an alert with a
"Reconnect with Google" button that starts the connect flow for that mailbox's provider and
mode; the card shows the token's expiry in UTC and none of the IMAP-only controls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Route, expect

from shared.domain.models import (
    AuthMethod,
    Mailbox,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
    Provider,
)
from shared.ids import MailboxId, TenantId
from tests.browser.conftest import Console
from tests.browser.test_settings_browser import _health, _no_script_ran
from tests.integration.settings_fixtures import ACME

pytestmark = pytest.mark.integration


def _seed_gmail(console: Console) -> datetime:
    expires = datetime.now(UTC) + timedelta(minutes=40, seconds=30)
    grant = OAuthGrant(
        provider=OAuthProvider.GOOGLE,
        connected_address="bookings@acme-mail.example",
        access_expires_at=expires,
    )
    mailbox = Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId("gmailbox"),
        provider=Provider.GMAIL,
        address="bookings@acme-mail.example",
        auth_method=AuthMethod.OAUTH2,
        secret_ref="x",
        oauth=grant,
    )
    console.app.state.put_mailbox(mailbox)
    return expires


def test_a_refused_grant_shows_up_with_a_reconnect_button_to_the_connect_flow(
    console: Console,
) -> None:
    expires = _seed_gmail(console)
    _health(console, "gmailbox", state=MailboxState.IDLE, last_sync_at=datetime.now(UTC))
    page = console.open_as(ACME)
    console.open_card(page, "gmailbox")
    card = page.locator("#mailbox-gmailbox")
    expect(card.locator(".dot.connected")).to_be_visible()
    expect(card.get_by_role("alert")).to_have_count(0)
    expect(card).to_contain_text(
        f"Token Expires: {expires.strftime('%Y-%m-%d %H:%M')} UTC (in 40 min)"
    )
    for imap_only in ("IMAP IDLE", "Folder to monitor", "over IMAP"):
        expect(card).not_to_contain_text(imap_only)

    # Google refuses the grant: the panel's refresh shows it without a reload
    _health(console, "gmailbox", state=MailboxState.REAUTH_REQUIRED, last_error="invalid_grant")
    alert = card.get_by_role("alert")
    expect(alert).to_contain_text(
        "Google no longer accepts the connection — reconnect", timeout=15_000
    )
    expect(card.locator(".dot.error")).to_be_visible()
    console.screenshot(page, "reauth-required")
    started: list[str] = []

    def oauth_start(route: Route) -> None:
        started.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="consent screen")

    page.route("**/oauth_start?*", oauth_start)
    alert.get_by_role("link", name="Reconnect with Google").click()
    expect(page.locator("body")).to_have_text("consent screen")
    (url,) = started
    assert urlsplit(url).path == "/oauth_start"
    assert parse_qs(urlsplit(url).query) == {
        "tenant": ["acme"],
        "mailbox": ["gmailbox"],
        "mode": ["gmail"],
        "provider": ["google"],
    }
    # a fresh load shows it too; once reconnected (a healthy report), it goes by itself
    page.go_back()
    expect(page.locator("#mailbox-gmailbox").get_by_role("alert")).to_be_visible()
    _health(console, "gmailbox", state=MailboxState.IDLE, last_sync_at=datetime.now(UTC))
    expect(page.locator("#mailbox-gmailbox").get_by_role("alert")).to_have_count(0, timeout=15_000)
    _no_script_ran(console, page)
