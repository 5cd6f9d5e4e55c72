"""What ends an IDLE wait, on a real Dovecot session with a proxy in between that can also
speak as the server: a keep-alive line is not news (the wait returns, nothing to fetch), an
EXISTS is (also when it comes in the same packet as a keep-alive), BYE ends the session, and
the command that follows DONE (sent together, pipelined) gets its answer — after the IDLE's
own, or the session ends with an error."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from shared.adapters.imap.imap_source import ImapMailSource
from shared.domain.models import TlsMode
from shared.errors import ServiceUnavailable
from shared.ports import SourcePosition
from tests.fakes.tcp_proxy import TcpProxy, tcp_proxy
from tests.integration.watcher.imap_session import dovecot_user, imap_source

pytestmark = pytest.mark.integration


@contextmanager
def idling(
    dovecot: Any, user: tuple[str, str], tls: TlsMode = TlsMode.PLAIN
) -> Iterator[tuple[ImapMailSource, TcpProxy]]:
    """The user's session through a proxy, INBOX selected, in IDLE with nothing new yet."""
    port = dovecot.imaps_port if tls is TlsMode.TLS else dovecot.imap_port
    with tcp_proxy("127.0.0.1", port) as proxy:
        source = imap_source(dovecot, user, tls, proxy.port)
        try:
            source.select()
            assert source.wait_for_change(0.2) is False  # in IDLE now; nothing happened
            yield source, proxy
        finally:
            source.close()


def test_keepalive_exists_bye_and_the_command_after_done(dovecot: Any) -> None:
    from imapclient import IMAPClient

    user = dovecot_user(dovecot)
    name, password = user
    with idling(dovecot, user) as (source, proxy):
        proxy.to_clients(b"* OK Still here\r\n")
        # read and judged on the hub's thread, which wakes this one only for news: the wait
        # runs to its timeout, so a short one (the line is through the proxy in milliseconds)
        assert source.wait_for_change(2) is False  # no news
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


@pytest.mark.parametrize("tls", [TlsMode.PLAIN, TlsMode.TLS])
@pytest.mark.parametrize("how", ["hang_up", "down"])
def test_a_connection_closed_during_idle_ends_the_wait_with_an_error(
    dovecot: Any, tls: TlsMode, how: str
) -> None:
    """Closed cleanly (FIN) or reset (RST) with no BYE: the wait raises, and does not answer
    "nothing new" at once again and again (a closed socket stays readable: that was a busy
    loop until the next refresh)."""
    with idling(dovecot, dovecot_user(dovecot), tls) as (source, proxy):
        getattr(proxy, how)()
        with pytest.raises(ServiceUnavailable):
            source.wait_for_change(10)


def test_a_line_split_across_packets_is_read_whole(dovecot: Any) -> None:
    """The end of an EXISTS line still in flight when the wait wakes up is waited for, not
    taken for a line of its own (a half line would be missed, the rest misread)."""
    with idling(dovecot, dovecot_user(dovecot)) as (source, proxy):
        proxy.to_clients(b"* 7 EXI")
        threading.Timer(0.3, proxy.to_clients, args=(b"STS\r\n",)).start()
        assert source.wait_for_change(10) is True


@pytest.mark.parametrize("tls", [TlsMode.PLAIN, TlsMode.TLS])
def test_a_message_that_arrived_while_the_session_was_busy_is_news_as_the_idle_starts(
    dovecot: Any, tls: TlsMode
) -> None:
    """A message delivered after the session's last command (the watcher busy handing off,
    e.g. waiting for a blocked publish) is reported by Dovecot right behind its ``+ idling``,
    in the same packet: the wait returns it at once, not at the next arrival or refresh."""
    from imapclient import IMAPClient

    user = dovecot_user(dovecot)
    name, password = user
    port = dovecot.imaps_port if tls is TlsMode.TLS else dovecot.imap_port
    source = imap_source(dovecot, user, tls, port)
    try:
        source.select()
        assert source.changes_since(SourcePosition(last_uid=0)) == []
        with IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=10) as c:
            c.login(name, password)
            c.append("INBOX", b"Subject: while busy\r\n\r\nbody\r\n")
        started = time.monotonic()
        assert source.wait_for_change(10) is True
        assert time.monotonic() - started < 2
        assert [ref.uid for ref in source.changes_since(SourcePosition(last_uid=0))] == [1]
    finally:
        source.close()


def test_a_command_answered_before_the_idle_ended_is_an_error(dovecot: Any) -> None:
    """The IDLE's tagged answer must come before the answer to the command sent along with
    DONE (answers come in order): a server (here the proxy, speaking first) that answers the
    command without it is a clear error, not an IDLE that ended well."""
    with idling(dovecot, dovecot_user(dovecot)) as (source, proxy):
        imap = source._client._imap  # the tag of the next command: tags count up
        tag = imap.tagpre + str(imap.tagnum).encode()
        proxy.to_clients(b"* SEARCH\r\n" + tag + b" OK SEARCH completed\r\n")
        with pytest.raises(ServiceUnavailable, match="without ending the IDLE"):
            source.changes_since(SourcePosition(last_uid=0))


def test_a_stop_ends_the_wait_quietly(dovecot: Any, caplog: pytest.LogCaptureFixture) -> None:
    """``interrupt()`` (the worker stopping: a deploy, a lease handed over) ends the wait at
    once with nothing new and no "connection lost" warning — one per mailbox at every
    rolling deploy otherwise — and the logout that follows sends nothing."""
    with idling(dovecot, dovecot_user(dovecot)) as (source, _):
        waited: list[bool | Exception] = []

        def wait() -> None:
            try:
                waited.append(source.wait_for_change(30))
            except ServiceUnavailable as exc:
                waited.append(exc)

        thread = threading.Thread(target=wait)
        thread.start()
        source.interrupt()
        thread.join(10)
        source.logout()
    assert waited == [False]
    assert not [r for r in caplog.records if "connection lost" in r.getMessage()]
