"""Gmail's sync: from the stored history id to now, every new message through the one
pipeline, the cursor advanced only after hand-off. A push is only a doorbell: the sync reads
what is new itself, so a forged, repeated, late or out-of-order push adds nothing and
duplicates nothing (each message's event id is tenant + mailbox + Gmail message id).

- A push whose history id the cursor has already reached (a duplicate, a late or reordered
  one) costs one Firestore read and no Gmail request.
- A push that brings nothing new for the label (a message read, a label changed elsewhere)
  is answered from the history read without the lease: the cursor moves on, the health is
  told, two writes.
- One sync at a time per mailbox across all instances: a Firestore lease. A push arriving
  while another instance syncs is answered "try again" (Pub/Sub redelivers it a few seconds
  later, when it usually finds the cursor already past it): no doorbell is lost, and a
  steady stream costs two Gmail requests per message (history, batch).
- History 404 (the id is too old) is normal: a **bounded backfill** — ``messages.list`` of
  the label after the last processed internal date, at most ``backfill_max`` messages — and
  then on from the newest history id read *before* listing (so nothing falls in between).
- New for the watched label means added with it (``messageAdded``) or given it later
  (``labelAdded``: un-archived, "Not spam", a filter applied afterwards); a message with both
  is fetched once (guides/sync).
- Progress is kept per message handed off: the cursor moves to the history record of the
  last message published, so a sync stopped by throttling or an outage resumes there. It
  never goes beyond what was read (a history read stopped at its page cap continues in
  another pass).
- Throttling (429 / rateLimitExceeded) of a whole request, or batch parts still throttled
  after their retries, stop this mailbox's sync with ``Throttled``; the caller answers so
  the push is redelivered later. Other mailboxes are not touched.
- What a sync writes besides each message's claim and summary: its lease (taken,
  released), the cursor once (per chunk of a long one) and the health once (``SyncHealth``):
  six documents for a push that brings one message.
- After-processing (``shared.service.gmail_after``) never holds ingestion up.
- Labels are ids: the mailbox's label names are resolved on connect
  (``shared.service.gmail_labels``), and the account's primary address recorded there
  (pushes name it, not an alias).

Cursor value: ``{"history_id": str, "last_internal_date_ms": int, "watch_expiration_ms": int}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from shared.domain.models import Cursor, HealthUpdate, Mailbox, MailboxState
from shared.errors import (
    AuthError,
    CursorExpired,
    MailIngestError,
    NotFound,
    ReauthRequired,
    RetryableError,
    ServiceUnavailable,
)
from shared.observability import log_labels
from shared.ports import (
    Clock,
    CursorStore,
    GmailApi,
    GmailApis,
    GmailChanges,
    GmailMessage,
    GmailWatch,
    HealthStore,
    LeaseStore,
    MailboxStore,
)
from shared.service import gmail_labels
from shared.service.gmail_after import after_processing
from shared.service.gmail_labels import UnknownLabel
from shared.service.health import found_waiting, result_update
from shared.service.ingest import IngestPipeline
from shared.service.mailbox_state import (
    CursorChange,
    SyncHealth,
    error_update,
    merge_cursor,
    report,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GmailOptions:
    topic: str = ""  # projects/{project}/topics/{topic} that Gmail publishes to
    lease_ttl: timedelta = timedelta(seconds=120)
    backfill_max: int = 500  # messages re-listed after a history 404
    backfill_default_window: timedelta = timedelta(days=1)  # when nothing was processed yet
    renew_within: timedelta = timedelta(days=1)  # watches lapse after 7 days; renew daily


@dataclass(frozen=True)
class SyncResult:
    outcome: str  # "synced" | "current" | "skipped"
    new_messages: int = 0
    backfilled: bool = False


def sync_lease(mailbox: Mailbox) -> str:
    """The lease a Gmail sync holds; claims taken under it are freed when it lapses."""
    return f"gmail-sync/{mailbox.key}"


def label_of(mailbox: Mailbox) -> str:
    """The Gmail label (by name or id) a mailbox watches: its folder, INBOX by default."""
    return mailbox.folder or "INBOX"


RENEW_EVERY = 100  # messages fetched and ingested between lease renewals and checkpoints
MAX_PASSES = 10  # history reads per sync (each up to the adapter's page cap)


class SyncBusy(ServiceUnavailable):
    """Another instance is syncing this mailbox: ring again in a few seconds."""


class MoreToSync(ServiceUnavailable):
    """More history than one sync reads: ring again to carry on."""


@dataclass(frozen=True)
class _Read:
    """The history read since the cursor at ``version``."""

    version: int
    changes: GmailChanges


class SyncRecords(MailboxStore, CursorStore, LeaseStore, HealthStore, Protocol):
    """What a sync keeps of a mailbox: the mailbox itself, its cursor, the lease of the sync
    running, its health."""


class GmailSync:
    def __init__(
        self,
        state: SyncRecords,
        pipeline: IngestPipeline,
        apis: GmailApis,
        clock: Clock,
        *,
        holder: str,
        options: GmailOptions,
    ) -> None:
        self._state = state
        self._pipeline = pipeline
        self._apis = apis
        self._clock = clock
        self._holder = holder
        self._opt = options

    # -- connect / disconnect ---------------------------------------------------------------

    def start_watch(self, mailbox: Mailbox) -> GmailWatch:
        """``users.watch`` on the mailbox's label (its id, resolved from the name now); the
        account's primary address and the label ids are kept on the mailbox. The watch's
        history id becomes the cursor when the mailbox has none (a reconnect keeps its
        position: nothing is skipped). ``UnknownLabel`` when the label does not exist."""
        with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider="gmail"):
            api = self._apis.for_mailbox(mailbox)
            try:
                profile = api.profile()
                label_ids = self._resolve(mailbox, api, refresh=True)
                watch = api.watch(self._opt.topic, [label_ids[label_of(mailbox)]])
            finally:
                api.close()
            self._remember(mailbox, label_ids, profile.email)
            self._update_cursor(
                mailbox,
                lambda value: {
                    "history_id": value.get("history_id") or watch.history_id,
                    "watch_expiration_ms": watch.expiration_ms,
                },
            )
            logger.info("gmail watch started", extra={"expiration_ms": watch.expiration_ms})
            return watch

    def _resolve(self, mailbox: Mailbox, api: GmailApi, *, refresh: bool = False) -> dict[str, str]:
        try:
            return gmail_labels.resolve(mailbox, api, refresh=refresh)
        except UnknownLabel as exc:
            logger.error("gmail label not found", extra={"error": str(exc)})
            self._report(mailbox, error_update(exc, self._clock.now()))
            raise

    def _remember(self, mailbox: Mailbox, label_ids: dict[str, str], email: str | None) -> None:
        """Keep the label ids and the push address on the mailbox (when they changed)."""
        current = self._state.get_mailbox(mailbox.tenant_id, mailbox.id)
        update: dict[str, Any] = {}
        if label_ids != current.folder_ids:
            update["folder_ids"] = label_ids
        if email is not None:
            push = None if email.lower() == current.address.lower() else email.lower()
            if push != current.push_address:
                update["push_address"] = push
        if update:
            self._state.put_mailbox(current.model_copy(update=update))

    def stop_watch(self, mailbox: Mailbox) -> None:
        api = self._apis.for_mailbox(mailbox)
        try:
            api.stop()
        finally:
            api.close()
        self._update_cursor(mailbox, lambda value: {"watch_expiration_ms": 0})

    def renew_if_due(self, mailbox: Mailbox) -> bool:
        expires = int(
            self._state.get_cursor(mailbox.tenant_id, mailbox.id).value.get(
                "watch_expiration_ms", 0
            )
        )
        due = self._clock.now() + self._opt.renew_within
        if expires and datetime.fromtimestamp(expires / 1000, UTC) > due:
            return False
        self.start_watch(mailbox)
        return True

    # -- sync ---------------------------------------------------------------------------------

    def sync(self, mailbox: Mailbox, *, upto: str | None = None) -> SyncResult:
        """Everything new since the cursor, once. ``upto`` is the push's history id: when
        the cursor has reached it there is nothing to do. Raises ``RetryableError``
        (``SyncBusy`` while another instance syncs; ``Throttled`` with Retry-After) when
        the doorbell should ring again later."""
        if not mailbox.enabled:
            return SyncResult("skipped")
        cursor = self._state.get_cursor(mailbox.tenant_id, mailbox.id)
        if upto is not None and _reached(cursor, upto):
            return SyncResult("current")
        health = SyncHealth(self._state, self._clock, mailbox)
        with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider="gmail"):
            api = self._apis.for_mailbox(mailbox)
            try:
                return self._sync_with(mailbox, api, health, cursor)
            except SyncBusy:
                raise  # the other sync tells the health
            except ReauthRequired:
                health.add(HealthUpdate(state=MailboxState.REAUTH_REQUIRED))
                raise
            except MailIngestError as exc:
                health.add(error_update(exc, self._clock.now()))
                raise
            finally:
                health.flush()
                api.close()

    def _sync_with(
        self, mailbox: Mailbox, api: GmailApi, health: SyncHealth, cursor: Cursor
    ) -> SyncResult:
        """Most pushes bring nothing new for the label (a message read, a label changed
        elsewhere): the history since the cursor is read first, without the sync lease, and
        when it holds no new message the cursor moves on and the sync ends there — two
        writes (cursor, health), not four. Otherwise the lease is taken and that read is
        handed off as it is, when the cursor has not moved meanwhile."""
        label_ids = self._resolve(mailbox, api)
        first = self._peek(mailbox, api, label_ids, cursor)
        if first is not None and not first.changes.added and first.changes.complete:
            self._checkpoint(mailbox, first.changes.newest, 0)
            self._finished(health)
            return SyncResult("synced")
        lease_name = sync_lease(mailbox)
        if self._state.try_acquire_lease(lease_name, self._holder, self._opt.lease_ttl) is None:
            raise SyncBusy(f"a sync of {mailbox.key} is running")
        try:
            return self._sync_locked(mailbox, api, label_ids, lease_name, health, first)
        finally:
            self._state.release_lease(lease_name, self._holder)

    def _peek(
        self, mailbox: Mailbox, api: GmailApi, label_ids: dict[str, str], cursor: Cursor
    ) -> _Read | None:
        """The history since ``cursor`` (as the sync read it); None when the labels changed,
        the mailbox has no cursor yet or its history id expired (the locked sync deals with
        those)."""
        history_id = cursor.value.get("history_id")
        if label_ids != mailbox.folder_ids or not history_id:
            return None
        try:
            changes = api.added_since(str(history_id), label_ids[label_of(mailbox)])
        except CursorExpired:
            return None
        return _Read(cursor.version, changes)

    def _finished(self, health: SyncHealth) -> None:
        now = self._clock.now()
        health.add(
            HealthUpdate(
                state=MailboxState.IDLE,
                last_sync_at=now,
                last_doorbell_at=now,
                pending=0,
                pending_at=now,
            ),
        )

    def _sync_locked(
        self,
        mailbox: Mailbox,
        api: GmailApi,
        label_ids: dict[str, str],
        lease_name: str,
        health: SyncHealth,
        first: _Read | None,
    ) -> SyncResult:
        total, backfilled = 0, False
        if label_ids != mailbox.folder_ids:
            self._remember(mailbox, label_ids, None)
        for _ in range(MAX_PASSES):
            count, backfill, complete = self._one_pass(
                mailbox,
                api,
                label_ids,
                lambda: self._state.renew_lease(lease_name, self._holder, self._opt.lease_ttl),
                health,
                first,
            )
            first = None
            total, backfilled = total + count, backfilled or backfill
            if complete:
                break
        else:
            raise MoreToSync(f"gmail {mailbox.key}: more history than one sync reads")
        self._finished(health)
        return SyncResult("synced", total, backfilled)

    def _one_pass(
        self,
        mailbox: Mailbox,
        api: GmailApi,
        label_ids: dict[str, str],
        keep_alive: Callable[[], object],
        health: SyncHealth,
        read: _Read | None = None,
    ) -> tuple[int, bool, bool]:
        """One history read and its hand-off: (messages, backfilled, every page read);
        ``read``: the history already read, used when the cursor is still where it was."""
        cursor = self._state.get_cursor(mailbox.tenant_id, mailbox.id)
        history_id = cursor.value.get("history_id")
        label = label_ids[label_of(mailbox)]
        if not history_id:
            newest = api.current_history_id()
            self._update_cursor(mailbox, lambda value: {"history_id": newest})
            logger.info("gmail cursor initialised", extra={"history_id": newest})
            return 0, False, True
        try:
            if read is not None and read.version == cursor.version:
                changes = read.changes
            else:
                changes = api.added_since(str(history_id), label)
        except CursorExpired:
            newest = api.current_history_id()  # read first: nothing falls in between
            ids = api.list_after(label, self._backfill_after(cursor.value), self._opt.backfill_max)
            logger.warning(
                "gmail history id expired: bounded backfill",
                extra={"listed": len(ids), "cap": self._opt.backfill_max},
            )
            listed: list[tuple[str, str | None]] = [(i, None) for i in ids]
            self._hand_off(mailbox, api, listed, label_ids, keep_alive, health, newest)
            return len(ids), True, True
        self._hand_off(
            mailbox, api, list(changes.added), label_ids, keep_alive, health, changes.newest
        )
        return len(changes.added), False, changes.complete

    def _hand_off(
        self,
        mailbox: Mailbox,
        api: GmailApi,
        added: list[tuple[str, str | None]],
        label_ids: dict[str, str],
        keep_alive: Callable[[], object],
        health: SyncHealth,
        newest: str | None,
    ) -> None:
        """Ingest in order, a chunk at a time; after each chunk (and at a failure) the cursor
        moves to the history record of the last message handed off, so a retry resumes
        there (a message handed off twice is a duplicate: claimed, not published twice) —
        after the last chunk, to ``newest`` (what the read reached): one cursor write for
        a push that brings one message. What waits is the mailbox's ``pending`` until handed
        off (a failure leaves the rest counted); a long backlog's health is written as each
        chunk ends, a short one's once with the sync's."""
        if not added:
            self._checkpoint(mailbox, newest, 0)
            return
        health.add(found_waiting(len(added), self._clock.now()))
        handed = 0
        for start in range(0, len(added), RENEW_EVERY):
            last = start + RENEW_EVERY >= len(added)
            if start:
                keep_alive()  # a long backfill keeps its lease (just taken for the first)
                health.flush()
            elif not last:
                health.flush()  # the backlog shows while it drains
            chunk = added[start : start + RENEW_EVERY]
            fetched = api.get_raw([message_id for message_id, _ in chunk])
            done: list[str] = []
            progress: tuple[str | None, int] = (None, 0)
            handed_all = False
            try:
                for (_id, record), got in zip(chunk, fetched, strict=True):
                    handed += 1
                    date = self._ingest_one(mailbox, got, len(added) - handed, health)
                    if date is not None and isinstance(got, GmailMessage):
                        done.append(got.id)
                    progress = (record or progress[0], max(progress[1], date or 0))
                handed_all = True
            finally:
                after_processing(mailbox, api, done, label_ids, health.add, self._clock)
                reached = newest if handed_all and last and newest else progress[0]
                self._checkpoint(mailbox, reached, progress[1])

    def _ingest_one(
        self, mailbox: Mailbox, got: GmailMessage | MailIngestError, left: int, health: SyncHealth
    ) -> int | None:
        """Hand one fetched message to the pipeline (``left``: how many wait after it); its
        internal date, or None when there was nothing to ingest. Raises what should stop the
        sync here."""
        if isinstance(got, NotFound):
            return None  # deleted between history and fetch: nothing to ingest
        if isinstance(got, RetryableError | AuthError):
            raise got
        if isinstance(got, MailIngestError):  # this message only: say so, carry on
            logger.error("gmail message could not be fetched", extra={"error": str(got)})
            health.add(HealthUpdate(failed=1, last_error=str(got)[:300], pending=left))
            return None
        received = datetime.fromtimestamp(got.internal_date_ms / 1000, UTC)
        result = self._pipeline.ingest(
            mailbox, got.id, got.raw, received_at=received, lease=sync_lease(mailbox)
        )
        health.add(result_update(result, self._clock.now(), still_waiting=left))
        return got.internal_date_ms

    def _checkpoint(self, mailbox: Mailbox, history_id: str | None, last_date: int) -> None:
        if history_id is None and not last_date:
            return
        self._update_cursor(
            mailbox,
            lambda value: {
                "history_id": _later(value.get("history_id"), history_id or "0"),
                **(
                    {
                        "last_internal_date_ms": max(
                            int(value.get("last_internal_date_ms", 0)), last_date
                        )
                    }
                    if last_date
                    else {}
                ),
            },
        )

    def _backfill_after(self, value: Mapping[str, Any]) -> int:
        last_ms = int(value.get("last_internal_date_ms", 0))
        if last_ms:
            return last_ms // 1000 - 1  # "after:" is in seconds; the pipeline drops repeats
        return int((self._clock.now() - self._opt.backfill_default_window).timestamp())

    # -- state --------------------------------------------------------------------------------

    def _update_cursor(self, mailbox: Mailbox, change: CursorChange) -> None:
        merge_cursor(self._state, mailbox, change)

    def _report(self, mailbox: Mailbox, update: HealthUpdate) -> None:
        report(self._state, self._clock, mailbox, update)


def _reached(cursor: Cursor, upto: str) -> bool:
    """Whether the cursor is at or past the push's history id."""
    current = cursor.value.get("history_id")
    try:
        return current is not None and int(str(current)) >= int(upto)
    except ValueError:
        return False


def _later(current: object, newest: str) -> str:
    """History ids only grow; never move the cursor back (a late pass, a reordered push)."""
    try:
        return str(max(int(str(current or 0)), int(newest)))
    except ValueError:
        return newest
