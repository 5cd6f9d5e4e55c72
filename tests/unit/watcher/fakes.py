"""Hand-written fakes for the watcher's unit tests: an in-memory mail source (an IMAP-like
folder behind the ``MailSource`` port), a pipeline that records what it was handed,
credentials that fail on demand."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shared.domain.models import Mailbox
from shared.ports import FetchedMessage, LoginCredentials, MailSource, MessageRef, SourcePosition
from shared.service.ingest import IngestResult
from shared.service.ingest.publish_watch import Stalled


@dataclass
class FakeFolder:
    """An in-memory ``MailSource`` over one IMAP-like folder: what a real server would list,
    fetch and announce, and a record of what was done to it."""

    uidvalidity: int
    uids: list[int]
    sizes: dict[int, int] = field(default_factory=dict)  # reported sizes (default: the raw's)
    fetched: list[int] = field(default_factory=list)
    batches: list[list[int]] = field(default_factory=list)  # one entry per fetch_raw
    streamed: list[tuple[int, list[int]]] = field(default_factory=list)  # uid, piece sizes
    after_actions: list[int] = field(default_factory=list)
    idle: bool = True  # can_wait: the server has IDLE and the mailbox wants it
    doorbells: int = 0  # EXISTS the next waits will see
    announced: int = 0  # EXISTS in the answers to our own commands
    waits: list[float] = field(default_factory=list)
    fail_wait: Exception | None = None  # raised by the next wait_for_change
    on_fetch: Callable[[FakeFolder], None] | None = None  # e.g. a message arriving meanwhile
    logged_out: bool = False
    closed: bool = False
    interrupted: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def can_wait(self) -> bool:
        return self.idle

    def select(self) -> int:
        self.announced = 0
        return self.uidvalidity

    def raw(self, uid: int) -> bytes:
        body = f"Message-ID: <{uid}@x>\r\nSubject: {uid}\r\n\r\nbody\r\n".encode()
        return body + b"x" * max(0, self.sizes.get(uid, 0) - len(body))

    def changes_since(self, position: SourcePosition) -> list[MessageRef]:
        with self._lock:
            return [
                MessageRef(u, str(u), len(self.raw(u)))
                for u in sorted(self.uids)
                if u > position.last_uid
            ]

    def stream_raw(self, ref: MessageRef, chunk_bytes: int) -> Iterator[bytes]:
        raw = self.raw(ref.uid)
        pieces = [raw[i : i + chunk_bytes] for i in range(0, len(raw), chunk_bytes)]
        self.streamed.append((ref.uid, [len(p) for p in pieces]))
        yield from pieces

    def fetch_raw(self, refs: Sequence[MessageRef]) -> list[FetchedMessage]:
        if self.on_fetch is not None:
            hook, self.on_fetch = self.on_fetch, None
            hook(self)
        with self._lock:
            self.fetched.extend(r.uid for r in refs)
            self.batches.append([r.uid for r in refs])
            return [
                FetchedMessage(r, self.raw(r.uid), datetime(2026, 1, 1, 12, tzinfo=UTC))
                for r in refs
                if r.uid in self.uids
            ]

    def announced_new(self) -> bool:
        with self._lock:
            if self.announced:
                self.announced = 0
                return True
            return False

    def wait_for_change(self, timeout_s: float) -> bool:
        self.waits.append(timeout_s)
        if self.fail_wait is not None:
            error, self.fail_wait = self.fail_wait, None
            raise error
        with self._lock:
            if self.doorbells:
                self.doorbells -= 1
                return True
        time.sleep(min(timeout_s, 0.01))
        return False

    def deliver(self, uid: int, *, doorbell: bool = True) -> None:
        """A message arrives; the server announces it in IDLE (or not)."""
        with self._lock:
            self.uids.append(uid)
            if doorbell:
                self.doorbells += 1
            else:
                self.announced += 1

    def apply_after_action(self, ref: MessageRef) -> None:
        self.after_actions.append(ref.uid)

    def logout(self) -> None:
        self.logged_out = True

    def close(self) -> None:
        self.closed = True

    def interrupt(self) -> None:
        self.interrupted = True


class FakeSources:
    """``MailSources`` handing out the given sources in turn (the last one again)."""

    def __init__(self, *sources: FakeFolder, error: Exception | None = None) -> None:
        self.sources = list(sources)
        self.error = error
        self.opened: list[LoginCredentials] = []

    def open(self, mailbox: Mailbox, credentials: LoginCredentials) -> MailSource:
        self.opened.append(credentials)
        if self.error is not None:
            raise self.error
        return self.sources.pop(0) if len(self.sources) > 1 else self.sources[0]


class StaticCredentials:
    def __init__(self) -> None:
        self.invalidated = 0

    def credentials_for(self, mailbox: Mailbox) -> LoginCredentials:
        return LoginCredentials("user@acme.example", "pw")

    def invalidate(self, mailbox: Mailbox) -> None:
        self.invalidated += 1


class NothingPublished:
    """The publish watch of a pipeline that publishes nothing: never stalled."""

    def stalled(self, after: timedelta) -> list[Stalled]:
        return []


class RecordingPipeline:
    def __init__(self, holder: str = "w1", max_message_bytes: int = 50 * 1024 * 1024) -> None:
        self.holder = holder
        self.publishing = NothingPublished()
        self.max_message_bytes = max_message_bytes
        self.handed: list[tuple[str, str, datetime | None]] = []
        self.oversized: list[tuple[str, int]] = []  # provider message id, bytes streamed
        self._lock = threading.Lock()

    def ingest_oversized(
        self,
        mailbox: Mailbox,
        provider_message_id: str,
        chunks: Iterable[bytes],
        *,
        received_at: datetime | None = None,
        lease: str | None = None,
    ) -> IngestResult:
        size = sum(len(c) for c in chunks)
        with self._lock:
            self.oversized.append((provider_message_id, size))
        return IngestResult(
            event_id=f"o{len(self.oversized)}", outcome="published", label="oversized"
        )

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
