"""Move mailboxes' secrets from the names used before each kind had a prefix of its own
(``mailingest-t4-acme-m7-booking-password``) to their names now
(``mailingest-password-t4-acme-m7-booking``), which the deployed identities are granted: an
operator's one-off after upgrading (``mailingest secrets-rename``), with the operator's own
credentials. Per mailbox: the value copied to the new name, the mailbox pointed at it
(audited), the old secret deleted. Safe to run again: a mailbox already moved is left alone,
and a run cut short leaves each mailbox on one working name. Run it while nobody edits
mailboxes (it rewrites each mailbox it moves)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from shared.domain.models import AuditEntry, Mailbox
from shared.errors import MailIngestError
from shared.ports import AuditLog, Clock, MailboxStore, SecretStore
from shared.secret_names import (
    LegacySecret,
    PasswordSecret,
    RefreshTokenSecret,
    SecretKind,
    legacy_secret_name,
    password_secret_name,
    refresh_secret_name,
)

logger = logging.getLogger(__name__)
_KINDS: tuple[SecretKind, ...] = ("password", "refresh-token")


class RenameRecords(MailboxStore, AuditLog, Protocol):
    """The mailboxes (read and pointed at their new names) and the audit log."""


@dataclass(frozen=True)
class Move:
    mailbox: Mailbox
    old: LegacySecret
    new: PasswordSecret | RefreshTokenSecret


def legacy_moves(mailboxes: list[Mailbox]) -> Iterator[Move]:
    """The mailboxes whose ``secret_ref`` is their own secret under its old name."""
    for mailbox in mailboxes:
        for kind in _KINDS:
            old = legacy_secret_name(mailbox.tenant_id, mailbox.id, kind)
            if mailbox.secret_ref == old:
                new = (
                    password_secret_name(mailbox.tenant_id, mailbox.id)
                    if kind == "password"
                    else refresh_secret_name(mailbox.tenant_id, mailbox.id)
                )
                yield Move(mailbox, old, new)


def rename_legacy_secrets(
    state: RenameRecords, secrets: SecretStore, clock: Clock, actor: str, *, dry_run: bool
) -> list[Move]:
    """Every move made (or, with ``dry_run``, to be made)."""
    moves = list(legacy_moves(state.list_mailboxes()))
    if dry_run:
        return moves
    for move in moves:
        secrets.put_secret(move.new, secrets.get_secret(move.old))
        now = clock.now()
        state.put_mailbox(
            move.mailbox.model_copy(update={"secret_ref": move.new, "updated_at": now})
        )
        state.append_audit(
            AuditEntry(
                tenant_id=move.mailbox.tenant_id,
                actor=actor,
                action="mailbox.secret_renamed",
                target=f"{move.mailbox.tenant_id}/mailboxes/{move.mailbox.id}",
                at=now,
                details={"from": move.old, "to": move.new},
            )
        )
        try:  # best effort: nothing points at it any more
            secrets.delete_secret(move.old)
        except MailIngestError as exc:
            logger.warning("old secret not deleted", extra={"error": str(exc)[:200]})
        logger.info("secret renamed", extra={"mailbox_key": move.mailbox.key})
    return moves
