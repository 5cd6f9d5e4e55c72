"""The settings page through its HTTP function: what an admin sees, that tenants never see
each other's mailboxes, CSRF on the form, and that no secret reaches the page."""

from __future__ import annotations

import io
import json
import os
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from shared.domain.models import (
    AuthMethod,
    HealthUpdate,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
    Provider,
)
from shared.errors import NotFound, ValidationError
from shared.ids import MailboxId, TenantId
from shared.secret_names import password_secret_name, refresh_secret_name
from shared.service.admin import Admin
from tests.fakes.iap import IapStandIn
from tests.integration.settings_fixtures import ACME, GLOBEX
from tests.integration.settings_fixtures import csrf as _csrf

pytestmark = pytest.mark.integration
PASSWORD = "Hotel-Imap-Pass-42"


def _follow(http: Any, answer: Any, iap: IapStandIn, admin: str = ACME) -> Any:
    """The GET a browser makes after a 303 (Post/Redirect/Get)."""
    assert answer.status_code == 303, answer.text[:500]
    location = urljoin("/?tenant=acme", answer.headers["Location"]).partition("#")[0]
    page = http.get(location, headers=iap.headers(admin))
    assert page.status_code == 200
    return page


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


def test_admin_adds_a_mailbox_and_sees_its_health(client: Any, iap: IapStandIn) -> None:
    http, app = client
    page = http.get("/?tenant=acme", headers=iap.headers(ACME))
    assert page.status_code == 200
    saved = http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(_csrf(page.text)))
    assert saved.status_code == 303
    assert "mailbox booking saved" in _follow(http, saved, iap).text
    now = datetime.now(UTC)
    assert app.state.try_acquire_lease("acme/booking", "w1", timedelta(minutes=5)) is not None
    app.state.update_health(
        TenantId("acme"),
        MailboxId("booking"),
        HealthUpdate(state=MailboxState.IDLE, last_sync_at=now, processed=47),
        now,
    )
    html = http.get("/?tenant=acme&open=booking", headers=iap.headers(ACME)).text
    assert "Email Configuration" in html
    assert "booking@acme.example" in html
    assert "Connect with Google" in html
    assert (
        "https://fn.example/oauth_start?tenant=acme&amp;mailbox=booking&amp;mode=imap&amp;provider=google"
        in html
    )
    assert "47 emails today" in html
    assert "Connected" in html
    assert 'Folder to monitor: <input value="Bookings"' in html
    for secret in (PASSWORD, "mailingest-password-t4-acme-m7-booking"):
        assert secret not in html
    assert app.secrets.get_secret("mailingest-password-t4-acme-m7-booking") == PASSWORD
    api = json.loads(http.get("/?tenant=acme&format=json", headers=iap.headers(ACME)).text)
    assert api[0]["health"]["processed_24h"] == 47
    assert "secret_ref" not in api[0]["mailbox"]


def test_tenants_never_see_each_other(client: Any, iap: IapStandIn) -> None:
    http, _ = client
    page = http.get("/?tenant=acme", headers=iap.headers(ACME))
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(_csrf(page.text)))
    assert http.get("/?tenant=acme", headers=iap.headers(GLOBEX)).status_code == 403
    assert http.get("/?tenant=acme&format=json", headers=iap.headers(GLOBEX)).status_code == 403
    assert http.get("/?tenant=acme").status_code == 403  # nobody signed in
    globex = http.get("/?tenant=globex", headers=iap.headers(GLOBEX)).text
    assert "booking@acme.example" not in globex
    # a globex admin cannot write into acme with their own form token either
    token = _csrf(globex)
    assert (
        http.post("/?tenant=acme", headers=iap.headers(GLOBEX), data=_form(token)).status_code
        == 403
    )


def test_a_tenant_that_does_not_exist_answers_as_one_of_someone_else(
    client: Any, iap: IapStandIn
) -> None:
    """Tenant ids cannot be enumerated: another tenant's and no tenant answer alike."""
    http, _ = client
    for query in ("", "&format=json", "&edit=booking", "&events=older"):
        foreign = http.get(f"/?tenant=acme{query}", headers=iap.headers(GLOBEX))
        absent = http.get(f"/?tenant=no-such-agency{query}", headers=iap.headers(GLOBEX))
        invalid = http.get(f"/?tenant=NOT%20AN%20ID{query}", headers=iap.headers(GLOBEX))
        assert foreign.status_code == absent.status_code == invalid.status_code == 403
        assert foreign.text == absent.text.replace("no-such-agency", "acme")
    token = _csrf(http.get("/?tenant=globex", headers=iap.headers(GLOBEX)).text)
    posts = [
        http.post(f"/?tenant={t}", headers=iap.headers(GLOBEX), data=_form(token, tenant=t))
        for t in ("acme", "no-such-agency")
    ]
    assert [p.status_code for p in posts] == [403, 403]
    assert posts[0].text == posts[1].text.replace("no-such-agency", "acme")


def test_a_form_without_a_valid_csrf_token_is_refused(client: Any, iap: IapStandIn) -> None:
    http, app = client
    response = http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form("0" * 64))
    assert response.status_code == 400
    assert app.state.list_mailboxes(TenantId("acme")) == []


def test_invalid_settings_are_a_clear_error(client: Any, iap: IapStandIn) -> None:
    http, _ = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    bad = http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token, tls="plain"))
    assert bad.status_code == 422
    assert "loopback" in bad.text


@pytest.mark.parametrize(
    "change",
    [
        {"host": "imap.attacker.example"},
        {"port": "2993"},
        {"tls": "starttls"},
        {"username": "someone-else"},
        {"provider": "pop3"},
    ],
)
def test_changing_the_server_or_login_asks_for_the_password_again(
    client: Any, iap: IapStandIn, change: dict[str, str]
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    assert (
        http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token)).status_code == 303
    )
    before = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    # same settings, no password: the stored one is kept
    same = http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token, password=""))
    assert same.status_code == 303
    # a new server or login without a password: refused, the stored password never follows
    moved = http.post(
        "/?tenant=acme", headers=iap.headers(ACME), data=_form(token, password="", **change)
    )
    assert moved.status_code == 422
    assert "enter the password again" in moved.text
    assert app.state.get_mailbox(TenantId("acme"), MailboxId("booking")).host == before.host
    # with the password typed again the change is saved
    again = http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token, **change))
    assert again.status_code == 303
    assert app.state.get_mailbox(TenantId("acme"), MailboxId("booking")) != before


@pytest.mark.parametrize(
    "host",
    [
        "169.254.169.254",
        "metadata.google.internal",
        "10.0.0.5",
        "[::ffff:169.254.169.254]",
        "::ffff:169.254.169.254",
        "localhost",
        "127.0.0.1",
        "fd00::5",
    ],
)
def test_production_refuses_to_save_a_private_or_internal_host(
    client: Any, iap: IapStandIn, host: str
) -> None:
    http, app = client
    os.environ["MAILINGEST_ALLOW_PRIVATE_HOSTS"] = "false"  # production (the page is built lazily)
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    saved = http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token, host=host))
    assert saved.status_code == 422
    assert "not allowed" in saved.text or "does not resolve" in saved.text
    assert app.state.list_mailboxes(TenantId("acme")) == []
    with pytest.raises(NotFound):  # nothing written before the check
        app.secrets.get_secret("mailingest-password-t4-acme-m7-booking")


def _assert_page_headers(response: Any) -> None:
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_every_answer_forbids_framing_and_sniffing(client: Any, iap: IapStandIn) -> None:
    http, _ = client
    page = http.get("/?tenant=acme", headers=iap.headers(ACME))
    _assert_page_headers(page)
    _assert_page_headers(http.get("/?tenant=acme&format=json", headers=iap.headers(ACME)))
    _assert_page_headers(http.get("/?tenant=acme"))  # 403
    _assert_page_headers(http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form("1.0")))


_REJECTED = [
    {"provider": "gmail"},
    {"provider": "graph"},
    {"tls": "plain"},
    {"poll_interval_s": "1"},
    {"port": "70000"},
    {"after_processing": "move"},
    {"mailbox": "Bad/Id"},
]


@pytest.mark.parametrize("change", _REJECTED, ids=[next(iter(c.values())) for c in _REJECTED])
def test_a_rejected_save_writes_no_secret(
    client: Any, iap: IapStandIn, change: dict[str, str]
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    saved = http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token, **change))
    assert saved.status_code == 422
    assert app.state.list_mailboxes(TenantId("acme")) == []
    with pytest.raises(NotFound):
        app.secrets.get_secret("mailingest-password-t4-acme-m7-booking")


def test_the_password_form_refuses_gmail_and_graph_clearly(client: Any, iap: IapStandIn) -> None:
    http, _ = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    for provider in ("gmail", "graph"):
        saved = http.post(
            "/?tenant=acme", headers=iap.headers(ACME), data=_form(token, provider=provider)
        )
        assert saved.status_code == 422
        assert "Connect buttons" in saved.text


def test_an_oversized_or_unsized_body_is_refused_before_it_is_read(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    big = http.post(
        "/?tenant=acme", headers=iap.headers(ACME), data=_form(token, folder="x" * 100_000)
    )
    assert big.status_code == 413
    _assert_page_headers(big)
    chunked = http.post(
        "/?tenant=acme",
        headers={**iap.headers(ACME), "Transfer-Encoding": "chunked"},
        input_stream=io.BytesIO(b"tenant=acme"),
        content_type="application/x-www-form-urlencoded",
    )
    assert chunked.status_code in (411, 413)
    assert app.state.list_mailboxes(TenantId("acme")) == []
    # not a byte of it is read: not by the page, nor by functions-framework after the answer
    body = io.BytesIO(b"x" * 2_000_000)
    refused = http.post(
        "/?tenant=acme",
        headers=iap.headers(ACME),
        input_stream=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert refused.status_code == 413
    _assert_page_headers(refused)
    assert body.tell() == 0


def test_a_csrf_token_expires() -> None:
    from mailingest_dev.clock import FakeClock
    from shared.adapters.memory_sinks import InMemorySecretStore
    from shared.adapters.memory_state import InMemoryStateStore
    from shared.service.admin import Admin
    from shared.web.settings_page import CSRF_TTL_S, SettingsPage

    clock = FakeClock()
    state = InMemoryStateStore(clock)
    admin = Admin(state, InMemorySecretStore(), clock, allow_private_hosts=True)
    admin.add_tenant("acme", "Acme", actor="t", admins=(ACME,))
    page = SettingsPage(state, admin, clock, oauth_start_url="/o", csrf_key="k" * 44)
    token = page.csrf_token(ACME, "acme")
    clock.advance(timedelta(seconds=CSRF_TTL_S - 60))
    assert page.save(ACME, _form(token)) == "mailbox booking saved"
    clock.advance(timedelta(seconds=120))
    with pytest.raises(ValidationError, match="expired"):
        page.save(ACME, _form(token, mailbox="second"))
    # a token cannot be stretched: another expiry breaks its MAC
    expires, mac = token.split(".")
    with pytest.raises(ValidationError, match="expired"):
        page.save(ACME, _form(f"{int(expires) + 3600}.{mac}", mailbox="second"))
    assert page.save(ACME, _form(page.csrf_token(ACME, "acme"), mailbox="second"))


def test_editing_an_oauth_mailbox_keeps_its_connection_and_its_enabled_flag(
    client: Any, iap: IapStandIn
) -> None:
    """The save dropped ``oauth`` when an OAuth mailbox was edited."""
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token))
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
                "secret_ref": refresh_secret_name("acme", "booking"),
            }
        )
    )
    app.admin.set_enabled(TenantId("acme"), MailboxId("booking"), False, actor="t")
    # the admin moves it to another folder; the form sends its default method and no password
    edited = _form(token, folder="Stopsale", password="")
    saved = http.post("/?tenant=acme", headers=iap.headers(ACME), data=edited)
    assert saved.status_code == 303
    stored = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert stored.folder == "Stopsale"
    assert stored.auth_method is AuthMethod.OAUTH2
    assert stored.oauth == grant
    assert stored.secret_ref == refresh_secret_name("acme", "booking")
    assert stored.enabled is False
    # switching it to a password, with one, is a deliberate change: the grant goes
    switched = http.post(
        "/?tenant=acme", headers=iap.headers(ACME), data=_form(token, password="New-Pass-7")
    )
    assert switched.status_code == 303
    stored = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert (stored.auth_method, stored.oauth) == (AuthMethod.PASSWORD, None)
    assert stored.secret_ref == password_secret_name("acme", "booking")


def test_disable_enable_and_remove_from_the_page_with_an_audit_trail(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    page = http.get("/?tenant=acme", headers=iap.headers(ACME))
    token = _csrf(page.text)
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token))
    html = http.get("/?tenant=acme&open=booking", headers=iap.headers(ACME)).text
    # real controls, not the mock-up's ASCII
    assert 'type="radio"' in html
    assert 'type="checkbox"' in html
    assert "(o) OAuth" not in html
    assert "mode=gmail" in html
    assert "mode=graph" in html

    def act(action: str, **extra: str) -> Any:
        form = {"tenant": "acme", "csrf": token, "mailbox": "booking", "action": action, **extra}
        return http.post("/?tenant=acme", headers=iap.headers(ACME), data=form)

    assert "mailbox booking disabled" in _follow(http, act("disable"), iap).text
    assert not app.state.get_mailbox(TenantId("acme"), MailboxId("booking")).enabled
    assert "mailbox booking enabled" in _follow(http, act("enable"), iap).text
    unticked = act("remove")  # not confirmed: said on the card, nothing removed
    assert unticked.status_code == 422
    assert re.search(
        r'id="card-error-booking">Not done: tick the box to confirm the removal<', unticked.text
    )
    assert app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    # another tenant's admin cannot act on it, even with a form from this page
    other = {"tenant": "acme", "csrf": token, "mailbox": "booking", "action": "disable"}
    assert http.post("/?tenant=acme", headers=iap.headers(GLOBEX), data=other).status_code == 403
    removed = _follow(http, act("remove", confirm="remove"), iap)
    assert "mailbox booking removed" in removed.text
    with pytest.raises(NotFound):
        app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    with pytest.raises(NotFound):  # its password went with it
        app.secrets.get_secret(password_secret_name("acme", "booking"))
    trail = [e.action for e in app.state.list_audit(TenantId("acme"))][:4]
    assert trail == ["mailbox.remove", "mailbox.enable", "mailbox.disable", "mailbox.put"]
    assert PASSWORD not in removed.text
    audit = http.get("/?tenant=acme&section=audit", headers=iap.headers(ACME)).text
    assert "Audit log" in audit
    assert "mailbox.remove" in audit
    assert PASSWORD not in audit


def _cards(page: str) -> dict[str, str]:
    """Each mailbox card's HTML by mailbox id."""
    found = re.findall(r'<section class="card" id="mailbox-([a-z]+)">(.*?)</section>', page, re.S)
    return dict(found)


class _ReadsTogether:
    """The store, with every mailbox read held until all requesters have read: the
    read-then-write race of simultaneous requests, made certain."""

    def __init__(self, inner: Any, parties: int) -> None:
        self._inner = inner
        self._together = threading.Barrier(parties)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def get_mailbox(self, tenant_id: TenantId, mailbox_id: MailboxId) -> Any:
        mailbox = self._inner.get_mailbox(tenant_id, mailbox_id)
        self._together.wait(10)
        return mailbox


def test_sync_now_asked_many_times_at_once_runs_once(client: Any, iap: IapStandIn) -> None:
    """Six requests at the same moment (Firestore emulator), each having read the mailbox
    before any wrote: one wins, the others are told to ask again; one audit entry."""
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token))
    admin = Admin(_ReadsTogether(app.state, 6), app.secrets, app.clock, allow_private_hosts=True)

    def ask(n: int) -> str:
        try:
            admin.request_sync(TenantId("acme"), MailboxId("booking"), actor=f"tab-{n}")
        except ValidationError as exc:
            return str(exc)
        return "asked"

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(ask, range(6)))
    assert answers.count("asked") == 1, answers
    assert all("ask again in" in a for a in answers if a != "asked")
    audited = [e for e in app.state.list_audit(TenantId("acme")) if e.action == "mailbox.sync"]
    assert len(audited) == 1


def test_sync_now_of_a_gmail_mailbox_goes_to_the_task_topic_when_deployed(
    client: Any, iap: IapStandIn, pubsub_emulator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With Pub/Sub (as deployed), "Sync now" of a Gmail API mailbox is offered and goes out
    as a one-mailbox task on the task topic, for ``mailbox_tasks``
    (tests/integration/gmail/test_renewal_fanout.py runs the whole chain)."""
    import functions.settings.main as settings_main
    from shared.service.mailbox_task import MailboxTask
    from tests.fakes.raw_subscription import RawSubscription

    http, app = client
    topic = f"tasks-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("MAILINGEST_EVENTS_BACKEND", "pubsub")
    monkeypatch.setenv("MAILINGEST_TASKS_TOPIC", topic)
    settings_main.page.reset()  # built again, on Pub/Sub
    tasks = RawSubscription(app.settings.project_id, topic)
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token))  # IMAP
    booking = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    app.state.put_mailbox(
        booking.model_copy(
            update={
                "id": MailboxId("gmailbox"),
                "provider": Provider.GMAIL,
                "host": None,
                "port": None,
                "auth_method": AuthMethod.OAUTH2,
                "oauth": OAuthGrant(
                    provider=OAuthProvider.GOOGLE, connected_address="g@acme.example"
                ),
            }
        )
    )
    page = http.get("/?tenant=acme&open=gmailbox", headers=iap.headers(ACME)).text
    assert '<button name="action" value="sync"' in page
    form = {"tenant": "acme", "csrf": token, "mailbox": "gmailbox", "action": "sync"}
    done = _follow(http, http.post("/?tenant=acme", headers=iap.headers(ACME), data=form), iap)
    assert "mailbox gmailbox: sync asked for; new mail arrives within a minute" in done.text
    received = tasks.pull(until=1, timeout_s=30)
    assert [MailboxTask.decode(data) for data, _ in received] == [
        MailboxTask("resync", ((TenantId("acme"), MailboxId("gmailbox")),))
    ]
    (entry, *_) = app.state.list_audit(TenantId("acme"))
    assert (entry.action, entry.details) == ("mailbox.sync", {"via": "task"})


def test_sync_now_asks_the_watcher_for_a_new_session_of_an_imap_mailbox_only(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token))  # IMAP
    booking = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    gmail = booking.model_copy(
        update={
            "id": MailboxId("gmailbox"),
            "provider": Provider.GMAIL,
            "host": None,
            "port": None,
            "auth_method": AuthMethod.OAUTH2,
            "oauth": OAuthGrant(provider=OAuthProvider.GOOGLE, connected_address="g@acme.example"),
        }
    )
    app.state.put_mailbox(gmail)
    button = '<button name="action" value="sync"'
    cards: dict[str, str] = {}
    for name in ("booking", "gmailbox"):  # one card open at a time
        page = http.get(f"/?tenant=acme&open={name}", headers=iap.headers(ACME)).text
        cards.update(
            re.findall(r'<section class="card" id="mailbox-([a-z]+)">(.*?)</section>', page, re.S)
        )
    assert button in cards["booking"]
    assert button not in cards["gmailbox"]  # it syncs on every push

    def sync(mailbox: str) -> Any:
        form = {"tenant": "acme", "csrf": token, "mailbox": mailbox, "action": "sync"}
        return http.post("/?tenant=acme", headers=iap.headers(ACME), data=form)

    assert booking.sync_requested_at is None
    asked_at = app.clock.now()
    done = _follow(http, sync("booking"), iap)
    assert "mailbox booking: sync asked for" in done.text
    stored = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert stored.sync_requested_at is not None
    assert asked_at <= stored.sync_requested_at <= app.clock.now()
    # what the watcher compares: a new session (tests/integration/watcher: POP3 polls now)
    assert stored.connection_settings() != booking.connection_settings()
    assert app.state.list_audit(TenantId("acme"))[0].action == "mailbox.sync"
    # a second click at once: each sync is a new session with the server, so not yet
    again = sync("booking")
    assert again.status_code == 422
    assert "a sync was asked for moments ago; ask again in" in again.text
    unchanged = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert unchanged.sync_requested_at == stored.sync_requested_at
    # a Gmail API mailbox, or a disabled one: refused on its card, nothing changed
    refused = sync("gmailbox")
    assert refused.status_code == 422
    assert "syncs on every push and every 15 min by itself" in refused.text
    app.admin.set_enabled(TenantId("acme"), MailboxId("booking"), False, actor="t")
    off = sync("booking")
    assert off.status_code == 422
    assert re.search(
        r'id="card-error-booking">Not done: mailbox acme/booking is disabled', off.text
    )
    assert (
        button
        not in dict(
            re.findall(
                r'<section class="card" id="mailbox-([a-z]+)">(.*?)</section>', off.text, re.S
            )
        )["booking"]
    )
    assert app.state.get_mailbox(TenantId("acme"), MailboxId("gmailbox")).sync_requested_at is None


def test_rules_are_edited_and_tried_on_the_page_and_scripts_in_an_email_never_run(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    form = {
        "tenant": "acme",
        "csrf": token,
        "rule_action": "save",
        "rule_id": "bedbank-stops",
        "rule_name": "Bed bank stop lists",
        "priority": "10",
        "sender_domains": "bedbank.example",
        "subject_keywords": "availability update",
        "label": "stopsale",
    }
    saved = _follow(http, http.post("/?tenant=acme", headers=iap.headers(ACME), data=form), iap)
    assert "rule bedbank-stops saved" in saved.text
    assert "Bed bank stop lists" in saved.text
    bad = {**form, "rule_id": "bad", "subject_regex": "(a)\\1"}  # a backreference: not RE2
    assert http.post("/?tenant=acme", headers=iap.headers(ACME), data=bad).status_code == 422
    email = (
        "From: Ops <ops@bedbank.example>\n"
        "Subject: Availability update <script>alert(1)</script>\n\n"
        "Please see the attached list.\n"
    )
    tried = http.post(
        "/?tenant=acme",
        headers=iap.headers(ACME),
        data={"tenant": "acme", "csrf": token, "try": "on", "email": email},
    )
    assert tried.status_code == 200
    assert "Label: <strong>stop sale</strong>" in tried.text
    assert "Rules that fired: tenant:bedbank-stops" in tried.text
    assert "<script>alert(1)</script>" not in tried.text
    # another tenant sees none of it and cannot delete it
    assert "bedbank-stops" not in http.get("/?tenant=globex", headers=iap.headers(GLOBEX)).text
    gone = {"tenant": "acme", "csrf": token, "rule_action": "delete", "rule_id": "bedbank-stops"}
    assert http.post("/?tenant=acme", headers=iap.headers(GLOBEX), data=gone).status_code == 403
    deleted = http.post("/?tenant=acme", headers=iap.headers(ACME), data=gone)
    assert deleted.headers["Location"].endswith("#rules")
    assert "rule bedbank-stops deleted" in _follow(http, deleted, iap).text
    assert app.state.list_rule_docs(TenantId("acme")) == []
    actions = [e.action for e in app.state.list_audit(TenantId("acme"))][:2]
    assert actions == ["rule.delete", "rule.put"]


def test_test_connection_says_which_step_failed_and_saves_nothing(
    client: Any, iap: IapStandIn, dovecot: Any
) -> None:
    http, app = client
    user, password = "tester@acme.example", "Dovecot-Pass-31"
    dovecot.add_user(user, password)
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)

    def test(expect: int = 200, **change: str) -> str:
        fields = {
            "mailbox": "probe",
            "address": user,
            "host": "127.0.0.1",
            "port": str(dovecot.imap_port),
            "tls": "plain",
            "password": password,
            "folder": "INBOX",
            "test_connection": "on",
        }
        form = _form(token, **{**fields, **change})
        answer = http.post("/?tenant=acme", headers=iap.headers(ACME), data=form)
        assert answer.status_code == expect, answer.text[:500]
        return str(answer.text)

    good = test()
    for step in ("Address", "Connection", "Login", "Folder"):
        assert f"✔ {step}:" in good
    assert password not in good
    assert "✘ Login: the server refused the login" in test(password="wrong-password")
    assert "✘ Folder: folder Nowhere could not be opened" in test(folder="Nowhere")
    closed = test(port="9")  # nothing listens there
    assert "✘ Connection: could not connect securely" in closed
    assert "Login:" not in closed  # later steps are not tried
    with pytest.raises(NotFound):  # nothing was saved
        app.state.get_mailbox(TenantId("acme"), MailboxId("probe"))
    # each test is audited: who, which server, how far it got — never the password
    tests = [e for e in app.state.list_audit(TenantId("acme")) if e.action.endswith("_connection")]
    assert [e.details["outcome"] for e in reversed(tests)] == [
        "ok",
        "login failed",
        "folder failed",
        "connection failed",
    ]
    assert {(e.actor, e.details["host"]) for e in tests} == {(ACME, "127.0.0.1")}
    assert password not in json.dumps([e.details for e in tests])
    # three tests of one server a minute, six by one admin: a login or port oracle no more
    assert "3 connection tests a minute at most (of one server)" in test(422)
    assert "✘ Connection" in test(port="10")
    assert "6 connection tests a minute at most (by one admin)" in test(422, port="11")


def test_a_save_redirects_with_a_flash_and_a_reload_saves_nothing_again(
    client: Any, iap: IapStandIn
) -> None:
    """Post/Redirect/Get: the answer to a save is a 303 to the page, whose notice is signed."""
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    saved = http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token))
    assert saved.status_code == 303
    assert saved.headers["Location"].startswith("?tenant=acme&open=booking&flash=")
    assert saved.text == ""
    audited = len(app.state.list_audit(TenantId("acme")))
    assert audited >= 1
    page = _follow(http, saved, iap)
    assert '<p class="notice" role="status">mailbox booking saved</p>' in page.text
    assert PASSWORD not in page.text
    # the browser's reload repeats the GET, not the POST: nothing is saved again
    again = _follow(http, saved, iap)
    assert "mailbox booking saved" in again.text
    assert len(app.state.list_audit(TenantId("acme"))) == audited
    assert [m.id for m in app.state.list_mailboxes(TenantId("acme"))] == ["booking"]
    # the flash is for this admin: another tenant's admin sees no notice with it
    flash = parse_qs(urlsplit(saved.headers["Location"]).query)["flash"][0]
    other = http.get(f"/?tenant=globex&flash={flash}", headers=iap.headers(GLOBEX))
    assert other.status_code == 200
    assert "mailbox booking saved" not in other.text
    # the JSON form of the same POST still answers JSON, no redirect
    as_json = http.post(
        "/?tenant=acme&format=json", headers=iap.headers(ACME), data=_form(token, folder="Other")
    )
    assert as_json.status_code == 200
    assert json.loads(as_json.text) == {"notice": "mailbox booking saved"}


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<span class="field-error" id="error-{field}">([^<]*)</span>', html)
    return match.group(1) if match else ""


_FIELD_REFUSALS = [
    ({"port": "70000"}, "port", "a port from 1 to 65535"),
    ({"port": "abc"}, "port", "whole number"),
    ({"host": ""}, "host", "for example imap.example.com"),
    ({"poll_interval_s": "1"}, "poll_interval_s", "at least 5 seconds"),
    ({"after_processing": "move"}, "move_to", "the folder to move processed emails to"),
    ({"mailbox": "Bad/Id"}, "mailbox", "lower-case letters, digits"),
    ({"tls": "sslv2"}, "tls", "choose one of"),
]


@pytest.mark.parametrize(
    ("change", "field", "reason"), _FIELD_REFUSALS, ids=[f[1] for f in _FIELD_REFUSALS]
)
def test_a_refused_mailbox_form_says_why_next_to_the_field_and_keeps_what_was_typed(
    client: Any, iap: IapStandIn, change: dict[str, str], field: str, reason: str
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    audited = len(app.state.list_audit(TenantId("acme")))
    form = _form(token, address="typed.by.hand@acme.example", folder="Stop Lists", **change)
    refused = http.post("/?tenant=acme", headers=iap.headers(ACME), data=form)
    assert refused.status_code == 422
    html = refused.text
    assert reason in _field_error(html, field)
    assert f'aria-describedby="error-{field}"' in html
    assert "Not saved" in html
    # what was typed is there again; the password never is (write-only)
    assert 'name="address" type="email" required value="typed.by.hand@acme.example"' in html
    assert 'name="folder" value="Stop Lists"' in html
    assert PASSWORD not in html
    assert re.search(r'<input name="password" type="password"[^>]*>', html)
    assert not re.search(r'<input name="password"[^>]*value=', html)
    # nothing saved, no secret written, nothing audited
    assert app.state.list_mailboxes(TenantId("acme")) == []
    assert len(app.state.list_audit(TenantId("acme"))) == audited
    with pytest.raises(NotFound):
        app.secrets.get_secret(password_secret_name("acme", "booking"))


def test_a_refused_change_without_the_password_says_so_next_to_the_password(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    _follow(http, http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token)), iap)
    before = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    moved = _form(token, host="imap2.acme.example", password="")
    refused = http.post("/?tenant=acme", headers=iap.headers(ACME), data=moved)
    assert refused.status_code == 422
    assert "enter the password again" in _field_error(refused.text, "password")
    assert 'name="host" required value="imap2.acme.example"' in refused.text
    assert app.state.get_mailbox(TenantId("acme"), MailboxId("booking")) == before


# -- editing a mailbox from its card ------------------------------------------------------


def _value(html: str, name: str) -> str | None:
    """The value an input of the mailbox form shows (None: no value attribute)."""
    form = html[html.index('id="mailbox-form"') :]
    match = re.search(rf'<input name="{name}"[^>]*>', form)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def _selected(html: str, name: str) -> str:
    form = html[html.index('id="mailbox-form"') :]
    select = form[form.index(f'<select name="{name}"') :]
    select = select[: select.index("</select>")]
    match = re.search(r'<option value="([^"]*)" selected>', select)
    assert match, name
    return match.group(1)


def test_a_mailbox_is_edited_from_its_card_with_its_settings_in_the_form(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    form = _form(
        token,
        purpose="stopsale",
        port="2993",
        tls="starttls",
        auth_method="app_password",
        username="stop-login",
        poll_interval_s="300",
        after_processing="move",
        move_to="Done",
        idle="",
    )
    _follow(http, http.post("/?tenant=acme", headers=iap.headers(ACME), data=form), iap)
    listed = http.get("/?tenant=acme&open=booking", headers=iap.headers(ACME)).text
    assert '<a class="button" href="?tenant=acme&amp;edit=booking#mailbox-form">Edit</a>' in listed
    assert 'name="editing"' not in listed  # the plain list: the form adds or changes
    page = http.get("/?tenant=acme&edit=booking", headers=iap.headers(ACME))
    assert page.status_code == 200
    html = page.text
    assert "Edit mailbox booking" in html
    expected = {
        "mailbox": "booking",
        "purpose": "stopsale",
        "address": "booking@acme.example",
        "host": "imap.acme.example",
        "port": "2993",
        "username": "stop-login",
        "folder": "Bookings",
        "poll_interval_s": "300",
        "move_to": "Done",
    }
    assert {name: _value(html, name) for name in expected} == expected
    selects = ("provider", "tls", "auth_method", "after_processing")
    assert [_selected(html, n) for n in selects] == ["imap", "starttls", "app_password", "move"]
    assert re.search(r'<input name="mailbox"[^>]*readonly', html)  # the id is fixed
    assert '<input type="hidden" name="editing" value="booking">' in html
    assert not re.search(r'<input type="checkbox" name="idle" checked', html)
    assert _value(html, "password") is None  # write-only: never in the page
    assert PASSWORD not in html
    cancel = '<a class="button secondary" href="?tenant=acme&amp;open=booking#mailbox-booking">'
    assert f"{cancel}Cancel</a>" in html
    # saved with the password left empty: the stored one is kept, the change made
    edited = {**form, "folder": "Stop Lists", "editing": "booking", "password": ""}
    saved = http.post("/?tenant=acme", headers=iap.headers(ACME), data=edited)
    assert "mailbox booking saved" in _follow(http, saved, iap).text
    stored = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert (stored.folder, stored.port, stored.username) == ("Stop Lists", 2993, "stop-login")
    assert app.secrets.get_secret(password_secret_name("acme", "booking")) == PASSWORD
    # the id cannot be changed while editing: nothing saved under another id
    renamed = http.post(
        "/?tenant=acme", headers=iap.headers(ACME), data={**edited, "mailbox": "other"}
    )
    assert renamed.status_code == 422
    assert "cannot be changed while editing" in _field_error(renamed.text, "mailbox")
    assert [m.id for m in app.state.list_mailboxes(TenantId("acme"))] == ["booking"]


def _connect_with_google(app: Any, *, enabled: bool) -> OAuthGrant:
    """acme's booking mailbox as the OAuth callback leaves it: a grant and its secret."""
    grant = OAuthGrant(
        provider=OAuthProvider.GOOGLE,
        connected_address="booking@acme.example",
        scopes=("https://mail.google.com/",),
        connected_at=datetime.now(UTC),
    )
    mailbox = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    oauth = {"auth_method": AuthMethod.OAUTH2, "oauth": grant, "enabled": enabled}
    secret = {"secret_ref": refresh_secret_name("acme", "booking")}
    app.state.put_mailbox(mailbox.model_copy(update={**oauth, **secret}))
    return grant


def _as_typed(html: str) -> dict[str, str]:
    """The edit form's fields as the browser posts them when nothing is changed."""
    typed = dict(re.findall(r'<input name="(\w+)"[^>]*value="([^"]*)"', html))
    typed.update({n: _selected(html, n) for n in ("provider", "tls", "auth_method")})
    typed["after_processing"] = _selected(html, "after_processing")
    return typed


def test_editing_an_oauth_mailbox_from_its_card_keeps_its_grant(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token))
    grant = _connect_with_google(app, enabled=False)
    html = http.get("/?tenant=acme&edit=booking", headers=iap.headers(ACME)).text
    assert _selected(html, "auth_method") == "oauth2"
    assert "OAuth 2.0 (keep the connection)" in html
    # the browser posts the form as it was filled: the method stays OAuth
    form = {**_as_typed(html), "tenant": "acme", "csrf": token, "editing": "booking"}
    form["folder"] = "Stop"
    saved = http.post("/?tenant=acme", headers=iap.headers(ACME), data=form)
    assert saved.status_code == 303, saved.text[:300]
    stored = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert stored.folder == "Stop"
    assert (stored.auth_method, stored.oauth, stored.enabled) == (AuthMethod.OAUTH2, grant, False)
    assert stored.secret_ref == refresh_secret_name("acme", "booking")
    # a mailbox without a grant cannot be made "OAuth" by a forged form
    forged = _form(token, mailbox="second", auth_method="oauth2", password="")
    refused = http.post("/?tenant=acme", headers=iap.headers(ACME), data=forged)
    assert refused.status_code == 422
    assert "Connect buttons" in _field_error(refused.text, "auth_method")


def test_editing_the_server_of_an_oauth_mailbox_drops_its_grant_and_asks_for_a_reconnect(
    client: Any, iap: IapStandIn
) -> None:
    """An access token is only for the server it was granted for: a new host on the card
    keeps no sign-in, forgets the refresh token and shows Reconnect."""
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token))
    secret = refresh_secret_name("acme", "booking")
    app.secrets.put_secret(secret, "refresh-token-of-acme")
    _connect_with_google(app, enabled=True)
    html = http.get("/?tenant=acme&edit=booking", headers=iap.headers(ACME)).text
    form = {**_as_typed(html), "tenant": "acme", "csrf": token, "editing": "booking"}
    form["host"] = "imap.elsewhere.example"
    saved = http.post("/?tenant=acme", headers=iap.headers(ACME), data=form)
    assert saved.status_code == 303, saved.text[:300]
    stored = app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    assert stored.host == "imap.elsewhere.example"
    assert stored.oauth is not None
    assert stored.oauth.reauth_required_at is not None
    assert stored.secret_ref is None
    with pytest.raises(NotFound):
        app.secrets.get_secret(secret)
    page = _follow(http, saved, iap).text
    assert "sign-in was not kept: reconnect it" in page
    assert "Reconnect with Google" in page


def test_an_edit_of_a_mailbox_that_is_gone_or_not_the_tenants_says_so(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token))
    # another tenant's admin: refused, nothing of the mailbox shown
    foreign = http.get("/?tenant=acme&edit=booking", headers=iap.headers(GLOBEX))
    assert foreign.status_code == 403
    assert "booking@acme.example" not in foreign.text
    # ... and on their own page acme's mailbox is as absent as one that never was
    own = http.get("/?tenant=globex&edit=booking", headers=iap.headers(GLOBEX))
    never = http.get("/?tenant=globex&edit=nothing", headers=iap.headers(GLOBEX))
    assert (own.status_code, never.status_code) == (404, 404)
    assert "Cannot edit: no mailbox booking to edit here" in own.text
    assert "booking@acme.example" not in own.text
    # removed while the admin was editing it: the save does not bring it back
    edit = http.get("/?tenant=acme&edit=booking", headers=iap.headers(ACME)).text
    assert "Edit mailbox booking" in edit
    app.admin.remove_mailbox(TenantId("acme"), MailboxId("booking"), actor="t")
    saved = http.post(
        "/?tenant=acme", headers=iap.headers(ACME), data={**_form(token), "editing": "booking"}
    )
    assert saved.status_code == 404
    assert "no longer exists" in _field_error(saved.text, "mailbox")
    assert app.state.list_mailboxes(TenantId("acme")) == []
    with pytest.raises(NotFound):
        app.secrets.get_secret(password_secret_name("acme", "booking"))
    assert http.get("/?tenant=acme&edit=booking", headers=iap.headers(ACME)).status_code == 404


# -- the mailbox buttons, the rule form and "Try it": reasons where they belong -----------


def test_a_button_of_a_mailbox_that_is_gone_or_another_tenants_says_so_and_does_nothing(
    client: Any, iap: IapStandIn
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token))
    http.post("/?tenant=acme", headers=iap.headers(ACME), data=_form(token, mailbox="stopsale"))
    app.admin.remove_mailbox(TenantId("acme"), MailboxId("stopsale"), actor="t")
    audited = len(app.state.list_audit(TenantId("acme")))
    for action in ("disable", "enable", "remove"):
        form = {"tenant": "acme", "csrf": token, "mailbox": "stopsale", "action": action}
        gone = http.post("/?tenant=acme", headers=iap.headers(ACME), data=form)
        assert gone.status_code == 404, action
        assert "Not done: mailbox stopsale no longer exists" in gone.text
        assert 'data-row="booking"' in gone.text  # the overview, with the other mailbox
    as_json = http.post(
        "/?tenant=acme&format=json",
        headers=iap.headers(ACME),
        data={"tenant": "acme", "csrf": token, "mailbox": "stopsale", "action": "disable"},
    )
    assert as_json.status_code == 404
    assert "no longer exists" in as_json.get_json()["error"]
    # globex's admin naming acme's mailbox on globex's own page: the same words, nothing done
    g_token = _csrf(http.get("/?tenant=globex", headers=iap.headers(GLOBEX)).text)
    crossed = {"tenant": "globex", "csrf": g_token, "mailbox": "booking", "action": "disable"}
    answer = http.post("/?tenant=globex", headers=iap.headers(GLOBEX), data=crossed)
    assert answer.status_code == 404
    assert "mailbox booking no longer exists" in answer.text
    assert "booking@acme.example" not in answer.text
    # ... and with acme's page: refused outright
    mine = {**crossed, "tenant": "acme", "csrf": token}
    assert http.post("/?tenant=acme", headers=iap.headers(GLOBEX), data=mine).status_code == 403
    assert app.state.get_mailbox(TenantId("acme"), MailboxId("booking")).enabled
    assert len(app.state.list_audit(TenantId("acme"))) == audited
    # markup in a forged mailbox id is shown as text
    forged = {**form, "mailbox": "<b>x</b>"}
    shown = http.post("/?tenant=acme", headers=iap.headers(ACME), data=forged)
    assert shown.status_code == 404
    assert "mailbox &lt;b&gt;x&lt;/b&gt; no longer exists" in shown.text


def _rule_error(html: str, field: str) -> str:
    match = re.search(rf'<span class="field-error" id="error-rule-{field}">([^<]*)</span>', html)
    return match.group(1) if match else ""


_RULE = {
    "rule_action": "save",
    "rule_id": "bedbank-stops",
    "rule_name": "Bed bank <stop> lists",
    "priority": "10",
    "sender_domains": "bedbank.example",
    "subject_keywords": "availability update",
    "label": "stopsale",
    "skip": "on",
}
_RULE_REFUSALS = [
    ({"subject_regex": "(a)\\1"}, "subject_regex", "backreference"),
    ({"subject_regex": "(unclosed"}, "subject_regex", "missing"),
    ({"rule_id": "no spaces"}, "rule_id", "1 to 64 letters"),
    ({"priority": "first"}, "priority", "whole number"),
    ({"label": "<b>spam</b>"}, "label", "Input should be"),
    ({"sender_domains": "", "subject_keywords": ""}, "sender_domains", "at least one condition"),
]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    _RULE_REFUSALS,
    ids=[f"{f}-{r.split()[0]}" for _, f, r in _RULE_REFUSALS],
)
def test_a_refused_rule_says_why_next_to_the_field_and_keeps_what_was_typed(
    client: Any, iap: IapStandIn, change: dict[str, str], field: str, reason: str
) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    audited = len(app.state.list_audit(TenantId("acme")))
    form = {"tenant": "acme", "csrf": token, **_RULE, **change}
    refused = http.post("/?tenant=acme", headers=iap.headers(ACME), data=form)
    assert refused.status_code == 422
    html = refused.text
    assert reason.lower() in _rule_error(html, field).lower()
    assert f'aria-describedby="error-rule-{field}"' in html
    assert 'Not saved: see the <a href="#rule-form">highlighted fields</a>' in html
    # what was typed is there again, escaped; the mailbox form is left as it was
    rule_form = html[html.index('id="rule-form"') :]
    rule_form = rule_form[: rule_form.index("</form>")]
    assert 'value="Bed bank &lt;stop&gt; lists"' in rule_form
    assert f'name="rule_id" required pattern="[A-Za-z0-9_-]{{1,64}}" value="{form["rule_id"]}"' in (
        rule_form
    )
    assert re.search(r'name="skip" checked', rule_form)
    assert f'value="{form["priority"]}"' in rule_form
    assert "<b>spam</b>" not in html
    assert 'id="error-mailbox"' not in html
    assert 'name="address"' not in html  # the rules' page: the mailbox form is not shown
    # nothing saved, nothing audited
    assert app.state.list_rule_docs(TenantId("acme")) == []
    assert len(app.state.list_audit(TenantId("acme"))) == audited
    # as JSON: 400 with the reason per form field
    as_json = http.post("/?tenant=acme&format=json", headers=iap.headers(ACME), data=form)
    assert as_json.status_code == 400
    assert reason.lower() in as_json.get_json()["fields"][field].lower()


def test_deleting_a_rule_that_is_gone_says_so(client: Any, iap: IapStandIn) -> None:
    http, app = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    gone = {"tenant": "acme", "csrf": token, "rule_action": "delete", "rule_id": "nothing"}
    answer = http.post("/?tenant=acme", headers=iap.headers(ACME), data=gone)
    assert answer.status_code == 404
    assert "Not saved: rule nothing no longer exists" in answer.text
    assert all(e.action != "rule.delete" for e in app.state.list_audit(TenantId("acme")))


def test_try_it_keeps_the_pasted_email_and_says_what_is_wrong_with_it(
    client: Any, iap: IapStandIn
) -> None:
    http, _ = client
    token = _csrf(http.get("/?tenant=acme", headers=iap.headers(ACME)).text)
    form = {"tenant": "acme", "csrf": token, "try": "on"}
    empty = http.post("/?tenant=acme", headers=iap.headers(ACME), data={**form, "email": " \n"})
    assert empty.status_code == 422
    assert re.search(r'id="error-try-email">paste an email first<', empty.text)
    assert 'Not tried: see the <a href="#try-form">highlighted fields</a>' in empty.text
    email = "From: a@bedbank.example\nSubject: STOP SALE <i>now</i>\n\n" + "stop sale. " * 100
    tried = http.post("/?tenant=acme", headers=iap.headers(ACME), data={**form, "email": email})
    assert tried.status_code == 200
    assert "Label: <strong>stop sale</strong>" in tried.text
    textarea = re.search(r'<textarea name="email"[^>]*>([^<]*)</textarea>', tried.text)
    assert textarea
    assert textarea.group(1).startswith("From: a@bedbank.example\nSubject: STOP SALE &lt;i&gt;")
    assert textarea.group(1).count("stop sale.") == 100  # the whole email, not cut
