"""The secret-store names of a mailbox's password and refresh token, and the check that a
mailbox's ``secret_ref`` names its own secret.

Ids may contain ``-``, so joining them with ``-`` is ambiguous (tenant ``acme`` + mailbox
``x-booking`` and tenant ``acme-x`` + mailbox ``booking`` would share one secret). Each id is
therefore length-prefixed: ``mailingest-t4-acme-m9-x-booking-password`` vs
``mailingest-t6-acme-x-m7-booking-password``. Within Secret Manager's rules (``[A-Za-z0-9_-]``,
at most 255 characters: ids are at most 63 characters each)."""

from __future__ import annotations

import re
from typing import Literal

from shared.errors import AuthError
from shared.ids import MailboxId, TenantId, valid_id

SecretKind = Literal["password", "refresh-token"]
_NAME = re.compile(r"mailingest-t(\d{1,2})-(.+)-(password|refresh-token)")


def secret_name(tenant_id: str, mailbox_id: str, kind: SecretKind) -> str:
    if not (valid_id(tenant_id) and valid_id(mailbox_id)):
        raise ValueError("secret names are built only from valid tenant and mailbox ids")
    return f"mailingest-t{len(tenant_id)}-{tenant_id}-m{len(mailbox_id)}-{mailbox_id}-{kind}"


def password_secret_name(tenant_id: TenantId | str, mailbox_id: MailboxId | str) -> str:
    return secret_name(tenant_id, mailbox_id, "password")


def refresh_secret_name(tenant_id: TenantId | str, mailbox_id: MailboxId | str) -> str:
    return secret_name(tenant_id, mailbox_id, "refresh-token")


def parse_secret_name(name: str) -> tuple[str, str, SecretKind] | None:
    """(tenant, mailbox, kind) of a name built by ``secret_name``; None for anything else."""
    match = _NAME.fullmatch(name)
    if not match:
        return None
    tenant_len, rest = int(match.group(1)), match.group(2)
    kind: SecretKind = "password" if match.group(3) == "password" else "refresh-token"
    tenant = rest[:tenant_len]
    mailbox_part = re.fullmatch(r"-m(\d{1,2})-(.+)", rest[tenant_len:])
    if not mailbox_part:
        return None
    mailbox = mailbox_part.group(2)
    if not (valid_id(tenant) and valid_id(mailbox)):
        return None
    return (tenant, mailbox, kind) if secret_name(tenant, mailbox, kind) == name else None


def owned_secret_ref(
    tenant_id: TenantId | str, mailbox_id: MailboxId | str, secret_ref: str, kind: SecretKind
) -> str:
    """``secret_ref`` if it is this mailbox's own secret of ``kind``; raises AuthError otherwise
    (a mailbox document pointing at another tenant's secret is never read)."""
    if secret_ref != secret_name(tenant_id, mailbox_id, kind):
        raise AuthError(
            f"mailbox {tenant_id}/{mailbox_id}: its secret reference is not its own; "
            "enter the credential again"
        )
    return secret_ref
