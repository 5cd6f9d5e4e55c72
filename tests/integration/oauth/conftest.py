"""The OAuth functions wired to the Firestore emulator, a Fernet secrets file and a local
Google authorization server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from tests.fakes.google_oauth import GoogleStandIn, google_stand_in

SETTINGS_URL = "https://settings.example/mailboxes"
REDIRECT = "https://functions.example/oauth_callback"


@dataclass
class OAuthEnv:
    google: GoogleStandIn
    app: Any


@pytest.fixture
def oauth_env(firestore_client: Any, tmp_path: Path) -> Iterator[OAuthEnv]:
    import functions.oauth.main as oauth_main
    from shared.bootstrap import build_app
    from shared.domain.models import AuthMethod, Mailbox, Provider, TlsMode
    from shared.ids import MailboxId, TenantId

    with google_stand_in() as google:
        os.environ.update(
            {
                "MAILINGEST_STATE_BACKEND": "firestore",
                "MAILINGEST_EVENTS_BACKEND": "memory",
                "MAILINGEST_BLOBS_BACKEND": "memory",
                "MAILINGEST_SECRETS_BACKEND": "file",
                "MAILINGEST_SECRETS_FILE": str(tmp_path / "secrets.enc"),
                "MAILINGEST_SECRETS_KEY": Fernet.generate_key().decode(),
                "MAILINGEST_OAUTH_REDIRECT_URI": REDIRECT,
                "MAILINGEST_SETTINGS_URL": SETTINGS_URL,
                "MAILINGEST_OAUTH_STATE_KEY": Fernet.generate_key().decode(),
                "MAILINGEST_GOOGLE_CLIENT_ID": google.client_id,
                "MAILINGEST_GOOGLE_CLIENT_SECRET": google.client_secret,
                "MAILINGEST_GOOGLE_AUTH_URI": f"{google.base_url}/auth",
                "MAILINGEST_GOOGLE_TOKEN_URI": f"{google.base_url}/token",
            }
        )
        oauth_main._parts = None  # each test builds from its own environment
        app = build_app()
        app.admin.add_tenant("acme", "Acme", actor="test", admins=("admin@acme.example",))
        app.state.put_mailbox(
            Mailbox(
                tenant_id=TenantId("acme"),
                id=MailboxId("booking"),
                provider=Provider.IMAP,
                address="booking@acme.example",
                host="imap.gmail.com",
                tls=TlsMode.TLS,
                auth_method=AuthMethod.OAUTH2,
            )
        )
        yield OAuthEnv(google, app)
        oauth_main._parts = None
