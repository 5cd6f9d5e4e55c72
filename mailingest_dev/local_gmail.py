"""The Gmail path on one machine (``make run`` and the tests): a local Google OAuth server and
Gmail API stand-in; Gmail's notifications published to the Pub/Sub emulator's Gmail topic,
whose push subscription rings the locally running ``gmail_push`` function — the same chain
as in the cloud, with the emulator in place of Pub/Sub (it sends no OIDC token, hence
``MAILINGEST_PUSH_AUTH=off``, which the configuration allows only with the emulator)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import google.cloud.pubsub_v1 as pubsub_v1

from mailingest_dev.standins.gmail_api import GmailStandIn, running_gmail
from mailingest_dev.standins.google_oauth import GoogleStandIn, google_stand_in
from shared.adapters.pubsub import ensure_push_subscription, ensure_topic
from shared.bootstrap import App
from shared.domain.models import AuthMethod, Mailbox, OAuthGrant, OAuthProvider, Provider
from shared.ids import MailboxId, TenantId
from shared.secret_names import refresh_secret_name

GMAIL_TOPIC = "gmail-push"
GMAIL_SUBSCRIPTION = "gmail-push-local"
GMAIL_SCOPE = "https://www.googleapis.com/auth/gmail.readonly"


@dataclass
class LocalGmail:
    project: str
    google: GoogleStandIn
    gmail: GmailStandIn
    publisher: pubsub_v1.PublisherClient

    @property
    def topic_path(self) -> str:
        return f"projects/{self.project}/topics/{GMAIL_TOPIC}"

    def env(self) -> dict[str, str]:
        """What the functions and the CLI need to reach the local Google pieces."""
        return {
            "MAILINGEST_GOOGLE_CLIENT_ID": self.google.client_id,
            "MAILINGEST_GOOGLE_CLIENT_SECRET": self.google.client_secret,
            "MAILINGEST_GOOGLE_AUTH_URI": f"{self.google.base_url}/auth",
            "MAILINGEST_GOOGLE_TOKEN_URI": f"{self.google.base_url}/token",
            "MAILINGEST_GMAIL_API_ENDPOINT": self.gmail.base_url,
            "MAILINGEST_GMAIL_TOPIC": self.topic_path,
            "MAILINGEST_PUSH_AUTH": "off",
        }

    def _notify(self, email: str, history_id: int) -> None:
        """What Gmail publishes after users.watch (developers.google.com/gmail/api/guides/push)."""
        data = json.dumps({"emailAddress": email, "historyId": history_id}).encode()
        self.publisher.publish(self.topic_path, data).result(timeout=30)

    def push_to(self, endpoint: str) -> None:
        """A push subscription on the Gmail topic delivering to ``endpoint``."""
        ensure_push_subscription(self.project, GMAIL_TOPIC, GMAIL_SUBSCRIPTION, endpoint)

    def connect(self, app: App, tenant: TenantId, mailbox_id: MailboxId, email: str) -> Mailbox:
        """What the connect flow leaves behind for a Gmail API mailbox: the account's grant
        (refresh token in the secret store) and the mailbox; the caller starts the watch."""
        self.gmail.add_account(email, "unused-" + secrets.token_hex(8))
        refresh = "1//0g" + secrets.token_urlsafe(24)
        with self.google.lock:
            self.google.refresh_tokens[refresh] = email
        secret = refresh_secret_name(tenant, mailbox_id)
        app.secrets.put_secret(secret, refresh)
        mailbox = Mailbox(
            tenant_id=tenant,
            id=mailbox_id,
            provider=Provider.GMAIL,
            address=email,
            purpose="booking",
            auth_method=AuthMethod.OAUTH2,
            secret_ref=secret,
            oauth=OAuthGrant(
                provider=OAuthProvider.GOOGLE, connected_address=email, scopes=(GMAIL_SCOPE,)
            ),
        )
        app.state.put_mailbox(mailbox)
        return mailbox


@contextmanager
def local_gmail(project: str) -> Iterator[LocalGmail]:
    """Needs ``PUBSUB_EMULATOR_HOST`` in the environment."""
    with ExitStack() as stack:
        google = stack.enter_context(google_stand_in())
        gmail = stack.enter_context(running_gmail())
        gmail.authorize = lambda token: google.access_tokens.get(token)
        publisher = pubsub_v1.PublisherClient()
        stack.callback(publisher.transport.close)
        ensure_topic(project, GMAIL_TOPIC)
        local = LocalGmail(project, google, gmail, publisher)
        gmail.notify = local._notify
        yield local
