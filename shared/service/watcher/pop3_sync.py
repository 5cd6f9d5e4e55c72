"""POP3 (RFC 1939) has no push: poll, dedupe by UIDL. The cursor is the set of UIDLs handed
off that are still on the server, kept as a compact hash set (``shared.domain.seen_uidls``) in
the cursor document up to ``INLINE_MAX`` UIDLs, in shards beside it past that: a poll with
nothing new reads the cursor document alone, a run of new mail writes it alone (a small set)
or with the shards the run changed; a mailbox that keeps 200,000 messages on the server fits.

Messages are handed off one by one and the cursor written after each run of ``RUN``
messages (or ``RUN_S`` seconds), with the shards that run changed: in order, each message's
event is out, then its after-processing action, then the cursor. A failure writes the cursor
for the messages done before it and raises. A crash between two writes costs the next poll a
fetch of the run again; the pipeline's dedupe claims make those duplicates, never events."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from shared.domain import seen_uidls
from shared.domain.models import Cursor, HealthUpdate, Mailbox
from shared.domain.seen_uidls import (
    SHARDS,
    Fingerprint,
    SeenSet,
    UidlKey,
    inline_digests,
    key_of,
    legacy_digests,
    unpack,
)
from shared.errors import Stopping
from shared.ports import Clock, MailSource, MessageRef, SeenUidlStore, SourcePosition
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline, IngestResult
from shared.service.watcher.handoff import HandOff

RUN = 200  # messages handed off between two cursor writes
RUN_S = 10.0  # ... or seconds, whichever comes first


class Pop3Sync:
    def __init__(
        self,
        cursors: SeenUidlStore,
        pipeline: IngestPipeline,
        reporter: HealthReporter,
        clock: Clock,
        *,
        chunk_bytes: int = 1024 * 1024,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        """``stopping``: true once the worker was told to stop; from then on nothing more
        is handed off (``Stopping`` is raised between two messages)."""
        self._stopping = stopping
        self._cursors = cursors
        self._hand_off = HandOff(cursors, pipeline, reporter, clock, chunk_bytes=chunk_bytes)
        self._reporter = reporter
        self._clock = clock

    def sync(self, source: MailSource, mailbox: Mailbox) -> int:
        cursor = self._cursors.get_cursor(mailbox.tenant_id, mailbox.id)
        listing = {ref.name: ref for ref in source.changes_since(SourcePosition())}
        keys = {name: key_of(name) for name in listing}
        seen = self._seen(mailbox, cursor, keys)
        waiting = [] if seen is None else [r for n, r in listing.items() if keys[n] not in seen]
        # what waits on the server: the list against the seen set, counted at every poll
        self._reporter.report(
            mailbox, HealthUpdate(pending=len(waiting), pending_at=self._clock.now())
        )
        handed = 0
        if seen is not None:
            if not waiting and seen.changed:  # messages gone from the server: forget them
                cursor = self._write(mailbox, cursor, seen)
            rest = waiting
            while rest:
                cursor, count = self._run(source, mailbox, cursor, seen, rest[:RUN], keys)
                rest = rest[count:]
                handed += count
                self._reporter.report(mailbox, HealthUpdate(pending=len(rest)))
        now = self._clock.now()
        self._reporter.report(mailbox, HealthUpdate(last_sync_at=now, pending=0, pending_at=now))
        return handed

    def _seen(
        self, mailbox: Mailbox, cursor: Cursor, keys: Mapping[str, UidlKey]
    ) -> SeenSet | None:
        """The seen set against this listing; None when the cursor's fingerprint says the
        listing is exactly what was seen (nothing new, nothing gone: no shard read)."""
        stored = Fingerprint.from_value(cursor.value)
        if stored is not None and stored == Fingerprint.of(keys.values()):
            return None
        legacy = legacy_digests(cursor.value)
        if legacy is not None:  # a cursor that listed its UIDLs: rewritten as shards
            return SeenSet(legacy, keys, all_dirty=True)
        if stored is None:  # nothing handed off yet
            return SeenSet((), keys, all_dirty=False)
        inline = inline_digests(cursor.value)
        if inline is not None:
            return SeenSet(inline, keys, all_dirty=False)
        shards = self._cursors.get_seen_shards(mailbox.tenant_id, mailbox.id, SHARDS)
        return SeenSet((d for blob in shards.values() for d in unpack(blob)), keys, all_dirty=False)

    def _run(
        self,
        source: MailSource,
        mailbox: Mailbox,
        cursor: Cursor,
        seen: SeenSet,
        run: list[MessageRef],
        keys: Mapping[str, UidlKey],
    ) -> tuple[Cursor, int]:
        """Hand off ``run`` (as much of it as ``RUN_S`` allows, at least one), then write
        the cursor once; returns it and how many were handed off."""
        results: list[tuple[MessageRef, IngestResult]] = []
        started = time.monotonic()
        done = 0
        try:
            for ref in run:
                if self._stopping():
                    raise Stopping("the mailbox's worker is stopping")
                results.append((ref, self._ingest(source, mailbox, ref)))
                if time.monotonic() - started > RUN_S:
                    break
        finally:
            # counted as soon as they are out, whatever fails after (see ``HandOff.batch``)
            now = self._clock.now()
            for _, result in results:
                self._reporter.report_result(mailbox, result, now)
            try:
                for ref, _ in results:
                    source.apply_after_action(ref)
                    seen.add(keys[ref.name])
                    done += 1
            finally:
                if done:
                    cursor = self._write(mailbox, cursor, seen)
        return cursor, done

    def _ingest(self, source: MailSource, mailbox: Mailbox, ref: MessageRef) -> IngestResult:
        if self._hand_off.oversized(ref):  # by the LIST size: streamed, never fetched whole
            return self._hand_off.ingest_by_reference(source, mailbox, ref, ref.name)
        (message,) = source.fetch_raw([ref])
        return self._hand_off.ingest_fetched(mailbox, message, ref.name)

    def _write(self, mailbox: Mailbox, cursor: Cursor, seen: SeenSet) -> Cursor:
        value = seen.fingerprint().to_value()
        if len(seen) <= seen_uidls.INLINE_MAX:
            value["inline"], shards = seen.inline(), {}
        else:
            if inline_digests(cursor.value) is not None:
                seen.all_dirty()  # leaving the cursor: shards of an earlier set are stale
            shards = seen.dirty_shards()
        cursor = self._cursors.compare_and_set_seen(
            mailbox.tenant_id, mailbox.id, cursor.version, {"seen": value}, shards
        )
        seen.written()
        return cursor
