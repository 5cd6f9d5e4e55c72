"""Every IMAP session the watcher opens asks the kernel for TCP keepalive: an IDLE session
sleeps until its refresh, and a NAT that drops a quiet flow or a server that vanished must be
noticed without the process waking (providers.md: "re-IDLE every few minutes and use TCP
keepalive"). Checked on real sockets to the real Dovecot, for each TLS mode."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from shared.adapters.imap.lean_client import KEEPALIVE
from shared.domain.models import TlsMode
from tests.integration.watcher.imap_session import dovecot_user, imap_client

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("tls", [TlsMode.TLS, TlsMode.STARTTLS, TlsMode.PLAIN])
def test_imap_sessions_have_tcp_keepalive(dovecot: Any, tls: TlsMode) -> None:
    client = imap_client(dovecot, dovecot_user(dovecot), tls)
    try:
        sock = client.socket()
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        for option, value in KEEPALIVE.items():
            assert sock.getsockopt(socket.IPPROTO_TCP, getattr(socket, option)) == value
        assert client.select_folder("INBOX")[b"EXISTS"] == 0  # the session itself still works
    finally:
        client.logout()
