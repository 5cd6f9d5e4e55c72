"""The backends the provider scenarios run against (tests/integration/providers/scenarios.py).

The app side is the same for all: the service's own Gmail or Graph sync, the OAuth token
service, in-memory state and events (a live run needs no cloud of ours: the sync is rung
directly, as a push or the safety net would). The account side is either a stand-in
(``mailingest_dev/standins``) or a real account, configured by these variables:

Gmail (``gmail-live``): ``MAILINGEST_LIVE_GMAIL_ADDRESS``, ``MAILINGEST_LIVE_GOOGLE_CLIENT_ID``,
``MAILINGEST_LIVE_GOOGLE_CLIENT_SECRET``, ``MAILINGEST_LIVE_GMAIL_REFRESH_TOKEN`` (scope
``gmail.modify``), ``MAILINGEST_LIVE_GMAIL_TOPIC`` (``projects/P/topics/T``, which
``gmail-api-push@system.gserviceaccount.com`` may publish to), and optionally
``MAILINGEST_LIVE_GMAIL_LABEL`` (a label of the account, by name; ``mailingest-live``).

Microsoft 365 (``graph-live``): ``MAILINGEST_LIVE_M365_ADDRESS``,
``MAILINGEST_LIVE_MICROSOFT_CLIENT_ID``, ``MAILINGEST_LIVE_MICROSOFT_CLIENT_SECRET``,
``MAILINGEST_LIVE_M365_REFRESH_TOKEN`` (delegated, ``Mail.ReadWrite`` and ``Mail.Send``),
``MAILINGEST_LIVE_GRAPH_NOTIFICATION_URL`` (a public HTTPS URL that answers Graph's
validation handshake, e.g. a deployed ``graph_webhook``), and optionally
``MAILINGEST_LIVE_MICROSOFT_AUTHORITY`` (``…/organizations``) and
``MAILINGEST_LIVE_M365_FOLDER`` (``Inbox``: a new mail is sent to the mailbox itself)."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from cryptography.fernet import Fernet

from mailingest_dev.local_graph import LocalGraph
from mailingest_dev.standins.gmail_api import GmailStandIn, running_gmail
from mailingest_dev.standins.google_oauth import google_stand_in
from mailingest_dev.standins.graph_api import GraphStandIn, running_graph
from mailingest_dev.standins.microsoft_identity import microsoft_stand_in
from mailingest_dev.standins.serve import SHUTDOWN_POLL_S
from shared.adapters.memory_sinks import InMemoryEventSink
from shared.bootstrap import App, build_app, build_gmail_sync, build_graph_sync, build_oauth
from shared.config import OAuthSettings, Settings
from shared.domain.models import AuthMethod, Mailbox, OAuthGrant, OAuthProvider, Provider
from shared.ids import MailboxId, TenantId
from shared.secret_names import refresh_secret_name
from shared.service.gmail_sync import GmailSync
from shared.service.graph_sync import GraphSync

TENANT, MAILBOX = TenantId("acme"), MailboxId("scenario")
GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.modify"
GRAPH_SCOPE = "https://graph.microsoft.com/Mail.ReadWrite"
LIVE = {
    "gmail": (
        "MAILINGEST_LIVE_GMAIL_ADDRESS",
        "MAILINGEST_LIVE_GOOGLE_CLIENT_ID",
        "MAILINGEST_LIVE_GOOGLE_CLIENT_SECRET",
        "MAILINGEST_LIVE_GMAIL_REFRESH_TOKEN",
        "MAILINGEST_LIVE_GMAIL_TOPIC",
    ),
    "graph": (
        "MAILINGEST_LIVE_M365_ADDRESS",
        "MAILINGEST_LIVE_MICROSOFT_CLIENT_ID",
        "MAILINGEST_LIVE_MICROSOFT_CLIENT_SECRET",
        "MAILINGEST_LIVE_M365_REFRESH_TOKEN",
        "MAILINGEST_LIVE_GRAPH_NOTIFICATION_URL",
    ),
}


def missing_live(provider: str, env: Mapping[str, str]) -> list[str]:
    """The variables a live run of ``provider`` needs and does not have."""
    return [name for name in LIVE[provider] if not env.get(name)]


def _app_env(extra: Mapping[str, str]) -> dict[str, str]:
    return {
        "GOOGLE_CLOUD_PROJECT": "provider-scenarios",
        "MAILINGEST_STATE_BACKEND": "memory",
        "MAILINGEST_EVENTS_BACKEND": "memory",
        "MAILINGEST_SECRETS_BACKEND": "memory",
        "MAILINGEST_BLOBS_BACKEND": "memory",
        "MAILINGEST_OAUTH_STATE_KEY": Fernet.generate_key().decode(),
        "MAILINGEST_OAUTH_REDIRECT_URI": "https://localhost/oauth_callback",
        "MAILINGEST_SETTINGS_URL": "https://localhost/",
        **extra,
    }


def _raw(to: str, subject: str, n: str = "") -> bytes:
    return (
        f"From: reservations@hotel.example\r\nTo: {to}\r\n"
        f"Message-ID: <scenario-{n}{uuid.uuid4().hex}@hotel.example>\r\n"
        f"Subject: {subject}\r\n\r\nBooking confirmed.\r\n"
    ).encode()


class Account(Protocol):
    old: list[str]

    def add_mail(self, subject: str) -> str: ...
    def touch(self, message_id: str) -> None: ...
    def push_active(self) -> bool: ...


class ProviderBackend:
    """The app side, the same for every backend of a provider."""

    def __init__(
        self, name: str, env: Mapping[str, str], mailbox: Mailbox, refresh: str, account: Account
    ) -> None:
        self.name = name
        self.app: App = build_app(Settings.from_env(env))
        self.app.admin.add_tenant(TENANT, "Acme", actor="scenario")
        self.app.secrets.put_secret(refresh_secret_name(TENANT, MAILBOX), refresh)
        self.app.state.put_mailbox(mailbox)
        self.tokens = tokens = build_oauth(self.app, OAuthSettings.from_env(env)).tokens
        self.gmail: GmailSync | None = None
        self.graph: GraphSync | None = None
        if mailbox.provider is Provider.GMAIL:
            self.gmail = build_gmail_sync(self.app, tokens.access_token)
        else:
            self.graph = build_graph_sync(self.app, tokens.access_token)
        self.account = account
        self.old = account.old

    @property
    def mailbox(self) -> Mailbox:
        return self.app.state.get_mailbox(TENANT, MAILBOX)

    def access_token(self) -> str:
        """The token service's current access token for the mailbox (a live account's calls)."""
        return self.tokens.access_token(self.mailbox)

    def connect(self) -> None:
        if self.gmail is not None:
            self.gmail.start_watch(self.mailbox)
        elif self.graph is not None:
            self.graph.connect(self.mailbox)

    def add_mail(self, subject: str) -> str:
        return self.account.add_mail(subject)

    def touch(self, message_id: str) -> None:
        self.account.touch(message_id)

    def doorbell(self) -> None:
        if self.gmail is not None:
            self.gmail.sync(self.mailbox)
        elif self.graph is not None:
            self.graph.sync(self.mailbox)

    def published(self) -> list[str]:
        events = self.app.events
        assert isinstance(events, InMemoryEventSink)
        found = [json.loads(m.data) for m in events.messages]
        return [str(e.get("subject")) for e in found if e.get("mailbox_id") == MAILBOX]

    def renew(self) -> bool:
        field = "watch_expiration_ms" if self.gmail is not None else "subscription_expires_ms"
        soon = int((datetime.now(UTC) + timedelta(minutes=1)).timestamp() * 1000)
        cursor = self.app.state.get_cursor(TENANT, MAILBOX)
        self.app.state.compare_and_set_cursor(
            TENANT, MAILBOX, cursor.version, {**cursor.value, field: soon}
        )
        if self.gmail is not None:
            renewed = self.gmail.renew_if_due(self.mailbox)
        else:
            assert self.graph is not None
            renewed = self.graph.renew_if_due(self.mailbox) == "renewed"
        later = int(self.app.state.get_cursor(TENANT, MAILBOX).value.get(field) or 0)
        return renewed and later > soon

    def push_active(self) -> bool:
        return self.account.push_active()

    def disconnect(self) -> None:
        if self.gmail is not None:
            self.gmail.stop_watch(self.mailbox)
        elif self.graph is not None:
            self.graph.disconnect(self.mailbox)


def _mailbox(provider: Provider, address: str, folder: str, grant: OAuthGrant) -> Mailbox:
    return Mailbox(
        tenant_id=TENANT,
        id=MAILBOX,
        provider=provider,
        address=address,
        folder=folder,
        auth_method=AuthMethod.OAUTH2,
        secret_ref=refresh_secret_name(TENANT, MAILBOX),
        oauth=grant,
    )


# -- the stand-ins ------------------------------------------------------------------------------


class StandInGmail:
    def __init__(self, standin: GmailStandIn, email: str, label: str) -> None:
        self.standin, self.email, self.label = standin, email, label
        self.old = [self.add_mail(f"old {n}") for n in range(2)]

    def add_mail(self, subject: str) -> str:
        raw = _raw(self.email, subject)
        return self.standin.insert(self.email, raw, labels=(self.label, "UNREAD"), notify=False)

    def touch(self, message_id: str) -> None:
        self.standin.relabel(
            self.email, message_id, add=("STARRED",), remove=("UNREAD",), notify=False
        )

    def push_active(self) -> bool:
        return self.standin.accounts[self.email].watch is not None


class StandInGraph:
    def __init__(self, standin: GraphStandIn, user: str, folder: str) -> None:
        self.standin, self.user, self.folder = standin, user, folder
        day_ago = datetime.now(UTC) - timedelta(days=1)
        self.old = [
            standin.deliver(
                user, _raw(user, f"old {n}"), notify=False, folder=folder, received=day_ago
            )
            for n in range(2)
        ]

    def add_mail(self, subject: str) -> str:
        return self.standin.deliver(
            self.user, _raw(self.user, subject), notify=False, folder=self.folder
        )

    def touch(self, message_id: str) -> None:
        self.standin.user_changes(self.user, message_id, read=True, flagged=True)

    def push_active(self) -> bool:
        return any(s.user == self.user.lower() for s in self.standin.subscriptions.values())


@contextmanager
def validation_responder() -> Iterator[str]:
    """A loopback notification URL that answers Graph's validation handshake (Graph calls it
    when a subscription is made) and accepts notifications: the scenarios ring the sync
    themselves."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            token = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get(
                "validationToken"
            )
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = token[0].encode() if token else b""
            self.send_response(200 if token else 202)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def standin_backend(provider: str, tmp: Path) -> Iterator[ProviderBackend]:
    with ExitStack() as stack:
        if provider == "gmail":
            google = stack.enter_context(google_stand_in())
            gmail = stack.enter_context(running_gmail())
            gmail.authorize = lambda token: google.access_tokens.get(token)
            email = "bookings@agency.example"
            gmail.add_account(email, "unused-static-token")
            label = gmail.add_label(email, "Bookings")
            refresh = "1//0g-scenario-refresh-token"
            google.refresh_tokens[refresh] = email
            env = _app_env(
                {
                    "MAILINGEST_GOOGLE_CLIENT_ID": google.client_id,
                    "MAILINGEST_GOOGLE_CLIENT_SECRET": google.client_secret,
                    "MAILINGEST_GOOGLE_TOKEN_URI": f"{google.base_url}/token",
                    "MAILINGEST_GMAIL_API_ENDPOINT": gmail.base_url,
                    "MAILINGEST_GMAIL_TOPIC": "projects/provider-scenarios/topics/gmail-push",
                }
            )
            grant = OAuthGrant(
                provider=OAuthProvider.GOOGLE, connected_address=email, scopes=(GMAIL_READONLY,)
            )
            account: Account = StandInGmail(gmail, email, label)
            mailbox = _mailbox(Provider.GMAIL, email, "Bookings", grant)
            yield ProviderBackend("gmail-standin", env, mailbox, refresh, account)
            return
        identity = stack.enter_context(microsoft_stand_in(tmp))
        graph = stack.enter_context(running_graph())
        graph.authorize = lambda token: identity.access_tokens.get(token)
        graph.scopes_of = lambda token: identity.access_scopes.get(token)
        webhook = stack.enter_context(validation_responder())
        user = "reservations@contoso.example"
        graph.add_user(user)
        folder = graph.add_folder(user, "Bookings")
        refresh = "0.AR-scenario-refresh-token"
        with identity.lock:
            identity.refresh_tokens[refresh] = user
        env = _app_env(LocalGraph("provider-scenarios", identity, graph).env(webhook))
        grant = OAuthGrant(
            provider=OAuthProvider.MICROSOFT,
            connected_address=user,
            scopes=(GRAPH_SCOPE,),
            directory_tenant=identity.tenant,
        )
        account = StandInGraph(graph, user, folder)
        mailbox = _mailbox(Provider.GRAPH, user, "Bookings", grant)
        yield ProviderBackend("graph-standin", env, mailbox, refresh, account)


# -- real accounts ------------------------------------------------------------------------------


def _call(
    method: str, url: str, token: str, body: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
    return json.loads(text) if text else {}


class LiveGmail:
    """A real Gmail account, through the Gmail API's REST endpoints."""

    API = "https://gmail.googleapis.com/gmail/v1/users/me"

    def __init__(self, token: Callable[[], str], email: str, label: str, app: App) -> None:
        self.token, self.email, self.app = token, email, app
        labels = _call("GET", f"{self.API}/labels", self.token())["labels"]
        self.label = next(x["id"] for x in labels if x["name"] == label)
        self.old = [self.add_mail(f"old {n}") for n in range(2)]

    def add_mail(self, subject: str) -> str:
        raw = base64.urlsafe_b64encode(_raw(self.email, subject)).decode()
        body = {"raw": raw, "labelIds": [self.label, "UNREAD"]}
        return str(_call("POST", f"{self.API}/messages", self.token(), body)["id"])

    def touch(self, message_id: str) -> None:
        body = {"addLabelIds": ["STARRED"], "removeLabelIds": ["UNREAD"]}
        _call("POST", f"{self.API}/messages/{message_id}/modify", self.token(), body)

    def push_active(self) -> bool:
        """Gmail lists no watches: the one our stop did not end is the one still dated."""
        value = self.app.state.get_cursor(TENANT, MAILBOX).value
        return int(value.get("watch_expiration_ms") or 0) > time.time() * 1000


class LiveGraph:
    """A real Microsoft 365 mailbox, through Graph."""

    API = "https://graph.microsoft.com/v1.0"

    def __init__(self, token: Callable[[], str], user: str, folder: str) -> None:
        self.token, self.user, self.folder = token, user, folder
        quoted = urllib.parse.quote(user)
        listed = _call(
            "GET",
            f"{self.API}/users/{quoted}/mailFolders/{folder}/messages?$top=2&$select=id",
            self.token(),
        )
        self.old = [m["id"] for m in listed.get("value", [])]

    def add_mail(self, subject: str) -> str:
        message = {
            "subject": subject,
            "body": {"contentType": "Text", "content": "Booking confirmed."},
            "toRecipients": [{"emailAddress": {"address": self.user}}],
        }
        quoted = urllib.parse.quote(self.user)
        _call("POST", f"{self.API}/users/{quoted}/sendMail", self.token(), {"message": message})
        return ""

    def touch(self, message_id: str) -> None:
        body = {"isRead": True, "flag": {"flagStatus": "flagged"}}
        quoted = urllib.parse.quote(self.user)
        _call("PATCH", f"{self.API}/users/{quoted}/messages/{message_id}", self.token(), body)

    def push_active(self) -> bool:
        subscriptions = _call("GET", f"{self.API}/subscriptions", self.token())
        return any(self.user.lower() in s["resource"].lower() for s in subscriptions["value"])


@contextmanager
def live_backend(provider: str, env: Mapping[str, str]) -> Iterator[ProviderBackend]:
    """A real account's backend; the caller has checked ``missing_live`` is empty."""
    if provider == "gmail":
        email = env["MAILINGEST_LIVE_GMAIL_ADDRESS"]
        app_env = _app_env(
            {
                "MAILINGEST_GOOGLE_CLIENT_ID": env["MAILINGEST_LIVE_GOOGLE_CLIENT_ID"],
                "MAILINGEST_GOOGLE_CLIENT_SECRET": env["MAILINGEST_LIVE_GOOGLE_CLIENT_SECRET"],
                "MAILINGEST_GMAIL_TOPIC": env["MAILINGEST_LIVE_GMAIL_TOPIC"],
            }
        )
        label = env.get("MAILINGEST_LIVE_GMAIL_LABEL") or "mailingest-live"
        grant = OAuthGrant(
            provider=OAuthProvider.GOOGLE, connected_address=email, scopes=(GMAIL_READONLY,)
        )
        mailbox = _mailbox(Provider.GMAIL, email, label, grant)
        backend = _live(app_env, mailbox, env["MAILINGEST_LIVE_GMAIL_REFRESH_TOKEN"])
        backend.account = LiveGmail(backend.access_token, email, label, backend.app)
    else:
        user = env["MAILINGEST_LIVE_M365_ADDRESS"]
        app_env = _app_env(
            {
                "MAILINGEST_MICROSOFT_CLIENT_ID": env["MAILINGEST_LIVE_MICROSOFT_CLIENT_ID"],
                "MAILINGEST_MICROSOFT_CLIENT_SECRET": env[
                    "MAILINGEST_LIVE_MICROSOFT_CLIENT_SECRET"
                ],
                "MAILINGEST_MICROSOFT_AUTHORITY": env.get("MAILINGEST_LIVE_MICROSOFT_AUTHORITY")
                or OAuthSettings.microsoft_authority,
                "MAILINGEST_GRAPH_NOTIFICATION_URL": env["MAILINGEST_LIVE_GRAPH_NOTIFICATION_URL"],
            }
        )
        folder = env.get("MAILINGEST_LIVE_M365_FOLDER") or "Inbox"
        grant = OAuthGrant(
            provider=OAuthProvider.MICROSOFT, connected_address=user, scopes=(GRAPH_SCOPE,)
        )
        mailbox = _mailbox(Provider.GRAPH, user, folder, grant)
        backend = _live(app_env, mailbox, env["MAILINGEST_LIVE_M365_REFRESH_TOKEN"])
        backend.account = LiveGraph(backend.access_token, user, folder)
    backend.old = backend.account.old
    try:
        yield backend
    finally:
        if backend.account.push_active():  # leave no watch or subscription behind
            backend.disconnect()


class _NoAccount:
    """Until the live account is set up (it needs the backend's token service)."""

    def __init__(self) -> None:
        self.old: list[str] = []

    def add_mail(self, subject: str) -> str:
        raise AssertionError("no account yet")

    def touch(self, message_id: str) -> None:
        raise AssertionError("no account yet")

    def push_active(self) -> bool:
        return False


def _live(env: Mapping[str, str], mailbox: Mailbox, refresh: str) -> ProviderBackend:
    name = f"{mailbox.provider.value}-live"
    return ProviderBackend(name, env, mailbox, refresh, _NoAccount())


__all__ = ["LIVE", "ProviderBackend", "live_backend", "missing_live", "standin_backend"]
