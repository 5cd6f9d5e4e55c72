"""Secret names cannot collide across tenants, and a mailbox reads only its own secret."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.memory_sinks import InMemorySecretStore, check_secret_name
from shared.adapters.memory_state import InMemoryStateStore
from shared.adapters.system_clock import SystemClock
from shared.domain.models import Mailbox, Provider
from shared.errors import AuthError, ValidationError
from shared.ids import MailboxId, TenantId
from shared.secret_names import (
    PREFIXES,
    graph_subscription_secret_name,
    kind_of,
    own_secret,
    parse_secret_name,
    password_secret_name,
    refresh_secret_name,
)
from shared.service.admin import Admin
from shared.service.credentials import PasswordCredentialProvider

ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,62}", fullmatch=True)


def test_the_reported_collision_is_gone() -> None:
    assert password_secret_name("acme", "x-booking") != password_secret_name("acme-x", "booking")
    assert refresh_secret_name("acme", "x-booking") != refresh_secret_name("acme-x", "booking")


@given(ids, ids)
def test_names_are_valid_and_decode_to_their_ids(tenant: str, mailbox: str) -> None:
    for name, kind in (
        (password_secret_name(tenant, mailbox), "password"),
        (refresh_secret_name(tenant, mailbox), "refresh-token"),
    ):
        check_secret_name(name)  # Secret Manager's rules, at most 255 characters
        assert parse_secret_name(name) == (tenant, mailbox, kind)


@given(ids, ids)
def test_each_kind_lives_under_a_prefix_no_other_kind_starts_with(
    tenant: str, mailbox: str
) -> None:
    """An IAM condition ``resource.name.startsWith(prefix)`` grants one kind and never
    another (infra/iam.tf grants each identity only the kinds it touches)."""
    for a, b in ((x, y) for x in PREFIXES.values() for y in PREFIXES.values() if x != y):
        assert not a.startswith(b), (a, b)
    names = {
        "password": password_secret_name(tenant, mailbox),
        "refresh-token": refresh_secret_name(tenant, mailbox),
        "graph-subscription": graph_subscription_secret_name(
            f"{tenant}-{mailbox}".replace("_", "-")
        ),
    }
    for kind, name in names.items():
        assert kind_of(name) == kind, name
        assert [k for k, prefix in PREFIXES.items() if name.startswith(prefix)] == [kind]
    # the OAuth client secrets (infra/secrets.tf) are none of them
    for client in ("mailingest-google-client-secret", "mailingest-state-signing-key"):
        assert kind_of(client) is None


def test_own_secret_names_only_the_mailboxs_own() -> None:
    assert own_secret("acme", "booking", password_secret_name("acme", "booking")) == (
        password_secret_name("acme", "booking")
    )
    assert own_secret("acme", "booking", refresh_secret_name("acme", "booking")) == (
        refresh_secret_name("acme", "booking")
    )
    for other in (password_secret_name("acme-x", "booking"), "mailingest-state-signing-key", None):
        assert own_secret("acme", "booking", other) is None


@given(ids, ids, ids, ids)
def test_distinct_mailboxes_never_share_a_name(t1: str, m1: str, t2: str, m2: str) -> None:
    if (t1, m1) != (t2, m2):
        assert password_secret_name(t1, m1) != password_secret_name(t2, m2)
        assert refresh_secret_name(t1, m1) != refresh_secret_name(t2, m2)


def _admin() -> tuple[Admin, InMemorySecretStore]:
    clock = SystemClock()
    secrets = InMemorySecretStore()
    admin = Admin(InMemoryStateStore(clock), secrets, clock, allow_private_hosts=True)
    admin.add_tenant("acme", "Acme", actor="t")
    admin.add_tenant("acme-x", "Acme X", actor="t")
    return admin, secrets


def _mailbox(tenant: str, mid: str, **kw: object) -> Mailbox:
    fields: dict[str, object] = {
        "tenant_id": TenantId(tenant),
        "id": MailboxId(mid),
        "provider": Provider.IMAP,
        "address": f"{mid}@{tenant}.example",
        "host": "imap.example.com",
    }
    return Mailbox.model_validate({**fields, **kw})


def test_one_tenant_cannot_overwrite_the_others_password() -> None:
    admin, secrets = _admin()
    victim = admin.add_mailbox(_mailbox("acme", "x-booking"), password="victim-pw", actor="a")
    attacker = admin.add_mailbox(_mailbox("acme-x", "booking"), password="attacker-pw", actor="b")
    provider = PasswordCredentialProvider(secrets)
    assert provider.credentials_for(victim).secret == "victim-pw"
    assert provider.credentials_for(attacker).secret == "attacker-pw"


def test_a_mailbox_pointing_at_another_tenants_secret_is_refused() -> None:
    admin, secrets = _admin()
    admin.add_mailbox(_mailbox("acme", "booking"), password="victim-pw", actor="a")
    forged = _mailbox("acme-x", "booking", secret_ref=password_secret_name("acme", "booking"))
    with pytest.raises(AuthError) as caught:
        PasswordCredentialProvider(secrets).credentials_for(forged)
    assert "victim-pw" not in str(caught.value)


def test_the_cli_path_cannot_reuse_a_password_for_another_host() -> None:
    admin, secrets = _admin()
    admin.add_mailbox(_mailbox("acme", "booking"), password="pw-1", actor="a")
    moved = _mailbox("acme", "booking", host="imap.elsewhere.example")
    with pytest.raises(ValidationError, match="enter the password again"):
        admin.add_mailbox(moved, password=None, actor="a")
    # a caller-supplied secret_ref is not trusted either
    forged = moved.model_copy(update={"secret_ref": password_secret_name("acme", "booking")})
    with pytest.raises(ValidationError):
        admin.add_mailbox(forged, password=None, actor="a")
    kept = admin.add_mailbox(_mailbox("acme", "booking"), password=None, actor="a")
    assert PasswordCredentialProvider(secrets).credentials_for(kept).secret == "pw-1"
