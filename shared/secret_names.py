"""The one module that names secrets: a mailbox's password and refresh token, the secrets
Graph subscriptions kept before their owner documents, and the check that a mailbox's
``secret_ref`` names its own secret.

Each kind of secret has a prefix of its own (``PREFIXES``), so an IAM condition on the name
(``resource.name.startsWith(...)``) can grant one kind without the other: the identities that
only store refresh tokens never match a password. Every name a ``SecretStore`` is called with
is typed by its kind (``PasswordSecret``, ``RefreshTokenSecret``, ``GraphSubscriptionSecret``,
built only here), so the kind of every secret the code touches is known from the code
(``tests/unit/test_grants_from_code.py`` reads it and compares it with ``infra/``).

Ids may contain ``-``, so joining them with ``-`` is ambiguous (tenant ``acme`` + mailbox
``x-booking`` and tenant ``acme-x`` + mailbox ``booking`` would share one secret). Each id is
therefore length-prefixed: ``mailingest-password-t4-acme-m9-x-booking`` vs
``mailingest-password-t6-acme-x-m7-booking``. Within Secret Manager's rules
(``[A-Za-z0-9_-]``, at most 255 characters: ids are at most 63 characters each)."""

from __future__ import annotations

import re
from typing import Literal, NewType

from shared.errors import AuthError, NotFound
from shared.ids import MailboxId, TenantId, valid_id

SecretKind = Literal["password", "refresh-token"]  # a mailbox's own secrets
PasswordSecret = NewType("PasswordSecret", str)
RefreshTokenSecret = NewType("RefreshTokenSecret", str)
# where Graph subscriptions made before the owner documents kept their clientState: only
# ever deleted (with the subscription), never read or written
GraphSubscriptionSecret = NewType("GraphSubscriptionSecret", str)
# a mailbox's password or refresh token under the name used before each kind had a prefix
# of its own ("mailingest-t4-acme-m7-booking-password"): read once by the operator's rename
# (``mailingest secrets-rename``) and deleted; no deployed identity is granted these
LegacySecret = NewType("LegacySecret", str)
SecretName = PasswordSecret | RefreshTokenSecret | GraphSubscriptionSecret | LegacySecret

PREFIXES: dict[str, str] = {
    "password": "mailingest-password-",
    "refresh-token": "mailingest-refresh-token-",
    "graph-subscription": "mailingest-graph-subscription-",
}
# the kind each name type holds (what the grants test maps a call's argument type to)
KIND_OF_TYPE: dict[object, str] = {
    PasswordSecret: "password",
    RefreshTokenSecret: "refresh-token",
    GraphSubscriptionSecret: "graph-subscription",
}
_NAME = re.compile(r"mailingest-(password|refresh-token)-t(\d{1,2})-(.+)")


def secret_name(tenant_id: str, mailbox_id: str, kind: SecretKind) -> str:
    if not (valid_id(tenant_id) and valid_id(mailbox_id)):
        raise ValueError("secret names are built only from valid tenant and mailbox ids")
    return f"{PREFIXES[kind]}t{len(tenant_id)}-{tenant_id}-m{len(mailbox_id)}-{mailbox_id}"


def password_secret_name(tenant_id: TenantId | str, mailbox_id: MailboxId | str) -> PasswordSecret:
    return PasswordSecret(secret_name(tenant_id, mailbox_id, "password"))


def refresh_secret_name(
    tenant_id: TenantId | str, mailbox_id: MailboxId | str
) -> RefreshTokenSecret:
    return RefreshTokenSecret(secret_name(tenant_id, mailbox_id, "refresh-token"))


def legacy_secret_name(
    tenant_id: TenantId | str, mailbox_id: MailboxId | str, kind: SecretKind
) -> LegacySecret:
    """The name a mailbox's secret of ``kind`` had before the kinds had prefixes."""
    if not (valid_id(tenant_id) and valid_id(mailbox_id)):
        raise ValueError("secret names are built only from valid tenant and mailbox ids")
    return LegacySecret(
        f"mailingest-t{len(tenant_id)}-{tenant_id}-m{len(mailbox_id)}-{mailbox_id}-{kind}"
    )


def graph_subscription_secret_name(subscription_id: str) -> GraphSubscriptionSecret:
    """NotFound for anything that is not a plain Graph subscription id."""
    safe = "".join(c for c in subscription_id if c.isalnum() or c == "-")[:200]
    if not safe or safe != subscription_id:
        raise NotFound("not a Graph subscription id")
    return GraphSubscriptionSecret(f"{PREFIXES['graph-subscription']}{safe}")


def kind_of(name: str) -> str | None:
    """The kind a secret name's prefix says (None: not one of ours)."""
    return next((kind for kind, prefix in PREFIXES.items() if name.startswith(prefix)), None)


def parse_secret_name(name: str) -> tuple[str, str, SecretKind] | None:
    """(tenant, mailbox, kind) of a name built by ``secret_name``; None for anything else."""
    match = _NAME.fullmatch(name)
    if not match:
        return None
    kind: SecretKind = "password" if match.group(1) == "password" else "refresh-token"
    tenant_len, rest = int(match.group(2)), match.group(3)
    tenant = rest[:tenant_len]
    mailbox_part = re.fullmatch(r"-m(\d{1,2})-(.+)", rest[tenant_len:])
    if not mailbox_part:
        return None
    mailbox = mailbox_part.group(2)
    if not (valid_id(tenant) and valid_id(mailbox)):
        return None
    return (tenant, mailbox, kind) if secret_name(tenant, mailbox, kind) == name else None


def _owned(
    tenant_id: TenantId | str, mailbox_id: MailboxId | str, secret_ref: str, kind: SecretKind
) -> None:
    if secret_ref != secret_name(tenant_id, mailbox_id, kind):
        raise AuthError(
            f"mailbox {tenant_id}/{mailbox_id}: its secret reference is not its own; "
            "enter the credential again"
        )


def own_secret(
    tenant_id: TenantId | str, mailbox_id: MailboxId | str, secret_ref: str | None
) -> PasswordSecret | RefreshTokenSecret | None:
    """The mailbox's own secret ``secret_ref`` names, of either kind; None for anything else
    (nothing, or a name that is not this mailbox's: never touched)."""
    parsed = parse_secret_name(secret_ref or "")
    if parsed is None or parsed[:2] != (tenant_id, mailbox_id):
        return None
    if parsed[2] == "password":
        return password_secret_name(tenant_id, mailbox_id)
    return refresh_secret_name(tenant_id, mailbox_id)


def owned_password(
    tenant_id: TenantId | str, mailbox_id: MailboxId | str, secret_ref: str
) -> PasswordSecret:
    """``secret_ref`` if it is this mailbox's own password; raises AuthError otherwise (a
    mailbox document pointing at another tenant's secret is never read)."""
    _owned(tenant_id, mailbox_id, secret_ref, "password")
    return PasswordSecret(secret_ref)


def owned_refresh_token(
    tenant_id: TenantId | str, mailbox_id: MailboxId | str, secret_ref: str
) -> RefreshTokenSecret:
    """``secret_ref`` if it is this mailbox's own refresh token; raises AuthError otherwise."""
    _owned(tenant_id, mailbox_id, secret_ref, "refresh-token")
    return RefreshTokenSecret(secret_ref)
