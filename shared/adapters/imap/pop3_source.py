"""The POP3 side of the ``MailSource`` port (RFC 1939) over poplib. POP3 has no folders, no
push and no ordered ids: every message is listed with its UIDL (the caller dedupes by it),
and deletions take effect only on QUIT (``logout``)."""

from __future__ import annotations

import poplib
from collections.abc import Iterator, Sequence
from typing import Any

from shared.adapters.imap.errors import mapped_errors, quietly
from shared.config import Settings
from shared.domain.models import AfterProcessing, Mailbox
from shared.errors import ServiceUnavailable
from shared.ports import FetchedMessage, MessageRef, SourcePosition

# what is read past the size limit to reach the end of a message a server sent larger than
# it listed (thrown away as it is read); a server that sends more still is left
_DRAIN_BYTES = 1024**3


class Pop3MailSource:
    can_wait = False

    def __init__(
        self,
        conn: poplib.POP3,
        mailbox: Mailbox,
        max_message_bytes: int = Settings.max_message_bytes,
    ) -> None:
        """``max_message_bytes``: no message held in memory is larger than this plus one
        byte, whatever size LIST reported (a larger one is kept cut there, and the pipeline
        turns it into an event that says it is over the limit)."""
        self._conn = conn
        self._mailbox = mailbox
        self._max_bytes = max_message_bytes

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
        piece = bytearray()
        for line in self._retr_lines(ref):
            piece += line
            if len(piece) >= chunk_bytes:
                yield bytes(piece)
                piece.clear()
        if piece:
            yield bytes(piece)

    def fetch_raw(self, refs: Sequence[MessageRef]) -> list[FetchedMessage]:
        """Each message read line by line and kept up to ``max_message_bytes + 1`` bytes:
        the rest of a message the server sends larger than it listed is read to its end (to
        keep the session in step) and thrown away, up to a gigabyte; beyond that the session
        is given up (ServiceUnavailable)."""
        cap = self._max_bytes + 1
        messages = []
        for ref in refs:
            raw = bytearray()
            for line in self._retr_lines(ref, stop_after=cap + _DRAIN_BYTES):
                if len(raw) < cap:
                    raw += line[: cap - len(raw)]
            messages.append(FetchedMessage(ref, bytes(raw)))
        return messages

    def _retr_lines(self, ref: MessageRef, stop_after: int | None = None) -> Iterator[bytes]:
        """The lines of ``RETR`` with their CRLF, dot-unstuffed; ServiceUnavailable once more
        than ``stop_after`` bytes came without the end of the message."""
        # poplib has no streaming RETR; its line-level calls are not in typeshed
        conn: Any = self._conn
        key = self._mailbox.key
        with mapped_errors("POP3", key):
            conn._putcmd(f"RETR {ref.uid}")
            conn._getresp()
        seen = 0
        while True:
            with mapped_errors("POP3", key):
                line, octets = conn._getline()
            if line == b".":
                return
            seen += octets
            if stop_after is not None and seen > stop_after:
                raise ServiceUnavailable(
                    f"POP3 {key}: message {ref.uid} goes on past {stop_after} bytes "
                    f"(its listed size was {ref.size}); the session was given up"
                )
            yield (line[1:] if line.startswith(b"..") else line) + b"\r\n"

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
