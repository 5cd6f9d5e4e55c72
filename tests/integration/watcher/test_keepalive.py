"""Every IMAP session the watcher opens asks the kernel for TCP keepalive: an IDLE session
sleeps until its refresh, and a NAT that drops a quiet flow or a server that vanished must be
noticed without the process waking (providers.md: "re-IDLE every few minutes and use TCP
keepalive"). Checked on real sockets to the real Dovecot, for each TLS mode."""

from __future__ import annotations

import socket
import uuid
from typing import Any

import pytest

from shared.adapters.imap.connect import ConnectOptions, connect_imap
from shared.adapters.imap.lean_client import KEEPALIVE
from shared.domain.models import Mailbox, Provider, TlsMode
from shared.ids import MailboxId, TenantId
from shared.ports import LoginCredentials

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("tls", [TlsMode.TLS, TlsMode.STARTTLS, TlsMode.PLAIN])
def test_imap_sessions_have_tcp_keepalive(dovecot: Any, tls: TlsMode) -> None:
    name, password = f"k{uuid.uuid4().hex[:10]}@test.example", uuid.uuid4().hex
    dovecot.add_user(name, password)
    port = dovecot.imaps_port if tls is TlsMode.TLS else dovecot.imap_port
    mailbox = Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId("booking"),
        provider=Provider.IMAP,
        address=name,
        host="127.0.0.1",
        port=port,
        tls=tls,
        username=name,
    )
    options = ConnectOptions(timeout_s=10, ca_file=dovecot.ca_cert, allow_private_hosts=True)
    client = connect_imap(mailbox, LoginCredentials(name, password), options)
    try:
        sock = client.socket()
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        for option, value in KEEPALIVE.items():
            assert sock.getsockopt(socket.IPPROTO_TCP, getattr(socket, option)) == value
        assert client.select_folder("INBOX")[b"EXISTS"] == 0  # the session itself still works
    finally:
        client.logout()
