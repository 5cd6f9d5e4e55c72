"""Connecting a mailbox as an agency's admin does it, in headless Chromium: the settings page's
"Connect with Google (Gmail API)" / "Connect with Microsoft (Microsoft 365)" through the real
``oauth_start`` and ``oauth_callback`` (functions-framework) to the local identity
stand-ins' consent pages and back, and "Test connection" against the real Dovecot.

    connect_stack (session)   the settings, oauth_start, oauth_callback and graph_webhook
                              functions on loopback, wired to the Google and Microsoft
                              identity stand-ins (the Microsoft one over HTTPS, as MSAL
                              wants), a Gmail API and a Graph stand-in, the Firestore
                              emulator, Dovecot (its CA trusted by the page) and the IAP
                              stand-in
    connect_console           per test: the database emptied, tenants acme and globex

Screenshots land in build/screenshots/."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from mailingest_dev.devstack.process import free_port
from mailingest_dev.local_functions import serving_function
from mailingest_dev.standins.gmail_api import GmailStandIn, running_gmail
from mailingest_dev.standins.google_oauth import GoogleStandIn, google_stand_in
from mailingest_dev.standins.graph_api import GraphStandIn, running_graph
from mailingest_dev.standins.microsoft_identity import MicrosoftStandIn, microsoft_stand_in
from shared.domain.models import Mailbox, OAuthProvider, Provider, TlsMode
from shared.errors import NotFound
from shared.ids import MailboxId, TenantId
from shared.secret_names import owned_refresh_token, password_secret_name
from tests.browser.conftest import Console, console_on
from tests.fakes.iap import IapStandIn
from tests.integration.settings_fixtures import ACME, settings_env

pytestmark = pytest.mark.integration
ACME_ID = TenantId("acme")
BOOKING = MailboxId("booking")
# the served functions: (target, folder under functions/)
FUNCTIONS = (
    ("settings", "settings"),
    ("oauth_start", "oauth"),
    ("oauth_callback", "oauth"),
    ("graph_webhook", "graph_webhook"),
)


@dataclass(frozen=True)
class ConnectStack:
    settings_url: str
    callback_url: str
    google: GoogleStandIn
    microsoft: MicrosoftStandIn
    gmail: GmailStandIn
    graph: GraphStandIn
    logs: Path  # the functions' logs
    env: dict[str, str] = field(repr=False)


def _env(services: Any, iap: IapStandIn, tmp: Path, urls: dict[str, str]) -> dict[str, str]:
    return {
        **services.env(),
        **iap.env(),
        "GOOGLE_CLOUD_PROJECT": services.project_id,
        "MAILINGEST_ALLOW_PRIVATE_HOSTS": "true",  # Dovecot on 127.0.0.1
        "MAILINGEST_IMAP_CA_FILE": str(services.dovecot.ca_cert),  # "Test connection" trusts it
        **settings_env(tmp),  # one encrypted secrets file: the functions and the tests
        "MAILINGEST_BLOBS_BACKEND": "memory",
        "MAILINGEST_OAUTH_START_URL": f"{urls['oauth_start']}oauth_start",
        "MAILINGEST_OAUTH_REDIRECT_URI": f"{urls['oauth_callback']}oauth_callback",
        "MAILINGEST_SETTINGS_URL": urls["settings"],
        "MAILINGEST_GRAPH_NOTIFICATION_URL": urls["graph_webhook"],
        "MAILINGEST_GMAIL_TOPIC": f"projects/{services.project_id}/topics/gmail-push",
    }


def _provider_env(
    google: GoogleStandIn, ms: MicrosoftStandIn, gmail: GmailStandIn, graph: GraphStandIn
) -> dict[str, str]:
    return {
        "MAILINGEST_GOOGLE_CLIENT_ID": google.client_id,
        "MAILINGEST_GOOGLE_CLIENT_SECRET": google.client_secret,
        "MAILINGEST_GOOGLE_AUTH_URI": f"{google.base_url}/auth",
        "MAILINGEST_GOOGLE_TOKEN_URI": f"{google.base_url}/token",
        "MAILINGEST_MICROSOFT_CLIENT_ID": ms.client_id,
        "MAILINGEST_MICROSOFT_CLIENT_SECRET": ms.client_secret,
        "MAILINGEST_MICROSOFT_AUTHORITY": ms.authority,
        "MAILINGEST_OAUTH_CA_FILE": str(ms.ca_file),
        "MAILINGEST_GMAIL_API_ENDPOINT": gmail.base_url,
        "MAILINGEST_GRAPH_API_ENDPOINT": graph.base_url + "v1.0",
    }


@pytest.fixture(scope="session")
def connect_stack(
    _service_pool: Any, _iap_server: IapStandIn, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConnectStack]:
    services = _service_pool.need(["firestore", "dovecot"])
    tmp = tmp_path_factory.mktemp("connect-browser")
    urls = {name: f"http://127.0.0.1:{free_port()}/" for name, _ in FUNCTIONS}
    with ExitStack() as stack:
        google = stack.enter_context(google_stand_in())
        ms = stack.enter_context(microsoft_stand_in(tmp))
        gmail = stack.enter_context(running_gmail())
        gmail.authorize = lambda token: google.access_tokens.get(token)
        graph = stack.enter_context(running_graph())
        graph.authorize = lambda token: ms.access_tokens.get(token)
        env = {**_env(services, _iap_server, tmp, urls), **_provider_env(google, ms, gmail, graph)}
        callback = env["MAILINGEST_OAUTH_REDIRECT_URI"]
        google.redirect_uris.add(callback)  # registered with both "providers"
        ms.redirect_uris.add(callback)
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        for key, value in env.items():
            patch.setenv(key, value)
        for target, folder in FUNCTIONS:
            port = urlsplit(urls[target]).port
            log = tmp / f"{target}.log"
            stack.enter_context(serving_function(target, log, port=port, folder=folder))
        patch.undo()  # the children have their environment; the session's is left as it was
        yield ConnectStack(urls["settings"], callback, google, ms, gmail, graph, tmp, env)


@pytest.fixture
def connect_console(
    request: pytest.FixtureRequest,
    connect_stack: ConnectStack,
    firestore_client: Any,  # empties the database
    iap: IapStandIn,
    chromium: Browser,
) -> Iterator[Console]:
    url, env = connect_stack.settings_url, connect_stack.env
    with console_on(request, url, env, iap, chromium, prefix="connect-") as console:
        yield console


def _open(console: Console, email: str = ACME, query: str = "&open=booking") -> Page:
    """The settings page signed in as ``email`` (by default with the booking mailbox's card
    open); the Microsoft stand-in's self-signed certificate is accepted in this context only
    (the functions verify it: its CA file)."""
    return console.open_as(email, ignore_https_errors=True, timeout_ms=15_000, query=query)


def _seed_mailbox(console: Console) -> Mailbox:
    """An IMAP mailbox with a password: what an agency has before it connects with OAuth."""
    mailbox = Mailbox(
        tenant_id=ACME_ID,
        id=BOOKING,
        provider=Provider.IMAP,
        address="booking@acme.example",
        host="127.0.0.1",
        port=993,
        tls=TlsMode.TLS,
        username="booking@acme.example",
    )
    console.app.admin.add_mailbox(mailbox, password="Seeded-Pass-1", actor="t")
    return console.app.state.get_mailbox(ACME_ID, BOOKING)


def _consent(page: Page, button: str, heading: str, account: str | None = None) -> None:
    page.locator("#mailbox-booking").get_by_role("link", name=button).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    if account is not None:
        page.get_by_label("Account").fill(account)


def _secrets_in(page: Page, secrets: list[str]) -> list[str]:
    shown = page.content() + page.url
    return [s for s in secrets if s and s in shown]


def _everything_stored(client: Any) -> str:
    """Every Firestore document of the (emulated) database, as text."""
    out: list[str] = []

    def walk(collections: Any) -> None:
        for collection in collections:
            for doc in collection.list_documents():
                snapshot = doc.get()
                out.append(f"{doc.path} {snapshot.to_dict() if snapshot.exists else ''}")
                walk(doc.collections())

    walk(client.collections())
    return "\n".join(out)


@pytest.mark.parametrize(
    ("button", "provider", "account"),
    [
        ("Connect with Google (Gmail API)", "google", "bookings@acme-mail.example"),
        ("Connect with Microsoft (Microsoft 365)", "microsoft", "ops@contoso.example"),
    ],
    ids=["google", "microsoft"],
)
def test_an_admin_connects_a_mailbox_through_the_providers_consent_page(
    connect_console: Console,
    connect_stack: ConnectStack,
    firestore_client: Any,
    button: str,
    provider: str,
    account: str,
) -> None:
    console, stack = connect_console, connect_stack
    _seed_mailbox(console)
    stack.gmail.add_account(account, "unused-" + uuid.uuid4().hex)
    page = _open(console)
    expect(page.locator("#mailbox-booking")).to_contain_text("not connected with OAuth")
    heading = "Sign in with Google" if provider == "google" else "Sign in with Microsoft"
    _consent(page, button, heading, account)
    identity = stack.google if provider == "google" else stack.microsoft
    assert page.url.startswith(identity.base_url)  # the provider's page, not ours
    console.screenshot(page, f"{provider}-consent")
    with page.expect_request(lambda r: r.url.startswith(stack.callback_url)) as callback:
        page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{stack.settings_url}?*")
    query = parse_qs(urlsplit(callback.value.url).query)
    assert query.keys() >= {"code", "state"}

    # back on the settings page: what was connected, as whom, until when
    stored = console.app.state.get_mailbox(ACME_ID, BOOKING)
    grant = stored.oauth
    assert grant is not None
    assert grant.access_expires_at is not None
    expires = grant.access_expires_at.strftime("%Y-%m-%d %H:%M")
    name = "Google" if provider == "google" else "Microsoft"
    notice = page.get_by_role("status")
    expect(notice).to_contain_text(f"Mailbox booking is connected with {name} as {account}.")
    expect(notice).to_contain_text(f"Its access token expires {expires} UTC")
    card = page.locator("#mailbox-booking")
    expect(card).to_contain_text(f"Status: Connected as {account}")
    expect(card).to_contain_text(f"Token Expires: {expires}")
    expect(card).to_contain_text(
        "Provider: Gmail API" if provider == "google" else "Provider: Microsoft 365 (Graph)"
    )
    row = page.locator("[data-row=booking]")
    expect(row).to_contain_text("Gmail" if provider == "google" else "Microsoft 365")
    expect(row).to_contain_text("Sign-in (OAuth)")
    console.screenshot(page, f"{provider}-connected")
    console.section(page, "Audit")
    expect(page.locator('tr:has([data-action="oauth.connect"])')).to_contain_text(ACME)

    # the grant: the refresh token in the secret store only; the provider's API started
    assert grant.provider is OAuthProvider(provider)
    assert (grant.connected_address, grant.connected_by) == (account, ACME)
    assert stored.provider is (Provider.GMAIL if provider == "google" else Provider.GRAPH)
    assert stored.secret_ref is not None
    refresh = console.app.secrets.get_secret(
        owned_refresh_token(stored.tenant_id, stored.id, stored.secret_ref)
    )
    assert refresh in identity.refresh_tokens
    assert refresh not in stored.model_dump_json()
    if provider == "google":
        assert stack.gmail.accounts[account].watch is not None  # users.watch on connect
    else:
        assert grant.directory_tenant == stack.microsoft.tenant
        assert account in [s.user for s in stack.graph.subscriptions.values()]
    # no token or code anywhere but the secret store: not the page, its URL, Firestore, logs
    tokens = [refresh, *identity.access_tokens, *identity.refresh_tokens, *query["code"]]
    assert _secrets_in(page, tokens) == []
    stored_text = _everything_stored(firestore_client)
    assert f"mailboxes/{BOOKING}" in stored_text
    logs = "".join(p.read_text(errors="replace") for p in stack.logs.glob("*.log"))
    assert [t for t in tokens if t in stored_text or t in logs] == []
    assert console.dialogs == []


@pytest.mark.parametrize(
    ("button", "provider"),
    [
        ("Connect with Google (Gmail API)", "google"),
        ("Connect with Microsoft (Microsoft 365)", "microsoft"),
    ],
    ids=["google", "microsoft"],
)
def test_a_refused_consent_says_so_plainly_and_changes_nothing(
    connect_console: Console, connect_stack: ConnectStack, button: str, provider: str
) -> None:
    console = connect_console
    before = _seed_mailbox(console)
    audit_before = console.app.state.list_audit(ACME_ID)
    identity = connect_stack.google if provider == "google" else connect_stack.microsoft
    token_calls = len(identity.requests)
    page = _open(console)
    heading = "Sign in with Google" if provider == "google" else "Sign in with Microsoft"
    _consent(page, button, heading)
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_url(f"{connect_stack.settings_url}?*")
    assert parse_qs(urlsplit(page.url).query)["error"] == ["access_denied"]
    name = "Google" if provider == "google" else "Microsoft"
    expect(page.get_by_role("status")).to_have_text(
        f"Mailbox booking was not connected with {name}: the sign-in was cancelled or access "
        "was not allowed. Nothing was changed."
    )
    expect(page.locator("#mailbox-booking")).to_contain_text("not connected with OAuth")
    console.screenshot(page, f"{provider}-refused")
    assert console.app.state.get_mailbox(ACME_ID, BOOKING) == before
    assert console.app.state.list_audit(ACME_ID) == audit_before
    assert len(identity.requests) == token_calls  # no code, no token request


def test_a_forged_or_replayed_state_is_refused(
    connect_console: Console, connect_stack: ConnectStack
) -> None:
    console, stack = connect_console, connect_stack
    _seed_mailbox(console)
    account = "bookings@acme-mail.example"
    stack.gmail.add_account(account, "unused-" + uuid.uuid4().hex)
    page = _open(console)
    _consent(page, "Connect with Google (Gmail API)", "Sign in with Google", account)
    with page.expect_request(lambda r: r.url.startswith(stack.callback_url)) as callback:
        page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{stack.settings_url}?*")
    connected = console.app.state.get_mailbox(ACME_ID, BOOKING)
    audit = console.app.state.list_audit(ACME_ID)
    assert connected.secret_ref is not None
    refresh = console.app.secrets.get_secret(
        owned_refresh_token(connected.tenant_id, connected.id, connected.secret_ref)
    )

    # the same callback again (a replay from the history, or a leaked URL): refused
    answer = page.goto(callback.value.url)
    assert answer is not None
    assert answer.status == 400
    expect(page.locator("body")).to_have_text(
        "bad request: this sign-in was already used (OAuth state already used): "
        "start again from the settings page"
    )
    console.screenshot(page, "replayed")
    # a state that is not ours, with a code the provider would accept: refused
    query = parse_qs(urlsplit(callback.value.url).query)
    code = stack.google.consent("challenge", account, None)
    forged = f"{stack.callback_url}?state=gAAAAAforged&code={code}"
    answer = page.goto(forged)
    assert answer is not None
    assert answer.status == 400
    expect(page.locator("body")).to_have_text(
        "bad request: this sign-in is not valid or has expired (invalid OAuth state): "
        "start again from the settings page"
    )
    assert code in stack.google.codes  # never exchanged
    assert query["code"][0] not in stack.google.codes  # the real one was used once
    # nothing changed by either
    assert console.app.state.get_mailbox(ACME_ID, BOOKING) == connected
    assert (
        console.app.secrets.get_secret(
            owned_refresh_token(connected.tenant_id, connected.id, connected.secret_ref)
        )
        == refresh
    )
    assert console.app.state.list_audit(ACME_ID) == audit


def _test_connection(page: Page, **fields: str) -> None:
    form = page.locator("#mailbox-form")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        form.get_by_role("button", name="Test connection").click()
    assert answer.value.status == 200


def test_test_connection_against_dovecot_says_what_works_and_saves_nothing(
    connect_console: Console, dovecot: Any
) -> None:
    console = connect_console
    user, password = f"t{uuid.uuid4().hex[:10]}@test.example", uuid.uuid4().hex
    dovecot.add_user(user, password)
    audit = console.app.state.list_audit(ACME_ID)
    page = _open(console, query="&add=imap")
    where = f"{dovecot.host}:{dovecot.imaps_port}"
    _test_connection(
        page,
        mailbox="frontdesk",  # no other test stores a secret under this name
        address="frontdesk@acme.example",
        provider="imap",
        host=dovecot.host,
        port=str(dovecot.imaps_port),
        tls="tls",
        auth_method="password",
        username=user,
        password=password,
    )
    steps = page.locator("#tested li")
    expect(steps).to_have_text(
        [
            f"✔ Address: {dovecot.host} found",
            f"✔ Connection: connected securely to {where}",
            f"✔ Login: logged in as {user}",
            "✔ Folder: folder INBOX opened",
        ]
    )
    expect(page.locator("#tested")).to_contain_text("Nothing was saved.")
    # what was typed is kept for the Save that follows; the password never comes back
    form = page.locator("#mailbox-form")
    expect(form.locator("[name=username]")).to_have_value(user)
    expect(form.locator("[name=password]")).to_have_value("")
    assert password not in page.content()
    console.screenshot(page, "good-password")

    _test_connection(page, password="not-" + password)
    expect(steps).to_have_text(
        [
            f"✔ Address: {dovecot.host} found",
            f"✔ Connection: connected securely to {where}",
            f"✘ Login: the server refused the login {user}",
        ]
    )
    assert password not in page.content()
    console.screenshot(page, "bad-password")
    # neither test saved anything: no mailbox, no secret; each is audited without the password
    assert console.app.state.list_mailboxes(ACME_ID) == []
    with pytest.raises(NotFound):
        console.app.secrets.get_secret(password_secret_name("acme", "frontdesk"))
    tests = console.app.state.list_audit(ACME_ID)[: -len(audit) or None]
    assert [(e.action, e.details["outcome"]) for e in tests] == [
        ("mailbox.test_connection", "login failed"),
        ("mailbox.test_connection", "ok"),
    ]
    assert password not in repr([e.details for e in tests])
    expect(page.get_by_text("No mailboxes yet.")).to_be_visible()
