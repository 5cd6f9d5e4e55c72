"""The OAuth functions wired to the Firestore emulator, a Fernet secrets file, a local Google
authorization server and a local HTTPS Microsoft identity endpoint (environment set per test
and restored afterwards)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from mailingest_dev.devstack.process import free_port
from mailingest_dev.local_functions import serving_function
from mailingest_dev.standins.google_oauth import GoogleStandIn, google_stand_in
from mailingest_dev.standins.graph_api import GraphStandIn, running_graph
from mailingest_dev.standins.microsoft_identity import MicrosoftStandIn, microsoft_stand_in
from tests.fakes.iap import IapStandIn

SETTINGS_URL = "https://settings.example/mailboxes"
REDIRECT = "https://functions.example/oauth_callback"
ADMIN_EMAIL = "admin@acme.example"


@dataclass
class OAuthEnv:
    google: GoogleStandIn
    microsoft: MicrosoftStandIn
    app: Any
    iap: IapStandIn

    def admin(self, email: str = ADMIN_EMAIL) -> dict[str, str]:
        """Headers of a request IAP forwards for ``email`` (signed assertion)."""
        return self.iap.headers(email)


@pytest.fixture
def oauth_env(
    firestore_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, iap: IapStandIn
) -> Iterator[OAuthEnv]:
    import functions.oauth.main as oauth_main
    from shared.bootstrap import build_app
    from shared.domain.models import AuthMethod, Mailbox, Provider, TlsMode
    from shared.ids import MailboxId, TenantId

    with google_stand_in() as google, microsoft_stand_in(tmp_path) as ms:
        env = {
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
            "MAILINGEST_MICROSOFT_CLIENT_ID": ms.client_id,
            "MAILINGEST_MICROSOFT_CLIENT_SECRET": ms.client_secret,
            "MAILINGEST_MICROSOFT_AUTHORITY": ms.authority,
            "MAILINGEST_OAUTH_CA_FILE": str(ms.ca_file),
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        oauth_main.parts.reset()  # built from this test's environment
        oauth_main.identity.reset()
        app = build_app()
        app.admin.add_tenant("acme", "Acme", actor="test", admins=(ADMIN_EMAIL,))
        for mailbox_id, host in (("booking", "imap.gmail.com"), ("ops", "outlook.office365.com")):
            app.state.put_mailbox(
                Mailbox(
                    tenant_id=TenantId("acme"),
                    id=MailboxId(mailbox_id),
                    provider=Provider.IMAP,
                    address=f"{mailbox_id}@acme.example",
                    host=host,
                    tls=TlsMode.TLS,
                    auth_method=AuthMethod.OAUTH2,
                )
            )
        try:
            yield OAuthEnv(google, ms, app, iap)
        finally:  # nothing built from this test's environment outlives it
            oauth_main.parts.reset()
            oauth_main.identity.reset()


@contextmanager
def graph_push(
    env: OAuthEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[GraphStandIn]:
    """A Graph stand-in that takes the Microsoft stand-in's tokens (app-only ones for every
    mailbox) and the real ``graph_webhook`` (functions-framework) answering its subscription
    handshake; the environment points the Graph client at both. Build the app after this."""
    with running_graph() as graph:
        graph.authorize = lambda token: env.microsoft.access_tokens.get(token)
        port = free_port()
        monkeypatch.setenv("MAILINGEST_GRAPH_API_ENDPOINT", graph.base_url + "v1.0")
        monkeypatch.setenv("MAILINGEST_GRAPH_NOTIFICATION_URL", f"http://127.0.0.1:{port}/")
        with serving_function("graph_webhook", tmp_path / "graph_webhook.log", port=port):
            yield graph
