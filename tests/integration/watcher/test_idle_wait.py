"""What ends an IDLE wait, on a real Dovecot session with a proxy in between that can also
speak as the server: a keep-alive line is not news (the wait returns, nothing to fetch), an
EXISTS is (also when it comes in the same packet as a keep-alive), BYE ends the session, and
the command that follows DONE (sent together, pipelined) gets its answer."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from shared.adapters.imap.connect import ConnectOptions, connect_imap
from shared.adapters.imap.imap_source import ImapMailSource
from shared.domain.models import Mailbox, Provider, TlsMode
from shared.errors import ServiceUnavailable
from shared.ids import MailboxId, TenantId
from shared.ports import LoginCredentials, SourcePosition
from tests.fakes.tcp_proxy import tcp_proxy

pytestmark = pytest.mark.integration


def _user(dovecot: Any) -> tuple[str, str]:
    name, password = f"i{uuid.uuid4().hex[:10]}@test.example", uuid.uuid4().hex
    dovecot.add_user(name, password)
    return name, password


def _source(name: str, password: str, port: int, tls: TlsMode, ca: Any = None) -> ImapMailSource:
    mailbox = Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId("booking"),
        provider=Provider.IMAP,
        address=name,
        host="127.0.0.1",
        port=port,
        tls=tls,
    )
    options = ConnectOptions(timeout_s=10, allow_private_hosts=True, ca_file=ca)
    return ImapMailSource(connect_imap(mailbox, LoginCredentials(name, password), options), mailbox)


def test_keepalive_exists_bye_and_the_command_after_done(dovecot: Any) -> None:
    from imapclient import IMAPClient

    name, password = _user(dovecot)
    with tcp_proxy("127.0.0.1", dovecot.imap_port) as proxy:
        source = _source(name, password, proxy.port, TlsMode.PLAIN)
        try:
            source.select()
            assert source.wait_for_change(0.2) is False  # in IDLE now; nothing happened
            proxy.to_clients(b"* OK Still here\r\n")
            assert source.wait_for_change(10) is False  # woken, but no news
            proxy.to_clients(b"* OK Still here\r\n* 1 EXISTS\r\n")
            assert source.wait_for_change(10) is True  # the second line of the packet counts
            with IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=10) as c:
                c.login(name, password)
                c.append("INBOX", b"Subject: hello\r\n\r\nbody\r\n")
            assert source.wait_for_change(10) is True  # Dovecot's own EXISTS
            # DONE and UID SEARCH went out together: the search answers, the session goes on
            assert [ref.uid for ref in source.changes_since(SourcePosition(last_uid=0))] == [1]
            assert source.wait_for_change(0.2) is False  # back in IDLE
            proxy.to_clients(b"* BYE shutting down\r\n")
            with pytest.raises(ServiceUnavailable, match="BYE"):
                source.wait_for_change(10)
        finally:
            source.close()


@pytest.mark.parametrize("tls", [TlsMode.PLAIN, TlsMode.TLS])
@pytest.mark.parametrize("how", ["hang_up", "down"])
def test_a_connection_closed_during_idle_ends_the_wait_with_an_error(
    dovecot: Any, tls: TlsMode, how: str
) -> None:
    """Closed cleanly (FIN) or reset (RST) with no BYE: the wait raises, and does not answer
    "nothing new" at once again and again (a closed socket stays readable: that was a busy
    loop until the next refresh)."""
    name, password = _user(dovecot)
    port = dovecot.imap_port if tls is TlsMode.PLAIN else dovecot.imaps_port
    with tcp_proxy("127.0.0.1", port) as proxy:
        source = _source(name, password, proxy.port, tls, dovecot.ca_cert)
        try:
            source.select()
            assert source.wait_for_change(0.2) is False  # in IDLE now
            getattr(proxy, how)()
            with pytest.raises(ServiceUnavailable):
                source.wait_for_change(10)
        finally:
            source.close()


def test_a_line_split_across_packets_is_read_whole(dovecot: Any) -> None:
    """The end of an EXISTS line still in flight when the wait wakes up is waited for, not
    taken for a line of its own (a half line would be missed, the rest misread)."""
    name, password = _user(dovecot)
    with tcp_proxy("127.0.0.1", dovecot.imap_port) as proxy:
        source = _source(name, password, proxy.port, TlsMode.PLAIN)
        try:
            source.select()
            assert source.wait_for_change(0.2) is False
            proxy.to_clients(b"* 7 EXI")
            threading.Timer(0.3, proxy.to_clients, args=(b"STS\r\n",)).start()
            assert source.wait_for_change(10) is True
        finally:
            source.close()
