"""The IMAP side of the ``MailSource`` port: one selected folder over imapclient.

UIDs above the cursor are listed with ``UID SEARCH``; bodies are fetched with ``BODY.PEEK[]``
(RFC 3501 §6.4.5: does not set \\Seen); IDLE (RFC 2177) is entered on the first wait and left
before any other command, so the caller never tracks the IDLE state. DONE and the command
after it go out together (pipelined, RFC 3501 §5.5): leaving IDLE costs no round trip of its
own, at every doorbell and every refresh."""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from imapclient import IMAPClient

from shared.adapters.imap.errors import VENDOR_ERRORS, mapped_errors, quietly
from shared.adapters.imap.lean_client import LiteralBudget
from shared.config import Settings
from shared.domain.models import AfterProcessing, Mailbox
from shared.errors import ServiceUnavailable
from shared.ports import FetchedMessage, MessageRef, SourcePosition

# UIDs per size request: a command line stays far below servers' limits (Dovecot: 64 KiB)
_SIZES_PER_COMMAND = 1000
# literals in the answer to a command that fetches no body (a folder name, a SEARCH result
# some servers send as one): far more than any honest answer needs
_OTHER_LITERALS = 1024 * 1024


class ImapMailSource:
    def __init__(
        self,
        client: IMAPClient,
        mailbox: Mailbox,
        max_message_bytes: int = Settings.max_message_bytes,
    ) -> None:
        """``max_message_bytes``: no body read is ever larger than this plus one byte, whatever
        size the server reported (a larger message arrives cut there, and the pipeline turns
        it into an event that says it is over the limit)."""
        self._client = client
        self._mailbox = mailbox
        self._max_bytes = max_message_bytes
        self._idling = False
        self._done_tag: bytes | None = None  # the IDLE whose DONE went out with a command
        self._interrupted = False  # interrupt() shut the socket (the worker is stopping)

    @property
    def can_wait(self) -> bool:
        with mapped_errors("IMAP", self._mailbox.key):
            return self._mailbox.idle and bool(self._client.has_capability("IDLE"))

    def select(self) -> int:
        m = self._mailbox
        with self._command():
            info = self._client.select_folder(
                m.folder, readonly=m.after_processing is AfterProcessing.LEAVE
            )
            self._client._imap.untagged_responses.pop("EXISTS", None)
            return int(info[b"UIDVALIDITY"])

    def changes_since(self, position: SourcePosition) -> list[MessageRef]:
        """``UID SEARCH N:*``, then ``UID FETCH (RFC822.SIZE)`` of what it found: the UIDs
        and their sizes, no body."""
        last = position.last_uid
        with self._command():
            found = self._client.search(["UID", f"{last + 1}:*"])
            # RFC 3501 §6.4.8: "N:*" always matches the highest UID, even when it is below N
            uids = sorted(u for u in found if u > last)
            sizes: dict[int, Any] = {}
            for i in range(0, len(uids), _SIZES_PER_COMMAND):
                sizes.update(self._client.fetch(uids[i : i + _SIZES_PER_COMMAND], ["RFC822.SIZE"]))
        return [
            MessageRef(uid=u, name=str(u), size=_size(sizes.get(u, {}).get(b"RFC822.SIZE")))
            for u in uids
        ]

    def fetch_raw(self, refs: Sequence[MessageRef]) -> list[FetchedMessage]:
        """At most ``max_message_bytes + 1`` bytes of each body (a partial fetch, RFC 3501
        §6.4.5), and in all at most the sizes the server reported plus one such body: a
        server that reported small sizes and sends large bodies is refused as it announces
        them, before they are read."""
        if not refs:
            return []
        cap = self._max_bytes + 1
        budget = self._budget(cap, sum(min(r.size or 0, cap) for r in refs) + cap)
        with self._command(budget):
            fetched = self._client.fetch(
                [r.uid for r in refs], [f"BODY.PEEK[]<0.{cap}>", "INTERNALDATE"]
            )
        messages = []
        for ref in refs:
            item = fetched.get(ref.uid)
            if item is None:  # expunged meanwhile
                continue
            raw = item.get(b"BODY[]<0>") or b""
            messages.append(FetchedMessage(ref, raw, _utc(item.get(b"INTERNALDATE"))))
        return messages

    def stream_raw(self, ref: MessageRef, chunk_bytes: int) -> Iterator[bytes]:
        """Partial fetches (RFC 3501 §6.4.5): imaplib reads each literal whole, so only one
        piece of ``chunk_bytes`` is in memory at a time."""
        offset = 0
        while True:
            item = f"BODY.PEEK[]<{offset}.{chunk_bytes}>"
            with self._command(self._budget(chunk_bytes, chunk_bytes)):
                fetched = self._client.fetch([ref.uid], [item])
            answer = fetched.get(ref.uid)
            if answer is None:  # expunged meanwhile
                raise ServiceUnavailable(f"IMAP {self._mailbox.key}: message {ref.uid} is gone")
            piece = answer.get(f"BODY[]<{offset}>".encode()) or b""
            if piece:
                yield piece
            offset += len(piece)
            if len(piece) < chunk_bytes:
                return

    def announced_new(self) -> bool:
        # imaplib keeps the untagged answers to our own commands here; popping EXISTS is the
        # only way to see one that arrived while we were busy (RFC 2177: it is not repeated)
        return self._client._imap.untagged_responses.pop("EXISTS", None) is not None

    def wait_for_change(self, timeout_s: float) -> bool:
        key = self._mailbox.key
        with mapped_errors("IMAP", key):
            if not self._idling:
                if not self.can_wait:
                    self._client.noop()
                    return self.announced_new()
                self._client.idle()
                self._idling = True
            try:
                rang, bye = self._client.idle_news(timeout_s)
            except VENDOR_ERRORS:
                if self._interrupted:  # stopped on purpose: not a lost connection
                    return False
                raise
        if bye:
            raise ServiceUnavailable(f"IMAP {key}: server said BYE")
        return bool(rang)

    def apply_after_action(self, ref: MessageRef) -> None:
        m, client, uid = self._mailbox, self._client, ref.uid
        action = m.after_processing
        with self._command():
            if action is AfterProcessing.MARK_SEEN:
                client.add_flags([uid], [b"\\Seen"])
            elif action is AfterProcessing.DELETE:
                client.delete_messages([uid])
                if client.has_capability("UIDPLUS"):  # RFC 4315: expunge only this message
                    client.uid_expunge([uid])
                else:
                    client.expunge()
            elif action is AfterProcessing.MOVE and m.move_to:
                if client.has_capability("MOVE"):  # RFC 6851
                    client.move([uid], m.move_to)
                else:
                    client.copy([uid], m.move_to)
                    client.delete_messages([uid])

    def logout(self) -> None:
        if self._interrupted:  # the socket is shut already (a stop): no goodbye, just close
            self.close()
            return
        with self._command():
            self._client.logout()

    def close(self) -> None:
        with quietly():
            self._client.shutdown()

    def interrupt(self) -> None:
        # shutdown, not close: the descriptor stays valid while the IDLE hub waits on it;
        # the hub sees end-of-file and wakes the session's thread, which closes the socket.
        # A stop is not a lost connection: no warning per mailbox at every rolling deploy
        self._interrupted = True
        with quietly():
            self._client.socket().shutdown(socket.SHUT_RDWR)

    def _budget(self, each: int, total: int) -> LiteralBudget:
        return LiteralBudget(each, total, f"IMAP {self._mailbox.key}")

    @contextmanager
    def _command(self, budget: LiteralBudget | None = None) -> Iterator[None]:
        """Around every command: errors mapped, IDLE left first (DONE sent, not waited for),
        the IDLE's own answer, read along with the command's, checked after it, and what the
        server may send as literals bounded (``budget``; small for commands without bodies)."""
        imap = self._client._imap
        imap.literal_budget = budget or self._budget(_OTHER_LITERALS, _OTHER_LITERALS)
        try:
            with mapped_errors("IMAP", self._mailbox.key):
                self._end_idle()
                yield
                self._idle_ended()
        finally:
            imap.literal_budget = self._budget(_OTHER_LITERALS, _OTHER_LITERALS)

    def _end_idle(self) -> None:
        if self._idling:
            self._idling = False
            self._client._imap.send(b"DONE\r\n")
            self._done_tag, self._client._idle_tag = self._client._idle_tag, None

    def _idle_ended(self) -> None:
        """The server answers in order: the IDLE's tagged answer came before the answer to the
        command that followed DONE, and imaplib kept it by its tag."""
        tag, self._done_tag = self._done_tag, None
        if tag is None:
            return
        key = self._mailbox.key
        # imaplib files a command's tag with None until its tagged answer comes
        answer = self._client._imap.tagged_commands.pop(tag, None)
        if answer is None:
            raise ServiceUnavailable(
                f"IMAP {key}: the server answered the command after DONE "
                "without ending the IDLE first (no tagged answer to the IDLE)"
            )
        typ, data = answer
        if typ != "OK":
            raise ServiceUnavailable(f"IMAP {key}: IDLE ended with {typ} {data[0]!r}")


def _size(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _utc(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
