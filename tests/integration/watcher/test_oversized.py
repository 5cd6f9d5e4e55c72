"""Sizes are checked before any body is fetched, a
message over the limit is streamed to the blob store and published as one ``oversized``
event, the cursor moves past it, and no fetch asks for more than the byte cap (memory is
judged by the bytes requested, not by timings)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pytest

from shared.adapters.memory_sinks import InMemoryBlobStore
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.domain.models import Mailbox, Provider
from shared.ids import MailboxId
from shared.ports import (
    FetchedMessage,
    LoginCredentials,
    MailSource,
    MailSources,
    MessageRef,
    SourcePosition,
)
from shared.service.credentials import PasswordCredentialProvider
from shared.service.ingest import IngestOptions, IngestPipeline
from shared.service.watcher import Watcher
from tests.integration.watcher.conftest import FAST, Rig, message, wait_for

pytestmark = pytest.mark.integration

LIMIT = 1024 * 1024  # the pipeline's max_message_bytes
BATCH_BYTES = 64 * 1024  # the watcher's byte cap per fetch
CHUNK = 256 * 1024  # pieces of an oversized message
OPTIONS = dataclasses.replace(FAST, fetch_batch_bytes=BATCH_BYTES, stream_chunk_bytes=CHUNK)


@dataclasses.dataclass
class Requests:
    """What the watcher asked the server for."""

    fetches: list[list[MessageRef]] = dataclasses.field(default_factory=list)
    streamed: list[tuple[MessageRef, list[int]]] = dataclasses.field(default_factory=list)


class RecordingSource:
    """The real source, with every body request written down."""

    def __init__(self, inner: MailSource, requests: Requests) -> None:
        self._inner = inner
        self._requests = requests

    @property
    def can_wait(self) -> bool:
        return self._inner.can_wait

    def select(self) -> int:
        return self._inner.select()

    def changes_since(self, position: SourcePosition) -> list[MessageRef]:
        return self._inner.changes_since(position)

    def fetch_raw(self, refs: Sequence[MessageRef]) -> list[FetchedMessage]:
        self._requests.fetches.append(list(refs))
        return self._inner.fetch_raw(refs)

    def stream_raw(self, ref: MessageRef, chunk_bytes: int) -> Iterator[bytes]:
        pieces: list[int] = []
        self._requests.streamed.append((ref, pieces))
        for piece in self._inner.stream_raw(ref, chunk_bytes):
            pieces.append(len(piece))
            yield piece

    def announced_new(self) -> bool:
        return self._inner.announced_new()

    def wait_for_change(self, timeout_s: float) -> bool:
        return self._inner.wait_for_change(timeout_s)

    def apply_after_action(self, ref: MessageRef) -> None:
        self._inner.apply_after_action(ref)

    def logout(self) -> None:
        self._inner.logout()

    def close(self) -> None:
        self._inner.close()

    def interrupt(self) -> None:
        self._inner.interrupt()


class RecordingSources:
    def __init__(self, inner: MailSources) -> None:
        self._inner = inner
        self.requests = Requests()

    def open(self, mailbox: Mailbox, credentials: LoginCredentials) -> MailSource:
        return RecordingSource(self._inner.open(mailbox, credentials), self.requests)


class StreamedBlobs(InMemoryBlobStore):
    """Records the pieces it was handed (the in-memory store then keeps the whole)."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[int] = []

    def put_blob_stream(
        self, key: str, chunks: Iterable[bytes], content_type: str, *, compress: bool = False
    ) -> str:
        def seen() -> Iterator[bytes]:
            for chunk in chunks:
                self.pieces.append(len(chunk))
                yield chunk

        return super().put_blob_stream(key, seen(), content_type, compress=compress)


def _huge(size: int) -> bytes:
    head = message("huge attachment")
    line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n"
    return head + line * ((size - len(head)) // len(line))


@pytest.mark.parametrize("provider", [Provider.IMAP, Provider.POP3])
def test_an_oversized_message_is_streamed_published_once_and_passed(
    rig: Rig, running: Any, provider: Provider
) -> None:
    if provider is Provider.POP3:
        rig.add_mailbox(id=MailboxId("pop"), provider=provider, port=rig.dovecot.pop3_port)
    else:
        rig.add_mailbox()
    small = [message(f"small {i}") for i in range(6)]
    huge = _huge(3 * LIMIT)
    for raw in small[:3]:
        rig.append(raw)
    rig.append(huge)
    for raw in small[3:]:
        rig.append(raw)
    clock = SystemClock()
    blobs = StreamedBlobs()
    pipeline = IngestPipeline(
        rig.state,
        rig.sink,
        blobs,
        clock,
        holder="w1",
        options=IngestOptions(max_message_bytes=LIMIT),
    )
    sources = RecordingSources(mail_sources(OPTIONS, allow_private_hosts=True))
    running(
        Watcher(
            rig.state,
            pipeline,
            PasswordCredentialProvider(rig.secrets),
            clock,
            holder="w1",
            sources=sources,
            options=OPTIONS,
        )
    )
    wait_for(lambda: len(rig.sink.messages) == 7, what="six small events and one oversized")
    events = [json.loads(m.data) for m in rig.sink.messages]
    (oversized,) = [e for e in events if e["classification"]["label"] == "oversized"]
    assert oversized["flags"]["oversized"] is True
    assert oversized["raw_size"] == len(huge)
    assert blobs.get_blob(oversized["raw_ref"]) == huge  # kept whole, by reference
    assert sorted(e["subject"] for e in events if e is not oversized) == [
        f"small {i}" for i in range(6)
    ]
    # the cursor is past every message, the huge one included
    cursor = wait_for(
        lambda: (
            (c := rig.state.get_cursor(rig.mailbox.tenant_id, rig.mailbox.id).value)
            and (c.get("last_uid") == 7 or c.get("seen", {}).get("count") == 7)
            and c
        ),
        what="the cursor past all seven",
    )
    assert cursor
    # what was asked of the server: the huge one never in a fetch, only in pieces
    requests = sources.requests
    (streamed_ref, pieces) = requests.streamed[0]
    assert len(requests.streamed) == 1
    assert streamed_ref.size is not None
    assert streamed_ref.size > LIMIT
    assert all(streamed_ref.uid not in [r.uid for r in batch] for batch in requests.fetches)
    assert sum(pieces) == len(huge)
    assert max(pieces) <= CHUNK + 1000  # POP3 pieces end on a line
    assert max(blobs.pieces) <= CHUNK + 1000
    for batch in requests.fetches:
        sizes = [r.size for r in batch]
        assert None not in sizes  # checked before fetching
        assert len(batch) == 1 or sum(s or 0 for s in sizes) <= BATCH_BYTES
