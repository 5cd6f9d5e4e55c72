"""The token service with in-memory stores, a fake clock and a hand-written provider fake that
records every call (its refresh tokens are one-use when ``rotate`` is on, the strictest case)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_sinks import DESTROYED, InMemorySecretStore
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import (
    AuthMethod,
    Mailbox,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
    Provider,
    Tenant,
    TlsMode,
)
from shared.errors import AuthError, NotFound, ReauthRequired, ServiceUnavailable, ValidationError
from shared.ids import MailboxId, TenantId
from shared.oauth.clients import ClientRejected, TokenGrant
from shared.oauth.tokens import OAuthCredentialProvider, TokenService
from shared.service.admin import Admin

SECRET = "mailingest-refresh-token-t4-acme-m7-booking"


class FakeProvider:
    """Issues access tokens valid for an hour of the fake clock."""

    provider = OAuthProvider.MICROSOFT

    def __init__(self, clock: FakeClock, first_refresh: str = "rt-0") -> None:
        self.clock = clock
        self.valid = {first_refresh}
        self.rotate = False
        self.fail_with: Exception | None = None
        self.gate: threading.Event | None = None  # holds a refresh until set
        self.calls: list[str] = []  # refresh tokens presented, in order
        self.app_calls: list[str | None] = []
        self._lock = threading.Lock()
        self._n = 0

    def scopes_for(self, mode: str) -> tuple[str, ...]:
        return ("IMAP.AccessAsUser.All",)

    def authorization_url(self, **kw: object) -> str:
        raise NotImplementedError

    def exchange_code(self, **kw: object) -> TokenGrant:
        raise NotImplementedError

    def refresh(self, refresh_token: str, scopes: tuple[str, ...]) -> TokenGrant:
        if self.gate is not None:
            assert self.gate.wait(10)
        with self._lock:
            self.calls.append(refresh_token)
            if self.fail_with is not None:
                raise self.fail_with
            if refresh_token not in self.valid:
                raise ReauthRequired("invalid_grant")
            self._n += 1
            rotated = None
            if self.rotate:
                rotated = f"rt-{self._n}"
                self.valid.discard(refresh_token)
                self.valid.add(rotated)
            expires = self.clock.now() + timedelta(hours=1)
            return TokenGrant(f"at-{self._n}", expires, rotated, scopes)

    def app_token(self, directory_tenant: str | None = None) -> TokenGrant:
        self.app_calls.append(directory_tenant)
        if self.fail_with is not None:
            raise self.fail_with
        return TokenGrant("app-token-1", self.clock.now() + timedelta(hours=1))


class RecordingSecrets(InMemorySecretStore):
    def __init__(self) -> None:
        super().__init__()
        self.puts: list[str] = []
        self.destroyed: list[tuple[str, str]] = []
        self.stale_once: str | None = None  # the next read returns this (a read before a write)

    def put_secret(self, name: str, value: str) -> str:
        self.puts.append(name)
        return super().put_secret(name, value)

    def destroy_versions_before(self, name: str, version: str) -> int:
        self.destroyed.append((name, version))
        return super().destroy_versions_before(name, version)

    def live(self, name: str) -> list[str]:
        return [v for v in self._versions[name] if v != DESTROYED]

    def get_secret(self, name: str) -> str:
        stale, self.stale_once = self.stale_once, None
        return stale if stale is not None else super().get_secret(name)


class World:
    def __init__(self) -> None:
        self.clock = FakeClock(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
        self.state = InMemoryStateStore(self.clock)
        self.secrets = RecordingSecrets()
        self.provider = FakeProvider(self.clock)
        self.connect("rt-0")

    def connect(self, refresh_token: str, **grant: object) -> Mailbox:
        """What the callback stores: a secret version and a fresh grant."""
        self.secrets.put_secret(SECRET, refresh_token)
        self.secrets.puts.clear()
        mailbox = Mailbox(
            tenant_id=TenantId("acme"),
            id=MailboxId("booking"),
            provider=Provider.IMAP,
            address="booking@acme.example",
            host="outlook.office365.com",
            auth_method=AuthMethod.OAUTH2,
            secret_ref=SECRET,
            oauth=OAuthGrant(
                provider=OAuthProvider.MICROSOFT,
                connected_address="booking@acme.example",
                scopes=("IMAP.AccessAsUser.All",),
                connected_at=self.clock.now(),
                **grant,
            ),
        )
        self.state.put_mailbox(mailbox)
        return mailbox

    @property
    def mailbox(self) -> Mailbox:
        return self.state.get_mailbox(TenantId("acme"), MailboxId("booking"))

    def service(self) -> TokenService:
        """A token service as one process would have it (its own cache)."""
        return TokenService(
            {OAuthProvider.MICROSOFT: self.provider}, self.secrets, self.state, self.clock
        )


def test_cached_until_five_minutes_before_expiry_then_refreshed() -> None:
    w = World()
    tokens = w.service()
    first = tokens.access_token(w.mailbox)
    w.clock.advance(timedelta(minutes=54))
    assert tokens.access_token(w.mailbox) == first
    assert len(w.provider.calls) == 1
    w.clock.advance(timedelta(minutes=1, seconds=1))  # inside the last five minutes
    assert tokens.access_token(w.mailbox) != first
    assert len(w.provider.calls) == 2


def test_a_reconnected_mailbox_never_gets_the_old_grants_cached_token() -> None:
    w = World()
    tokens = w.service()  # e.g. oauth_callback's: it just started the push with the old grant
    old = tokens.access_token(w.mailbox)
    w.provider.valid.add("rt-new")
    w.clock.advance(timedelta(minutes=1))
    reconnected = w.connect("rt-new")  # a new grant, well within the old token's hour
    assert tokens.access_token(reconnected) != old
    assert w.provider.calls == ["rt-0", "rt-new"]
    assert tokens.access_token(reconnected) == tokens.access_token(w.mailbox)  # cached again
    assert len(w.provider.calls) == 2


def test_concurrent_callers_share_one_refresh() -> None:
    w = World()
    tokens = w.service()
    w.provider.gate = threading.Event()
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(tokens.access_token(w.mailbox)))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    w.provider.gate.set()
    for t in threads:
        t.join(timeout=10)
    assert len(results) == 6
    assert set(results) == {"at-1"}
    assert w.provider.calls == ["rt-0"]


def test_a_rotated_refresh_token_is_saved_and_an_unchanged_one_is_not() -> None:
    w = World()
    tokens = w.service()
    tokens.refresh_now(w.mailbox)
    assert w.secrets.puts == []  # same refresh token: no new secret version
    w.provider.rotate = True
    tokens.refresh_now(w.mailbox)
    assert w.secrets.puts == [SECRET]
    assert w.secrets.get_secret(SECRET) == "rt-2"
    tokens.refresh_now(w.mailbox)  # and the saved one is what is used next
    assert w.provider.calls[-1] == "rt-2"


def test_a_rotated_refresh_token_destroys_the_versions_it_supersedes() -> None:
    """Each secret version is billed; a superseded refresh token is dead
    weight (and one more copy of a credential)."""
    w = World()
    tokens = w.service()
    tokens.refresh_now(w.mailbox)  # not rotated: nothing written, nothing destroyed
    assert w.secrets.destroyed == []
    w.provider.rotate = True
    tokens.refresh_now(w.mailbox)
    assert w.secrets.destroyed == [(SECRET, f"{SECRET}/versions/2")]
    assert w.secrets.live(SECRET) == ["rt-2"]


def test_a_refresh_never_rewrites_the_mailbox_settings_document() -> None:
    """A rewrite per refresh made the watcher reconnect the mailbox, and a
    read-modify-write could undo an admin's concurrent edit."""
    w = World()
    before = w.mailbox
    tokens = w.service()
    tokens.access_token(w.mailbox)
    w.provider.rotate = True
    tokens.refresh_now(w.mailbox)
    w.clock.advance(timedelta(hours=2))
    tokens.access_token(w.mailbox)
    assert len(w.provider.calls) == 3
    assert w.mailbox == before


def test_a_revoked_grant_flags_the_mailbox_once_and_no_process_calls_again() -> None:
    w = World()
    tokens = w.service()
    tokens.access_token(w.mailbox)
    w.provider.valid.clear()  # the user revoked access
    tokens.invalidate(w.mailbox)
    with pytest.raises(ReauthRequired):
        tokens.access_token(w.mailbox)
    grant = w.mailbox.oauth
    assert grant is not None
    assert grant.reauth_required_at == w.clock.now()
    health = w.state.get_health(TenantId("acme"), MailboxId("booking"), w.clock.now())
    assert health.state is MailboxState.REAUTH_REQUIRED
    audit = w.state.list_audit(TenantId("acme"))
    assert [a.action for a in audit] == ["oauth.reauth_required"]
    calls = len(w.provider.calls)
    for service in (tokens, w.service()):  # this process, and a fresh one (the job, a replica)
        with pytest.raises(ReauthRequired):
            service.access_token(w.mailbox)
        with pytest.raises(ReauthRequired):
            service.refresh_now(w.mailbox)
    assert len(w.provider.calls) == calls  # no retry storm
    assert len(w.state.list_audit(TenantId("acme"))) == 1  # and no audit storm

    w.provider.valid.add("rt-new")
    w.connect("rt-new")  # the tenant reconnects: a new grant without the flag
    assert tokens.access_token(w.mailbox).startswith("at-")
    assert w.provider.calls[-1] == "rt-new"


def test_a_token_rotated_by_another_process_meanwhile_is_not_a_revocation() -> None:
    w = World()
    w.provider.rotate = True
    w.service().refresh_now(w.mailbox)  # the job rotated rt-0 -> rt-1 and saved it
    w.secrets.stale_once = "rt-0"  # ... just after this process read the secret
    assert w.service().access_token(w.mailbox).startswith("at-")
    assert w.provider.calls == ["rt-0", "rt-0", "rt-1"]
    assert w.mailbox.oauth is not None
    assert w.mailbox.oauth.reauth_required_at is None
    assert w.state.list_audit(TenantId("acme")) == []


@pytest.mark.parametrize(
    "error", [ClientRejected("invalid_client"), ServiceUnavailable("down"), AuthError("odd")]
)
def test_other_failures_leave_the_grant_alone_and_are_retried_later(error: Exception) -> None:
    w = World()
    tokens = w.service()
    w.provider.fail_with = error
    with pytest.raises(type(error)):
        tokens.access_token(w.mailbox)
    assert w.mailbox.oauth is not None
    assert w.mailbox.oauth.reauth_required_at is None
    assert w.state.list_audit(TenantId("acme")) == []
    w.provider.fail_with = None
    assert tokens.access_token(w.mailbox) == "at-1"  # tried again, and it works


def test_a_missing_refresh_token_secret_means_reconnect() -> None:
    w = World()
    w.secrets.delete_secret(SECRET)
    with pytest.raises(ReauthRequired):
        w.service().access_token(w.mailbox)
    assert w.provider.calls == []
    assert w.mailbox.oauth is not None
    assert w.mailbox.oauth.reauth_required_at is not None


def test_app_only_grants_use_client_credentials_for_their_directory() -> None:
    w = World()
    w.secrets.delete_secret(SECRET)  # app-only has no refresh token
    w.connect("unused", app_only=True, directory_tenant="contoso-tid")
    assert w.service().access_token(w.mailbox) == "app-token-1"
    assert w.provider.app_calls == ["contoso-tid"]
    assert w.provider.calls == []
    w.provider.fail_with = ReauthRequired("consent withdrawn")
    with pytest.raises(ReauthRequired):
        w.service().access_token(w.mailbox)
    assert w.mailbox.oauth is not None
    assert w.mailbox.oauth.reauth_required_at is not None


def test_credential_provider_gives_xoauth2_or_oauthbearer_with_the_connected_address() -> None:
    w = World()
    tokens = w.service()
    creds = OAuthCredentialProvider(tokens).credentials_for(w.mailbox)
    assert (creds.username, creds.secret, creds.mechanism) == (
        "booking@acme.example",
        "at-1",
        "xoauth2",
    )
    bearer = OAuthCredentialProvider(tokens, mechanism="oauthbearer").credentials_for(w.mailbox)
    assert bearer.mechanism == "oauthbearer"
    assert "at-1" not in repr(creds)


def test_a_mailbox_without_a_grant_is_an_auth_error_without_a_call() -> None:
    w = World()
    w.state.put_mailbox(w.mailbox.model_copy(update={"oauth": None}))
    with pytest.raises(AuthError):
        w.service().access_token(w.mailbox)
    assert w.provider.calls == []


@pytest.mark.parametrize(
    "change",
    [
        {"host": "imap.attacker.example"},
        {"port": 1993},
        {"tls": TlsMode.STARTTLS},
        {"username": "someone-else@acme.example"},
        {"provider": Provider.POP3},
    ],
)
def test_an_edited_server_or_login_drops_the_grant_and_no_token_follows_it(
    change: dict[str, object],
) -> None:
    w = World()
    tokens = w.service()
    tokens.access_token(w.mailbox)  # the watcher's cache holds a live token
    w.state.put_tenant(Tenant(id=TenantId("acme"), name="Acme", created_at=w.clock.now()))
    admin = Admin(w.state, w.secrets, w.clock, allow_private_hosts=True, resolver=_public)
    moved = w.mailbox.model_copy(update=change)
    saved = admin.add_mailbox(moved, password=None, actor="admin@acme.example")
    assert saved.oauth is not None
    assert saved.oauth.reauth_required_at == w.clock.now()
    assert saved.secret_ref is None
    with pytest.raises(NotFound):  # the refresh token is forgotten
        w.secrets.get_secret(SECRET)
    with pytest.raises(ReauthRequired):
        tokens.access_token(saved)  # neither the cache nor a refresh serves the new server
    with pytest.raises(ReauthRequired):
        OAuthCredentialProvider(tokens).credentials_for(saved)
    assert w.provider.calls == ["rt-0"]
    (entry,) = w.state.list_audit(TenantId("acme"))
    assert "reconnect required" in str(entry.details["oauth"])


def test_an_edit_that_keeps_the_server_keeps_the_grant_and_a_caller_cannot_forge_one() -> None:
    w = World()
    grant = w.mailbox.oauth
    w.state.put_tenant(Tenant(id=TenantId("acme"), name="Acme", created_at=w.clock.now()))
    admin = Admin(w.state, w.secrets, w.clock, allow_private_hosts=True, resolver=_public)
    saved = admin.add_mailbox(
        w.mailbox.model_copy(update={"folder": "Bookings", "oauth": None, "secret_ref": None}),
        password=None,
        actor="a",
    )
    assert (saved.folder, saved.oauth, saved.secret_ref) == ("Bookings", grant, SECRET)
    assert w.service().access_token(saved) == "at-1"
    # a mailbox without a stored grant cannot be given one by the caller
    forged = saved.model_copy(update={"id": MailboxId("other")})
    with pytest.raises(ValidationError, match="Connect buttons"):
        admin.add_mailbox(forged, password=None, actor="a")


def _public(host: str, port: int) -> list[str]:
    return ["203.0.113.7"]
