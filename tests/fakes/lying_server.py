"""A mail server that lies about sizes (tests only): it reports a small message (IMAP
``RFC822.SIZE``, POP3 ``LIST``) and then sends a large one. Enough of IMAP4rev1 (RFC 3501)
and POP3 (RFC 1939) for one session of ``ImapMailSource`` / ``Pop3MailSource`` to log in,
list and fetch; the body is generated as it is sent, so the server itself stays small.

``honour_partial``: the IMAP server answers a partial fetch (``BODY.PEEK[]<0.n>``) with at
most ``n`` bytes, as RFC 3501 §6.4.5 says (an honest server whose sizes were wrong);
otherwise it announces and sends the whole body (a hostile one).

``fetch_in_child`` runs one fetch in a fresh process and reports its peak memory, so that
what a fetch reads can be judged by the process's high-water mark."""

from __future__ import annotations

import multiprocessing
import re
import resource
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

LISTED = 100  # the size the server reports
_LINE = b"x" * 998 + b"\r\n"  # RFC 5322 line limit


@dataclass
class LyingServer:
    protocol: str  # "imap" | "pop3"
    body_bytes: int  # what it really sends
    honour_partial: bool = False
    port: int = 0
    sent: list[int] = field(default_factory=list)  # body bytes sent per fetch

    def serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            file = conn.makefile("rb")
            try:
                if self.protocol == "imap":
                    self._imap(conn, file)
                else:
                    self._pop3(conn, file)
            except OSError:
                pass  # the client closed the session (what a refusal looks like)

    def _body(self, limit: int | None = None) -> Iterator[bytes]:
        header = b"Subject: big\r\nMessage-ID: <big@liar.example>\r\n\r\n"
        total = self.body_bytes if limit is None else min(limit, self.body_bytes)
        left = total
        first = header[:left]
        left -= len(first)
        yield first
        while left > 0:
            piece = _LINE[:left] if left < len(_LINE) else _LINE * min(64, left // len(_LINE))
            left -= len(piece)
            yield piece

    def _send_counted(self, conn: socket.socket, pieces: Iterator[bytes]) -> None:
        self.sent.append(0)
        for piece in pieces:
            conn.sendall(piece)
            self.sent[-1] += len(piece)

    def _imap(self, conn: socket.socket, file: Any) -> None:
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1] liar ready\r\n")
        for raw in iter(file.readline, b""):
            tag, _, rest = raw.decode().rstrip("\r\n").partition(" ")
            command = rest.upper()
            if command.startswith("CAPABILITY"):
                conn.sendall(b"* CAPABILITY IMAP4rev1\r\n")
            elif command.startswith("SELECT") or command.startswith("EXAMINE"):
                conn.sendall(b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 2] n\r\n")
            elif command.startswith("UID SEARCH"):
                conn.sendall(b"* SEARCH 1\r\n")
            elif command.startswith("UID FETCH") and "RFC822.SIZE" in command:
                conn.sendall(f"* 1 FETCH (UID 1 RFC822.SIZE {LISTED})\r\n".encode())
            elif command.startswith("UID FETCH") and "BODY" in command:
                asked = re.search(r"BODY\.PEEK\[\]<0\.(\d+)>", command)
                limit = int(asked.group(1)) if asked and self.honour_partial else None
                size = self.body_bytes if limit is None else min(limit, self.body_bytes)
                item = "BODY[]<0>" if asked else "BODY[]"
                conn.sendall(f"* 1 FETCH (UID 1 {item} {{{size}}}\r\n".encode())
                self._send_counted(conn, self._body(limit))
                conn.sendall(b' INTERNALDATE "01-Jan-2026 00:00:00 +0000")\r\n')
            elif command.startswith("LOGOUT"):
                conn.sendall(f"* BYE\r\n{tag} OK bye\r\n".encode())
                return
            conn.sendall(f"{tag} OK done\r\n".encode())

    def _pop3(self, conn: socket.socket, file: Any) -> None:
        conn.sendall(b"+OK liar ready\r\n")
        for raw in iter(file.readline, b""):
            command = raw.decode().rstrip("\r\n").upper()
            if command.startswith("UIDL"):
                conn.sendall(b"+OK\r\n1 big-1\r\n.\r\n")
            elif command.startswith("LIST"):
                conn.sendall(f"+OK\r\n1 {LISTED}\r\n.\r\n".encode())
            elif command.startswith("RETR"):
                conn.sendall(b"+OK\r\n")
                self._send_counted(conn, self._body())
                conn.sendall(b"\r\n.\r\n")
            elif command.startswith("QUIT"):
                conn.sendall(b"+OK bye\r\n")
                return
            else:  # USER, PASS, NOOP, STAT
                conn.sendall(b"+OK\r\n")


@contextmanager
def lying_server(
    protocol: str, body_bytes: int, *, honour_partial: bool = False
) -> Iterator[LyingServer]:
    server = LyingServer(protocol, body_bytes, honour_partial)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    server.port = listener.getsockname()[1]
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=server.serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@dataclass(frozen=True)
class ChildFetch:
    error: str | None  # the ServiceUnavailable's message, if the fetch was refused
    fetched_bytes: list[int]  # the length of each raw message returned
    peak_growth_kb: int  # the child's high-water mark after the fetch, minus before it


def _fetch(protocol: str, port: int, max_message_bytes: int, out: Any) -> None:
    from shared.adapters.imap import ConnectOptions, ServerMailSources
    from shared.domain.models import Mailbox, Provider, TlsMode
    from shared.errors import ServiceUnavailable
    from shared.ids import MailboxId, TenantId
    from shared.ports import LoginCredentials, SourcePosition

    mailbox = Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId("liar"),
        provider=Provider(protocol),
        address="liar@acme.example",
        host="127.0.0.1",
        port=port,
        tls=TlsMode.PLAIN,
        idle=False,
    )
    options = ConnectOptions(
        timeout_s=30, allow_private_hosts=True, max_message_bytes=max_message_bytes
    )
    sources = ServerMailSources(options)
    source = sources.open(mailbox, LoginCredentials("liar", "pw", "password"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    error, fetched = None, []
    try:
        source.select()
        refs = source.changes_since(SourcePosition())
        fetched = [len(m.raw) for m in source.fetch_raw(refs)]
    except ServiceUnavailable as exc:
        error = str(exc)
    finally:
        source.close()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.put(ChildFetch(error, fetched, after - before))


def fetch_in_child(protocol: str, port: int, max_message_bytes: int) -> ChildFetch:
    """One session's list-and-fetch in a fresh process (spawned: nothing inherited)."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=_fetch, args=(protocol, port, max_message_bytes, out))
    child.start()
    try:
        result: ChildFetch = out.get(timeout=90)
    finally:
        child.join(10)
        if child.is_alive():
            child.kill()
    return result
