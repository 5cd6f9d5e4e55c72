"""A mailbox card on the settings page through its HTTP function on Firestore (emulator):
Google or Microsoft no longer accepting the connection shows an alert with a "Reconnect with
…" button for the mailbox's provider and mode (on the page and in the JSON the page refreshes
from); the token's and the push's expiry in UTC with how far away; a Gmail API or Microsoft
365 card shows what applies to it, not the IMAP-only controls."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_schema_validator import OAS31Validator

from shared.bootstrap import App
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
from shared.web.openapi import openapi_document
from tests.fakes.iap import IapStandIn
from tests.integration.settings_fixtures import ACME
from tests.integration.settings_fixtures import OAUTH_START as START

pytestmark = pytest.mark.integration


def _box(mailbox_id: str, provider: Provider, grant: OAuthGrant | None, **extra: Any) -> Mailbox:
    imap = provider in (Provider.IMAP, Provider.POP3)
    return Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId(mailbox_id),
        provider=provider,
        address=f"{mailbox_id}@acme.example",
        host="127.0.0.1" if imap else None,
        tls=TlsMode.PLAIN,
        auth_method=AuthMethod.OAUTH2 if grant else AuthMethod.PASSWORD,
        secret_ref="x",
        oauth=grant,
        **extra,
    )


def _grant(provider: OAuthProvider, **extra: Any) -> OAuthGrant:
    return OAuthGrant(provider=provider, connected_address="someone@acme.example", **extra)


def _state(app: App, mailbox_id: str, state: MailboxState) -> None:
    now = app.clock.now()
    update = HealthUpdate(state=state, last_error="refused", last_sync_at=now)
    app.state.update_health(TenantId("acme"), MailboxId(mailbox_id), update, now)


def _open(http: Any, iap: IapStandIn, mailbox_id: str) -> str:
    """The page with ``mailbox_id``'s card open."""
    return str(http.get(f"/?tenant=acme&open={mailbox_id}", headers=iap.headers(ACME)).text)


def _card(page: str, mailbox_id: str) -> str:
    match = re.search(
        rf'<section class="card" id="mailbox-{mailbox_id}">(.*?)</section>', page, re.S
    )
    assert match, mailbox_id
    return match.group(1)


def _reconnect_link(card: str) -> str | None:
    """The href of the card's visible "Reconnect with …" button (None: no visible button)."""
    box = re.search(r'<div class="problem reconnect" role="alert"[^>]*>(.*?)</div>', card, re.S)
    assert box
    if " hidden" in box.group(0).partition(">")[0]:
        return None
    link = re.search(
        r'<a class="button primary" data-reconnect-link href="([^"]*)"( hidden)?>', card
    )
    assert link
    return None if link.group(2) else html_lib.unescape(link.group(1))


def test_a_refused_connection_shows_an_alert_with_a_reconnect_button_for_its_provider_and_mode(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    now = app.clock.now()
    boxes = {
        # (mailbox, health state) -> the oauth_start it reconnects through, or None
        "gmailbox": (_box("gmailbox", Provider.GMAIL, _grant(OAuthProvider.GOOGLE)),
                     MailboxState.REAUTH_REQUIRED, ("google", "gmail")),
        "graphbox": (_box("graphbox", Provider.GRAPH, _grant(OAuthProvider.MICROSOFT)),
                     MailboxState.AUTH_ERROR, ("microsoft", "graph")),
        "imapoauth": (_box("imapoauth", Provider.IMAP,
                           _grant(OAuthProvider.MICROSOFT, reauth_required_at=now)),
                      MailboxState.BACKOFF, ("microsoft", "imap")),
        "password": (_box("password", Provider.IMAP, None), MailboxState.AUTH_ERROR, None),
        "healthy": (_box("healthy", Provider.GMAIL, _grant(OAuthProvider.GOOGLE)),
                    MailboxState.IDLE, None),
        "off": (_box("off", Provider.GMAIL, _grant(OAuthProvider.GOOGLE), enabled=False),
                MailboxState.REAUTH_REQUIRED, None),
    }  # fmt: skip
    for mailbox, state, _ in boxes.values():
        app.state.put_mailbox(mailbox)
        _state(app, mailbox.id, state)
    answer = http.get("/?tenant=acme&format=json", headers=iap.headers(ACME)).get_json()
    spec = openapi_document()  # the answer, alerts included, is the one documented
    OAS31Validator(
        {**spec["components"]["schemas"]["MailboxList"], "components": spec["components"]}
    ).validate(answer)
    listed = {m["mailbox"]["id"]: m["reconnect"] for m in answer}
    for mailbox_id, (_, _, expected) in boxes.items():
        card, api = _card(_open(http, iap, mailbox_id), mailbox_id), listed[mailbox_id]
        href = _reconnect_link(card)
        if expected is None:
            assert (href, api) == (None, None), mailbox_id
            assert "no longer accepts the connection" not in card
            continue
        provider, mode = expected
        name = "Google" if provider == "google" else "Microsoft"
        assert href is not None, mailbox_id
        assert f"{name} no longer accepts the connection — reconnect" in card
        assert f">Reconnect with {name}</a>" in card
        assert href.startswith(f"{START}?")
        assert parse_qs(urlsplit(href).query) == {
            "tenant": ["acme"],
            "mailbox": [mailbox_id],
            "mode": [mode],
            "provider": [provider],
        }
        assert api == {
            "provider": name,
            "url": href,
            "message": f"{name} no longer accepts the connection — reconnect",
        }


def test_an_app_only_grant_refused_says_an_administrator_consents_again(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    grant = _grant(OAuthProvider.MICROSOFT, app_only=True, directory_tenant="dir-1")
    app.state.put_mailbox(_box("apponly", Provider.GRAPH, grant))
    _state(app, "apponly", MailboxState.REAUTH_REQUIRED)
    card = _card(_open(http, iap, "apponly"), "apponly")
    assert "an administrator of the directory grants the consent again" in card
    assert _reconnect_link(card) is None  # no consent page to send the admin to
    (listed,) = http.get("/?tenant=acme&format=json", headers=iap.headers(ACME)).get_json()
    assert listed["reconnect"]["url"] == ""


def test_the_card_shows_expiries_in_utc_and_only_the_controls_that_apply(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    now = datetime.now(UTC)
    soon = now + timedelta(minutes=52, seconds=30)
    gone = now - timedelta(hours=3, minutes=5)
    watch = now + timedelta(days=6, hours=1)
    gmail = _box("gmailbox", Provider.GMAIL, _grant(OAuthProvider.GOOGLE, access_expires_at=soon))
    graph = _box(
        "graphbox", Provider.GRAPH, _grant(OAuthProvider.MICROSOFT, access_expires_at=gone)
    )
    imap = _box("imapbox", Provider.IMAP, None, folder="Bookings")
    for mailbox in (gmail, graph, imap):
        app.state.put_mailbox(mailbox)
    ms = int(watch.timestamp() * 1000)
    app.state.compare_and_set_cursor(gmail.tenant_id, gmail.id, 0, {"watch_expiration_ms": ms})
    gmail_card = _card(_open(http, iap, "gmailbox"), "gmailbox")
    graph_card = _card(_open(http, iap, "graphbox"), "graphbox")
    imap_card = _card(_open(http, iap, "imapbox"), "imapbox")
    assert f"Token Expires: {soon.strftime('%Y-%m-%d %H:%M')} UTC (in 52 min)" in gmail_card
    assert f"Token Expires: {gone.strftime('%Y-%m-%d %H:%M')} UTC (expired 3 h ago)" in graph_card
    assert f"(Gmail watch) expire: {watch.strftime('%Y-%m-%d %H:%M')} UTC (in 6 d)" in gmail_card
    assert "(Microsoft Graph subscription) expire: not started yet" in graph_card
    assert "Gmail label watched: INBOX" in gmail_card
    for card in (gmail_card, graph_card):  # nothing that means something only over IMAP
        for imap_only in ("IMAP IDLE", "Folder to monitor", "Check interval", "over IMAP"):
            assert imap_only not in card
        assert "Connect with Google (Gmail API)" in card
    for imap_only in ("IMAP IDLE", "Folder to monitor", "Check interval", "Google over IMAP"):
        assert imap_only in imap_card
    assert "Push notifications" not in imap_card
    assert "Token Expires" not in imap_card  # no OAuth: "not connected with OAuth"
