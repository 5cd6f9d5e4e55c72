"""The settings page through its HTTP function: what an admin sees, that tenants never see
each other's mailboxes, CSRF on the form, and that no secret reaches the page."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from functions_framework import create_app

from shared.domain.models import (
    AuthMethod,
    HealthUpdate,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
)
from shared.ids import MailboxId, TenantId

pytestmark = pytest.mark.integration
SOURCE = "functions/settings/main.py"
ACME_ADMIN = {"X-Goog-Authenticated-User-Email": "accounts.google.com:ops@acme.example"}
GLOBEX_ADMIN = {"X-Goog-Authenticated-User-Email": "accounts.google.com:boss@globex.example"}
PASSWORD = "Hotel-Imap-Pass-42"


@pytest.fixture
def client(firestore_client: Any, tmp_path: Path) -> Any:
    import functions.settings.main as settings_main
    from shared.bootstrap import build_app

    os.environ.update(
        {
            "MAILINGEST_STATE_BACKEND": "firestore",
            "MAILINGEST_EVENTS_BACKEND": "memory",
            "MAILINGEST_BLOBS_BACKEND": "memory",
            "MAILINGEST_SECRETS_BACKEND": "file",
            "MAILINGEST_SECRETS_FILE": str(tmp_path / "secrets.enc"),
            "MAILINGEST_SECRETS_KEY": Fernet.generate_key().decode(),
            "MAILINGEST_OAUTH_STATE_KEY": Fernet.generate_key().decode(),
            "MAILINGEST_OAUTH_START_URL": "https://fn.example/oauth_start",
        }
    )
    settings_main._page = None
    app = build_app()
    app.admin.add_tenant("acme", "Acme Travel", actor="t", admins=("ops@acme.example",))
    app.admin.add_tenant("globex", "Globex", actor="t", admins=("boss@globex.example",))
    yield create_app("settings", SOURCE).test_client(), app
    settings_main._page = None


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match
    return match.group(1)


def _form(csrf: str, **extra: str) -> dict[str, str]:
    form = {
        "tenant": "acme",
        "csrf": csrf,
        "mailbox": "booking",
        "address": "booking@acme.example",
        "provider": "imap",
        "host": "imap.acme.example",
        "tls": "tls",
        "auth_method": "password",
        "password": PASSWORD,
        "folder": "Bookings",
        "idle": "on",
        "poll_interval_s": "60",
        "after_processing": "leave",
    }
    form.update(extra)
    return form


def test_admin_adds_a_mailbox_and_sees_its_health(client: Any) -> None:
    http, app = client
    page = http.get("/?tenant=acme", headers=ACME_ADMIN)
    assert page.status_code == 200
    saved = http.post("/?tenant=acme", headers=ACME_ADMIN, data=_form(_csrf(page.text)))
    assert saved.status_code == 200
    assert "mailbox booking saved" in saved.text
    now = datetime.now(UTC)
    app.state.update_health(
        TenantId("acme"),
        MailboxId("booking"),
        HealthUpdate(state=MailboxState.IDLE, last_sync_at=now, processed=47),
        now,
    )
    html = http.get("/?tenant=acme", headers=ACME_ADMIN).text
    assert "Email Configuration" in html
    assert "booking@acme.example" in html
    assert "Connect with Google" in html
    assert (
        "https://fn.example/oauth_start?tenant=acme&amp;mailbox=booking&amp;mode=imap&amp;provider=google"
        in html
    )
    assert "47 emails today" in html
    assert "Connected" in html
    assert "Folder to monitor: Bookings" in html
    for secret in (PASSWORD, "mailingest-acme-booking-password"):
        assert secret not in html
    assert app.secrets.get_secret("mailingest-acme-booking-password") == PASSWORD
    api = json.loads(http.get("/?tenant=acme&format=json", headers=ACME_ADMIN).text)
    assert api[0]["health"]["processed_24h"] == 47
    assert "secret_ref" not in api[0]["mailbox"]


def test_tenants_never_see_each_other(client: Any) -> None:
    http, _ = client
    page = http.get("/?tenant=acme", headers=ACME_ADMIN)
    http.post("/?tenant=acme", headers=ACME_ADMIN, data=_form(_csrf(page.text)))
    assert http.get("/?tenant=acme", headers=GLOBEX_ADMIN).status_code == 403
    assert http.get("/?tenant=acme&format=json", headers=GLOBEX_ADMIN).status_code == 403
    assert http.get("/?tenant=acme").status_code == 403  # nobody signed in
    globex = http.get("/?tenant=globex", headers=GLOBEX_ADMIN).text
    assert "booking@acme.example" not in globex
    # a globex admin cannot write into acme with their own form token either
    token = _csrf(globex)
    assert http.post("/?tenant=acme", headers=GLOBEX_ADMIN, data=_form(token)).status_code == 403


def test_a_form_without_a_valid_csrf_token_is_refused(client: Any) -> None:
    http, app = client
    response = http.post("/?tenant=acme", headers=ACME_ADMIN, data=_form("0" * 64))
    assert response.status_code == 400
    assert app.state.list_mailboxes(TenantId("acme")) == []


def test_invalid_settings_are_a_clear_error(client: Any) -> None:
    http, _ = client
    token = _csrf(http.get("/?tenant=acme", headers=ACME_ADMIN).text)
    bad = http.post("/?tenant=acme", headers=ACME_ADMIN, data=_form(token, tls="plain"))
    assert bad.status_code == 400
    assert "loopback" in bad.text


def test_editing_an_oauth_mailbox_keeps_its_connection_and_its_enabled_flag(client: Any) -> None:
    """Issue #8 item 3: the save dropped ``oauth`` when an OAuth mailbox was edited."""
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=ACME_ADMIN).text)
    http.post("/?tenant=acme", headers=ACME_ADMIN, data=_form(token))
    # what the OAuth callback stores after "Connect with Microsoft"
    mailbox = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    grant = OAuthGrant(
        provider=OAuthProvider.MICROSOFT,
        connected_address="booking@acme.example",
        scopes=("https://outlook.office.com/IMAP.AccessAsUser.All",),
        connected_at=datetime.now(UTC),
    )
    app.state.put_mailbox(
        mailbox.model_copy(
            update={
                "auth_method": AuthMethod.OAUTH2,
                "oauth": grant,
                "secret_ref": "mailingest-acme-booking-oauth",
            }
        )
    )
    app.admin.set_enabled(TenantId("acme"), MailboxId("booking"), False, actor="t")
    # the admin moves it to another folder; the form sends its default method and no password
    edited = _form(token, folder="Stopsale", password="")
    saved = http.post("/?tenant=acme", headers=ACME_ADMIN, data=edited)
    assert saved.status_code == 200
    stored = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert stored.folder == "Stopsale"
    assert stored.auth_method is AuthMethod.OAUTH2
    assert stored.oauth == grant
    assert stored.secret_ref == "mailingest-acme-booking-oauth"
    assert stored.enabled is False
    # switching it to a password, with one, is a deliberate change: the grant goes
    switched = http.post(
        "/?tenant=acme", headers=ACME_ADMIN, data=_form(token, password="New-Pass-7")
    )
    assert switched.status_code == 200
    stored = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert (stored.auth_method, stored.oauth) == (AuthMethod.PASSWORD, None)
    assert stored.secret_ref == "mailingest-acme-booking-password"
