"""The Gmail path on real local parts, for the scenarios in this folder: the ``gmail_push``
function (functions-framework test client), Firestore and Pub/Sub on their emulators, the
strict Gmail API stand-in, pushes signed by a local stand-in for Google's certificates."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from functions_framework import create_app

from mailingest_dev.standins.gmail_api import GmailStandIn, running_gmail
from mailingest_dev.standins.google_certs import GoogleCerts, running_certs
from mailingest_dev.standins.google_oauth import google_stand_in
from shared.adapters.pubsub import EventTail
from shared.bootstrap import App, build_app, build_gmail
from shared.domain.models import AuthMethod, Mailbox, OAuthGrant, OAuthProvider, Provider
from shared.ids import MailboxId, TenantId, event_id
from shared.secret_names import refresh_secret_name

PROJECT = "demo-test"
AUDIENCE = "https://gmail-push.example/push"
PUSH_SA = "gmail-push@demo-test.iam.gserviceaccount.com"
EMAIL = "bookings@agency.example"
TENANT, MAILBOX = TenantId("acme"), MailboxId("gmail-booking")


@dataclass
class Gmail:
    app: App
    http: Any
    standin: GmailStandIn
    certs: GoogleCerts
    tail: EventTail
    mailbox: Mailbox

    def push(
        self, history_id: int | str, *, token: str | None = "valid", email: str = EMAIL
    ) -> Any:
        note = json.dumps({"emailAddress": email, "historyId": history_id}).encode()
        body = {
            "message": {"data": base64.b64encode(note).decode(), "messageId": uuid.uuid4().hex},
            "subscription": "projects/demo-test/subscriptions/gmail-push",
        }
        headers = {}
        if token == "valid":
            headers["Authorization"] = f"Bearer {self.certs.push_token(AUDIENCE, PUSH_SA)}"
        elif token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.post("/", json=body, headers=headers)

    def insert(
        self, n: int, *, notify: bool = False, labels: tuple[str, ...] = ("INBOX", "UNREAD")
    ) -> str:
        raw = (
            f"From: res@hotel{n}.example\r\nTo: {EMAIL}\r\n"
            f"Message-ID: <gm-{n}-{uuid.uuid4().hex}@x>\r\n"
            f"Subject: Booking confirmation {n}\r\n\r\nReservation number {n} confirmed.\r\n"
        ).encode()
        return self.standin.insert(EMAIL, raw, notify=notify, labels=labels)

    def event_ids(self, expected: int) -> list[str]:
        got = []
        if expected:
            got = [a["event_id"] for _d, a in self.tail.iter(max_events=expected, timeout_s=60)]
        # and nothing more arrives
        got += [a["event_id"] for _d, a in self.tail.iter(timeout_s=1.5)]
        return got

    def expected(self, gmail_ids: list[str]) -> list[str]:
        return [event_id(TENANT, MAILBOX, g) for g in gmail_ids]

    @property
    def history_id(self) -> int:
        return self.standin.accounts[EMAIL].history_id

    def cursor(self) -> dict[str, Any]:
        return dict(self.app.state.get_cursor(TENANT, MAILBOX).value)

    def reconnect(self, **update: Any) -> Mailbox:
        """The mailbox with other settings, its watch started again (what connect does)."""
        self.mailbox = self.app.state.get_mailbox(TENANT, MAILBOX).model_copy(update=update)
        self.app.state.put_mailbox(self.mailbox)
        build_gmail(self.app).sync.start_watch(self.mailbox)
        self.mailbox = self.app.state.get_mailbox(TENANT, MAILBOX)
        return self.mailbox


@contextmanager
def gmail_parts(tmp_path: Path) -> Iterator[Gmail]:
    """Needs the Firestore and Pub/Sub emulators (the ``firestore_client`` and
    ``pubsub_emulator`` fixtures)."""
    topic = f"events-{uuid.uuid4().hex[:8]}"
    with google_stand_in() as google, running_gmail() as standin, running_certs() as certs:
        standin.authorize = lambda token: google.access_tokens.get(token)
        standin.add_account(EMAIL, "unused-static-token")
        os.environ.update(
            {
                "MAILINGEST_STATE_BACKEND": "firestore",
                "MAILINGEST_EVENTS_BACKEND": "pubsub",
                "MAILINGEST_EVENTS_TOPIC": topic,
                "MAILINGEST_BLOBS_BACKEND": "memory",
                "MAILINGEST_SECRETS_BACKEND": "file",
                "MAILINGEST_SECRETS_FILE": str(tmp_path / "secrets.enc"),
                "MAILINGEST_SECRETS_KEY": Fernet.generate_key().decode(),
                "MAILINGEST_OAUTH_STATE_KEY": Fernet.generate_key().decode(),
                "MAILINGEST_OAUTH_REDIRECT_URI": "https://functions.example/oauth_callback",
                "MAILINGEST_SETTINGS_URL": "https://settings.example/",
                "MAILINGEST_GOOGLE_CLIENT_ID": google.client_id,
                "MAILINGEST_GOOGLE_CLIENT_SECRET": google.client_secret,
                "MAILINGEST_GOOGLE_AUTH_URI": f"{google.base_url}/auth",
                "MAILINGEST_GOOGLE_TOKEN_URI": f"{google.base_url}/token",
                "MAILINGEST_GMAIL_API_ENDPOINT": standin.base_url,
                "MAILINGEST_GMAIL_TOPIC": "projects/demo-test/topics/gmail-push",
                "MAILINGEST_PUSH_AUDIENCE": AUDIENCE,
                "MAILINGEST_PUSH_SERVICE_ACCOUNT": PUSH_SA,
                "MAILINGEST_PUSH_CERTS_URL": certs.url,
            }
        )
        app = build_app()
        tail = EventTail(
            PROJECT, topic, f"{topic}-check", emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]
        )
        tail.prepare()
        app.admin.add_tenant(TENANT, "Acme Travel", actor="t")
        refresh = "1//0g-gmail-test-refresh-token"
        google.refresh_tokens[refresh] = EMAIL
        app.secrets.put_secret(refresh_secret_name(TENANT, MAILBOX), refresh)
        mailbox = Mailbox(
            tenant_id=TENANT,
            id=MAILBOX,
            provider=Provider.GMAIL,
            address=EMAIL,
            auth_method=AuthMethod.OAUTH2,
            secret_ref=refresh_secret_name(TENANT, MAILBOX),
            oauth=OAuthGrant(
                provider=OAuthProvider.GOOGLE,
                connected_address=EMAIL,
                scopes=("https://www.googleapis.com/auth/gmail.readonly",),
            ),
        )
        app.state.put_mailbox(mailbox)
        build_gmail(app).sync.start_watch(mailbox)
        http = create_app("gmail_push", "functions/gmail_push/main.py").test_client()
        yield Gmail(app, http, standin, certs, tail, mailbox)
