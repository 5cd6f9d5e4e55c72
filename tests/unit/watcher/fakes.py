"""Hand-written fakes for the watcher's unit tests: an IMAP folder answering like imapclient,
a pipeline that records what it was handed, credentials that fail on demand."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.domain.models import Mailbox
from shared.ports import LoginCredentials
from shared.service.ingest import IngestResult


@dataclass
class FakeFolder:
    """The part of imapclient.IMAPClient that ImapSync uses, over one folder."""

    uidvalidity: int
    uids: list[int]
    fetched: list[int] = field(default_factory=list)

    def select_folder(self, folder: str, readonly: bool = False) -> dict[bytes, Any]:
        return {b"UIDVALIDITY": self.uidvalidity, b"EXISTS": len(self.uids)}

    def search(self, criteria: list[str]) -> list[int]:
        # only the form ImapSync sends: ["UID", "N:*"]; RFC 3501: "N:*" always matches the
        # highest UID even when it is below N
        low = int(criteria[1].split(":")[0])
        above = [u for u in self.uids if u >= low]
        return above or self.uids[-1:]

    def fetch(self, uids: list[int], items: list[str]) -> dict[int, dict[bytes, Any]]:
        self.fetched.extend(uids)
        return {
            u: {
                b"BODY[]": f"Message-ID: <{u}@x>\r\nSubject: {u}\r\n\r\nbody\r\n".encode(),
                b"INTERNALDATE": datetime(2026, 1, 1, 12),  # naive, as imapclient returns it
            }
            for u in uids
            if u in self.uids
        }


class RecordingPipeline:
    def __init__(self, holder: str = "w1") -> None:
        self.holder = holder
        self.handed: list[tuple[str, str, datetime | None]] = []
        self._lock = threading.Lock()

    def ingest(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        raw: bytes,
        *,
        received_at: datetime | None = None,
        lease: str | None = None,
    ) -> IngestResult:
        with self._lock:
            self.handed.append((mailbox.key, provider_message_id, received_at))
        return IngestResult(event_id=f"e{len(self.handed)}", outcome="published", label="other")


class ExplodingCredentials:
    """Raises what it is given on every login attempt and counts the attempts."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.attempts = 0
        self.invalidated = 0

    def credentials_for(self, mailbox: Mailbox) -> LoginCredentials:
        self.attempts += 1
        raise self.error

    def invalidate(self, mailbox: Mailbox) -> None:
        self.invalidated += 1


def utc(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)
