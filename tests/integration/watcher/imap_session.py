"""An IMAP session with the test Dovecot as the watcher opens one (``connect_imap``: vetted
address, TLS mode, TCP keepalive, login), for a user made for the test: the client alone, or
the ``ImapMailSource`` over it. ``port``: another than Dovecot's own for the TLS mode (a
proxy in between)."""

from __future__ import annotations

import uuid
from typing import Any

from shared.adapters.imap.connect import ConnectOptions, connect_imap
from shared.adapters.imap.imap_source import ImapMailSource
from shared.domain.models import Mailbox, Provider, TlsMode
from shared.ids import MailboxId, TenantId
from shared.ports import LoginCredentials


def dovecot_user(dovecot: Any) -> tuple[str, str]:
    """A new Dovecot user: (name, password)."""
    name, password = f"i{uuid.uuid4().hex[:10]}@test.example", uuid.uuid4().hex
    dovecot.add_user(name, password)
    return name, password


def imap_client(dovecot: Any, user: tuple[str, str], tls: TlsMode, port: int | None = None) -> Any:
    """The authenticated client (an ``IMAPClient``) of the user's INBOX."""
    return _connect(dovecot, user, imap_mailbox(dovecot, user[0], tls, port))


def imap_source(
    dovecot: Any, user: tuple[str, str], tls: TlsMode, port: int | None = None
) -> ImapMailSource:
    """The mail source over such a client (its folder not selected yet)."""
    mailbox = imap_mailbox(dovecot, user[0], tls, port)
    return ImapMailSource(_connect(dovecot, user, mailbox), mailbox)


def imap_mailbox(dovecot: Any, name: str, tls: TlsMode, port: int | None = None) -> Mailbox:
    if port is None:
        port = dovecot.imaps_port if tls is TlsMode.TLS else dovecot.imap_port
    return Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId("booking"),
        provider=Provider.IMAP,
        address=name,
        host="127.0.0.1",
        port=port,
        tls=tls,
        username=name,
    )


def _connect(dovecot: Any, user: tuple[str, str], mailbox: Mailbox) -> Any:
    options = ConnectOptions(timeout_s=10, ca_file=dovecot.ca_cert, allow_private_hosts=True)
    return connect_imap(mailbox, LoginCredentials(*user), options)
