"""The operator's rename of secrets stored under the names used before each kind had a prefix
of its own: a mailbox the watcher refused (its secret_ref is not a name it may read) logs in
again after it, the old secret is gone, the move is audited, and a second run moves nothing;
a mailbox already renamed, or pointing at another mailbox's secret, is left alone."""

from __future__ import annotations

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_sinks import InMemorySecretStore
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import AuthMethod, Mailbox, OAuthGrant, OAuthProvider, Provider
from shared.errors import AuthError, NotFound
from shared.ids import MailboxId, TenantId
from shared.secret_names import legacy_secret_name, password_secret_name, refresh_secret_name
from shared.service.credentials import PasswordCredentialProvider
from shared.service.secret_rename import rename_legacy_secrets

ACME = TenantId("acme")


def mailbox(mid: str, secret_ref: str, **more: object) -> Mailbox:
    return Mailbox(
        tenant_id=ACME,
        id=MailboxId(mid),
        provider=Provider.IMAP,
        address=f"{mid}@acme.example",
        host="imap.acme.example",
        secret_ref=secret_ref,
        **more,
    )


def test_legacy_secrets_move_to_their_names_now_once_and_audited() -> None:
    clock = FakeClock()
    state, secrets = InMemoryStateStore(clock), InMemorySecretStore()
    old_password = legacy_secret_name("acme", "booking", "password")
    old_token = legacy_secret_name("acme", "stopsale", "refresh-token")
    secrets.put_secret(old_password, "Booking-Pass-1")
    secrets.put_secret(old_token, "1//refresh")
    grant = OAuthGrant(provider=OAuthProvider.GOOGLE, connected_address="stopsale@acme.example")
    booking = mailbox("booking", old_password)
    state.put_mailbox(booking)
    state.put_mailbox(
        mailbox("stopsale", old_token, auth_method=AuthMethod.OAUTH2, oauth=grant, username="s")
    )
    state.put_mailbox(mailbox("renamed", password_secret_name("acme", "renamed")))
    state.put_mailbox(mailbox("borrower", old_password))  # another mailbox's: never touched
    with pytest.raises(AuthError, match="not its own"):  # what the watcher says today
        PasswordCredentialProvider(secrets).credentials_for(booking)

    planned = rename_legacy_secrets(state, secrets, clock, "cli:ops", dry_run=True)
    assert [m.mailbox.id for m in planned] == ["booking", "stopsale"]
    assert state.get_mailbox(ACME, MailboxId("booking")).secret_ref == old_password

    moved = rename_legacy_secrets(state, secrets, clock, "cli:ops", dry_run=False)
    assert [(m.old, m.new) for m in moved] == [
        (old_password, password_secret_name("acme", "booking")),
        (old_token, refresh_secret_name("acme", "stopsale")),
    ]
    booking = state.get_mailbox(ACME, MailboxId("booking"))
    assert PasswordCredentialProvider(secrets).credentials_for(booking).secret == "Booking-Pass-1"
    stopsale = state.get_mailbox(ACME, MailboxId("stopsale"))
    assert stopsale.secret_ref == refresh_secret_name("acme", "stopsale")
    assert secrets.get_secret(refresh_secret_name("acme", "stopsale")) == "1//refresh"
    for old in (old_password, old_token):
        with pytest.raises(NotFound):
            secrets.get_secret(old)
    assert state.get_mailbox(ACME, MailboxId("borrower")).secret_ref == old_password
    audit = [(e.action, e.target) for e in state.list_audit(ACME)]
    assert sorted(audit) == [
        ("mailbox.secret_renamed", "acme/mailboxes/booking"),
        ("mailbox.secret_renamed", "acme/mailboxes/stopsale"),
    ]
    assert rename_legacy_secrets(state, secrets, clock, "cli:ops", dry_run=False) == []
