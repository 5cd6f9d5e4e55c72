"""Identifier types that must not be mixed up, and the stable keys built from them."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import NewType

TenantId = NewType("TenantId", str)
MailboxId = NewType("MailboxId", str)

# Firestore document ids may not contain "/" and must not be "." or ".."; we also keep them
# readable in URLs and logs. Tenants and mailboxes are named by admins, so validate once here.
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def valid_id(value: str) -> bool:
    """True if ``value`` is usable as a tenant or mailbox id."""
    return bool(_ID_RE.fullmatch(value))


def event_id(tenant_id: TenantId, mailbox_id: MailboxId, provider_message_id: str) -> str:
    """The stable event id and dedupe key: tenant + mailbox + provider message id.

    It is a hash so it is a safe Firestore document id whatever the provider id contains
    (Graph ids carry "/" and "=") and so downstream can use it as an idempotency key.
    """
    digest = hashlib.sha256(
        f"{tenant_id}\x00{mailbox_id}\x00{provider_message_id}".encode()
    ).hexdigest()
    return f"{tenant_id}.{mailbox_id}.{digest[:40]}"


def event_owner(eid: str) -> tuple[TenantId, MailboxId] | None:
    """The tenant and mailbox an ``event_id`` was built from, or None when ``eid`` is not one
    (tenant and mailbox ids never contain ".", so the split is exact)."""
    parts = eid.split(".")
    if len(parts) != 3 or not (valid_id(parts[0]) and valid_id(parts[1])):
        return None
    if not re.fullmatch(r"[0-9a-f]{40}", parts[2]):
        return None
    return TenantId(parts[0]), MailboxId(parts[1])


def raw_blob_key(tenant_id: TenantId, mailbox_id: MailboxId, eid: str) -> str:
    """Where the pipeline keeps an event's raw MIME in the blob store (kept as long as a
    replay needs it: the bucket deletes ``raw/`` after ``raw_retention_days``)."""
    return f"raw/{tenant_id}/{mailbox_id}/{eid}.eml"


def dead_letter_blob_key(tenant_id: TenantId, mailbox_id: MailboxId, eid: str) -> str:
    """Where a dead-lettered message's raw MIME is kept for its replay (``dead/`` outlives
    ``raw/``: ``dead_letter_retention_days``)."""
    return f"dead/{tenant_id}/{mailbox_id}/{eid}.eml"


def message_id_key(tenant_id: TenantId, account: str, message_id: str) -> str:
    """The claim key of a message that has an RFC 5322 Message-ID: that Message-ID within one
    tenant's mail account (the same mail in two folders, or read again under new provider
    ids, is one message). A message without one is claimed by its event id."""
    normalized = message_id.strip().strip("<>").lower()
    digest = hashlib.sha256(f"{tenant_id}\x00{account.lower()}\x00{normalized}".encode())
    return f"msgid.{tenant_id}.{digest.hexdigest()[:40]}"


def incarnation(worker_id: str) -> str:
    """This process's holder name for leases and claims: the worker id plus a nonce drawn at
    start. A restarted process with the same worker id is another holder: it cannot renew
    the dead one's leases, and the dead one's claims are freed when those leases lapse."""
    return f"{worker_id}#{secrets.token_hex(4)}"
