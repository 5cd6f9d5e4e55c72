"""An ``IMAPClient`` that reads through a small buffer: with 10,000 mailboxes idling in one
process, imaplib's default 8 KiB read buffer per connection is a sixth of each mailbox's
memory (measured with tracemalloc), and an idle session reads a few short lines
between refreshes. Literals (message bodies) bigger than the buffer are read straight into
their result by ``BufferedReader``, so fetching is not slowed.

imaplib makes the buffered file in ``IMAP4.open`` (and again after STARTTLS); imapclient
builds its imaplib object in ``_create_IMAP4``. Both are overridden here and only here.
Python 3.11 (the design's runtime); from 3.14 imaplib manages its own buffer (``file``
becomes read-only) and this module would go.
"""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient
from imapclient.imap4 import IMAP4WithTimeout
from imapclient.tls import IMAP4_TLS

from shared.adapters.imap.idle_hub import IdleNews, idle_hub
from shared.errors import ServiceUnavailable

READ_BUFFER_BYTES = 1024
_NEW_MAIL = (b"EXISTS", b"RECENT")
_MAX_IDLE_LINES = 1000
_MAX_LINE_BYTES = 1_000_000  # imaplib's own limit on a response line


def _judge(lines: list[bytes]) -> IdleNews:
    rang = bye = False
    for line in lines:
        words = line.split(b" ", 3)
        if len(words) > 2 and words[2].rstrip(b"\r\n").upper() in _NEW_MAIL:
            rang = True
        elif len(words) > 1 and words[1].rstrip(b"\r\n").upper() == b"BYE":
            bye = True
    return IdleNews(rang=rang, bye=bye)


def _read_line(imap: imaplib.IMAP4) -> bytes:
    """One line, or what there is of it, from a non-blocking socket: empty when nothing is
    buffered (plain: EAGAIN; TLS: no whole record yet)."""
    file: Any = imap.file  # our BufferedReader (``_small_file``)
    try:
        line: bytes = file.readline(_MAX_LINE_BYTES)
    except (BlockingIOError, ssl.SSLWantReadError):
        return b""
    return line


def _small_file(sock: Any) -> Any:
    return sock.makefile("rb", buffering=READ_BUFFER_BYTES)


# imaplib draws a random tag prefix per connection and compiles a tagged-response pattern
# for it: ~2 KB each, as the re module caches only 512 patterns. Tags need only be unique
# within one connection (RFC 3501 §2.2.1), so after the greeting every connection goes on
# with the same prefix and shares one compiled pattern.
_TAGPRE = b"MI"
_TAGRE = re.compile(rb"(?P<tag>" + _TAGPRE + rb"\d+) (?P<type>[A-Z]+) (?P<data>.*)", re.ASCII)


# TCP keepalive, kept by the kernel: a NAT or load balancer that would drop a quiet flow sees
# a probe every minute, and a peer that vanished is noticed within about two minutes — without
# waking the process (an IDLE session otherwise sleeps until its refresh; providers.md: "use TCP
# keepalive"). Linux names; elsewhere only SO_KEEPALIVE (the system's own timers).
KEEPALIVE = {"TCP_KEEPIDLE": 60, "TCP_KEEPINTVL": 15, "TCP_KEEPCNT": 4}


def keep_alive(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for name, value in KEEPALIVE.items():
        option = getattr(socket, name, None)
        if option is not None:
            sock.setsockopt(socket.IPPROTO_TCP, option, value)


@dataclass
class LiteralBudget:
    """What the server may send as literals (RFC 3501 §4.3, ``{size}`` then that many bytes)
    in answer to the command in flight: each at most ``each`` bytes, together at most
    ``total``. imaplib reads a literal whole into memory as soon as its size is announced,
    whatever was asked for: a server that announces more is refused before one byte of it is
    read, and the session is closed (its answer cannot be skipped without reading it)."""

    each: int
    total: int
    what: str  # "IMAP tenant/mailbox", for the error

    def take(self, size: int) -> None:
        allowed = min(self.each, self.total)
        if size > allowed:
            raise ServiceUnavailable(
                f"{self.what}: the server announced {size} bytes where at most {allowed} "
                "were asked for (MAILINGEST_MAX_MESSAGE_BYTES); the session was closed "
                "before reading them"
            )
        self.total -= size


class _SmallBuffer(imaplib.IMAP4):
    literal_budget: LiteralBudget | None = None  # None: imaplib's own (no) bound

    def read(self, size: int) -> bytes:
        """imaplib reads literals (and only literals) here."""
        if self.literal_budget is not None:
            self.literal_budget.take(size)
        return super().read(size)

    def open(self, host: str = "", port: int = 143, timeout: float | None = None) -> None:
        super().open(host, port, timeout)
        keep_alive(self.sock)
        # nothing has been read yet (the greeting comes after open): swapping loses nothing
        self.file.close()
        self.file = _small_file(self.sock)

    def _connect(self) -> None:
        super()._connect()  # type: ignore[misc]  # greeting and CAPABILITY: none in flight
        self.tagpre, self.tagre = _TAGPRE, _TAGRE  # type: ignore[assignment]
        self._cmd_log_len = 1  # imaplib's debug history of the last 10 lines: keep one


# imapclient's class first (its __init__), then ours (its open), then imaplib's
class _PlainImap(IMAP4WithTimeout, _SmallBuffer):  # type: ignore[misc]
    pass


class _TlsImap(IMAP4_TLS, _SmallBuffer):  # type: ignore[misc]
    pass


class LeanIMAPClient(IMAPClient):  # type: ignore[misc]
    _partial = b""  # the start of a line read during IDLE whose end is still in flight
    _early: IdleNews | None = None  # what came right behind the IDLE's continuation

    def idle(self) -> None:
        """IDLE, then what the server sent right behind its ``+ idling``: Dovecot reports
        the messages that arrived since the session's last command as the IDLE starts, in
        the same packet — read into the buffer along with the continuation, where the hub's
        wait on the socket cannot see it (measured: such a message waited for the next
        arrival or the refresh, 29 min)."""
        super().idle()
        self._early = self._read_idle(closed=False)

    def socket(self) -> Any:
        # imapclient looks for ``sslobj`` first, which on Python 3's imaplib goes through
        # IMAP4.__getattr__ and raises AttributeError: twice per IDLE wake-up, a tenth of its
        # CPU. imaplib 3.x keeps the (TLS-wrapped after STARTTLS) socket in ``sock``.
        return self._imap.sock

    def idle_news(self, timeout: float | None) -> tuple[bool, bool]:
        """What an IDLE wait needs to know, without parsing every line: did a message arrive
        (``* n EXISTS`` / ``* n RECENT``), and did the server say ``* BYE``. The wait is the
        process's ``IdleHub``: the server's keep-alive lines are read and judged on its
        thread, and this one wakes only for news or at ``timeout``. A connection the server
        closed or reset raises ``imaplib.IMAP4.abort`` (after any BYE it sent first): a
        closed socket stays readable, and a wait that answered "nothing new" would be called
        again at once, spinning until the refresh."""
        early, self._early = self._early, None
        if early is not None and (early.rang or early.bye):
            return early.rang, early.bye
        news = idle_hub().wait(self._imap.sock.fileno(), self._read_idle, timeout)
        if self._partial:  # the refresh is due mid-line: the rest is in flight, wait for it
            news |= self._finish_line()
        if news.closed and not news.bye:
            raise imaplib.IMAP4.abort("socket error: EOF (connection closed during IDLE)")
        return news.rang, news.bye

    def _read_idle(self, closed: bool) -> IdleNews:
        """On the hub's thread (this session's thread is blocked meanwhile): the lines the
        server sent, read without blocking. A line whose end is still in flight is kept for
        the next wake-up, never waited for here (that would hold every other session)."""
        sock = self._imap.sock
        sock.setblocking(False)
        try:
            lines, flood = self._available_lines()
        finally:
            sock.settimeout(self._timeout.read if self._timeout is not None else None)
        news = _judge(lines)
        # a flood of untagged lines (more than one wake-up reads) may leave some in the read
        # buffer, where epoll cannot see them: a sync reads them as answers
        return IdleNews(rang=news.rang or flood, bye=news.bye, closed=closed)

    def _available_lines(self) -> tuple[list[bytes], bool]:
        imap = self._imap
        lines: list[bytes] = []
        for _ in range(_MAX_IDLE_LINES):  # bounded
            piece = _read_line(imap)
            if not piece:
                return lines, False
            if not piece.endswith(b"\n"):
                self._partial += piece
                return lines, False
            lines.append(self._partial + piece)
            self._partial = b""
        return lines, True

    def _finish_line(self) -> IdleNews:
        line, self._partial = self._partial, b""
        line += self._imap.file.readline(_MAX_LINE_BYTES)  # with the normal read timeout
        return _judge([line])

    def _create_IMAP4(self) -> imaplib.IMAP4:
        timeout = getattr(self._timeout, "connect", None)
        if self.ssl:
            tls_imap: Any = _TlsImap  # imapclient's signature (host, port, context, timeout)
            return tls_imap(self.host, self.port, self.ssl_context, timeout)  # type: ignore[no-any-return]
        return _PlainImap(self.host, self.port, timeout)

    def starttls(self, ssl_context: ssl.SSLContext | None = None) -> Any:
        answer = super().starttls(ssl_context)
        imap = self._imap
        # the TLS file was just made and nothing read from it since the handshake
        imap.file.close()
        imap.file = _small_file(imap.sock)
        return answer


_CAPABILITIES: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _shared(capabilities: tuple[Any, ...]) -> tuple[Any, ...]:
    """One tuple per distinct capability list: the connections to one server all hold it."""
    return _CAPABILITIES.setdefault(capabilities, capabilities)


def slim(client: LeanIMAPClient) -> None:
    """After login: imapclient turns imaplib's per-line debug tracing on (``debug = 5``, a
    logger adapter per connection, every line formatted even when nobody logs DEBUG); our
    logs are structured and say what happened, so it is turned off again. The server's
    capability lists are shared between its connections."""
    imap = client._imap
    imap.debug = 0
    imap._mesg = _silent
    imap.capabilities = _shared(imap.capabilities)
    # the authenticated list (asked for now if the login answer did not carry it; the first
    # IDLE would ask anyway), shared
    client._cached_capabilities = _shared(tuple(client.capabilities()))


def _silent(*_: Any) -> None:
    pass
