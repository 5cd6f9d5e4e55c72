"""The POP3 side of the ``MailSource`` port (RFC 1939) over poplib. POP3 has no folders, no
push and no ordered ids: every message is listed with its UIDL (the caller dedupes by it),
and deletions take effect only on QUIT (``logout``)."""

from __future__ import annotations

import poplib
from collections.abc import Iterator, Sequence
from typing import Any

from shared.adapters.imap.errors import mapped_errors, quietly
from shared.domain.models import AfterProcessing, Mailbox
from shared.ports import FetchedMessage, MessageRef, SourcePosition


class Pop3MailSource:
    can_wait = False

    def __init__(self, conn: poplib.POP3, mailbox: Mailbox) -> None:
        self._conn = conn
        self._mailbox = mailbox

    def select(self) -> int:
        return 0  # the maildrop is open since the login (TRANSACTION state)

    def changes_since(self, position: SourcePosition) -> list[MessageRef]:
        """Every message on the server (POP3 numbers them per session only), with its size
        from LIST: no body is read."""
        with mapped_errors("POP3", self._mailbox.key):
            names = self._conn.uidl()[1]
            sizes = dict(_pairs(self._conn.list()[1]))
        return [
            MessageRef(
                uid=int(num), name=uidl.strip(), size=int(sizes[num]) if num in sizes else None
            )
            for num, uidl in _pairs(names)
        ]

    def stream_raw(self, ref: MessageRef, chunk_bytes: int) -> Iterator[bytes]:
        """``RETR`` read line by line (poplib's ``retr`` would collect every line first),
        dot-unstuffed (RFC 1939 §3), handed on in pieces of about ``chunk_bytes``."""
        # poplib has no streaming RETR; its line-level calls are not in typeshed
        conn: Any = self._conn
        key = self._mailbox.key
        with mapped_errors("POP3", key):
            conn._putcmd(f"RETR {ref.uid}")
            conn._getresp()
        piece = bytearray()
        while True:
            with mapped_errors("POP3", key):
                line, _ = conn._getline()
            if line == b".":
                break
            piece += (line[1:] if line.startswith(b"..") else line) + b"\r\n"
            if len(piece) >= chunk_bytes:
                yield bytes(piece)
                piece.clear()
        if piece:
            yield bytes(piece)

    def fetch_raw(self, refs: Sequence[MessageRef]) -> list[FetchedMessage]:
        messages = []
        with mapped_errors("POP3", self._mailbox.key):
            for ref in refs:
                raw = b"\r\n".join(self._conn.retr(ref.uid)[1]) + b"\r\n"
                messages.append(FetchedMessage(ref, raw))
        return messages

    def announced_new(self) -> bool:
        return False

    def wait_for_change(self, timeout_s: float) -> bool:
        return False

    def apply_after_action(self, ref: MessageRef) -> None:
        # POP3 has no flags or folders: only "delete" means something (on QUIT)
        if self._mailbox.after_processing is AfterProcessing.DELETE:
            with mapped_errors("POP3", self._mailbox.key):
                self._conn.dele(ref.uid)

    def logout(self) -> None:
        with mapped_errors("POP3", self._mailbox.key):
            self._conn.quit()

    def close(self) -> None:
        with quietly():
            self._conn.close()

    def interrupt(self) -> None:
        pass  # POP3 never waits on the server: polls are spaced by the worker's stop event


def _pairs(lines: list[bytes]) -> list[tuple[str, str]]:
    """``b"1 abc"`` lines of LIST / UIDL as ``("1", "abc")``."""
    return [tuple(line.decode("ascii", "replace").split(" ", 1)) for line in lines]  # type: ignore[misc]
