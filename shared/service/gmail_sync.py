"""Gmail's sync: from the stored history id to now, every new message through the one
pipeline, the cursor advanced only after hand-off. A push is only a doorbell: the sync reads
what is new itself, so a forged, repeated, late or out-of-order push adds nothing and
duplicates nothing (each message's event id is tenant + mailbox + Gmail message id).

- A push whose history id the cursor has already reached (a duplicate, a late or reordered
  one) costs one Firestore read and no Gmail request.
- One sync at a time per mailbox across all instances: a Firestore lease. A push arriving
  while another instance syncs is answered "try again" (Pub/Sub redelivers it a few seconds
  later, when it usually finds the cursor already past it): no doorbell is lost, and a
  steady stream costs two Gmail requests per message (history, batch).
- History 404 (the id is too old) is normal: a **bounded backfill** — ``messages.list`` of
  the label after the last processed internal date, at most ``backfill_max`` messages — and
  then on from the newest history id read *before* listing (so nothing falls in between).
- Throttling (429 / rateLimitExceeded) stops this mailbox's sync with ``Throttled`` and the
  server's Retry-After; the caller answers so the push is redelivered later. Other
  mailboxes are not touched.

Cursor value: ``{"history_id": str, "last_internal_date_ms": int, "watch_expiration_ms": int}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.domain.models import AfterProcessing, HealthUpdate, Mailbox, MailboxState
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
from shared.ports import Clock, GmailApi, GmailApis, GmailMessage, GmailWatch, StateStore
from shared.service.ingest import IngestPipeline
from shared.service.mailbox_state import CursorChange, error_update, merge_cursor, report

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
    """The Gmail label a mailbox watches: its folder, INBOX by default."""
    return mailbox.folder or "INBOX"


RENEW_EVERY = 100  # messages fetched and ingested between lease renewals


class SyncBusy(ServiceUnavailable):
    """Another instance is syncing this mailbox: ring again in a few seconds."""


class GmailSync:
    def __init__(
        self,
        state: StateStore,
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
        """``users.watch`` on the mailbox's label; its history id becomes the cursor when the
        mailbox has none (a reconnect keeps its position: nothing is skipped)."""
        with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider="gmail"):
            api = self._apis.for_mailbox(mailbox)
            try:
                watch = api.watch(self._opt.topic, [label_of(mailbox)])
            finally:
                api.close()
            self._update_cursor(
                mailbox,
                lambda value: {
                    "history_id": value.get("history_id") or watch.history_id,
                    "watch_expiration_ms": watch.expiration_ms,
                },
            )
            logger.info("gmail watch started", extra={"expiration_ms": watch.expiration_ms})
            return watch

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
        if upto is not None and self._reached(mailbox, upto):
            return SyncResult("current")
        lease_name = sync_lease(mailbox)
        if self._state.try_acquire_lease(lease_name, self._holder, self._opt.lease_ttl) is None:
            raise SyncBusy(f"a sync of {mailbox.key} is running")
        with log_labels(tenant=mailbox.tenant_id, mailbox=mailbox.id, provider="gmail"):
            try:
                return self._sync_locked(mailbox, lease_name)
            except ReauthRequired:
                self._report(mailbox, HealthUpdate(state=MailboxState.REAUTH_REQUIRED))
                raise
            except MailIngestError as exc:
                self._report(mailbox, error_update(exc, self._clock.now()))
                raise
            finally:
                self._state.release_lease(lease_name, self._holder)

    def _reached(self, mailbox: Mailbox, upto: str) -> bool:
        current = self._state.get_cursor(mailbox.tenant_id, mailbox.id).value.get("history_id")
        try:
            return current is not None and int(str(current)) >= int(upto)
        except ValueError:
            return False

    def _sync_locked(self, mailbox: Mailbox, lease_name: str) -> SyncResult:
        api = self._apis.for_mailbox(mailbox)
        try:
            total, backfilled = self._one_pass(
                mailbox,
                api,
                lambda: self._state.renew_lease(lease_name, self._holder, self._opt.lease_ttl),
            )
        finally:
            api.close()
        now = self._clock.now()
        self._report(
            mailbox, HealthUpdate(state=MailboxState.IDLE, last_sync_at=now, last_doorbell_at=now)
        )
        return SyncResult("synced", total, backfilled)

    def _one_pass(
        self, mailbox: Mailbox, api: GmailApi, keep_alive: Callable[[], object]
    ) -> tuple[int, bool]:
        cursor = self._state.get_cursor(mailbox.tenant_id, mailbox.id)
        history_id = cursor.value.get("history_id")
        if not history_id:
            newest = api.current_history_id()
            self._update_cursor(mailbox, lambda value: {"history_id": newest})
            logger.info("gmail cursor initialised", extra={"history_id": newest})
            return 0, False
        try:
            ids, newest = api.added_since(str(history_id), label_of(mailbox))
            backfill = False
        except CursorExpired:
            newest = api.current_history_id()  # read first: nothing falls in between
            ids = api.list_after(
                label_of(mailbox), self._backfill_after(cursor.value), self._opt.backfill_max
            )
            backfill = True
            logger.warning(
                "gmail history id expired: bounded backfill",
                extra={"listed": len(ids), "cap": self._opt.backfill_max},
            )
        last_date = self._hand_off(mailbox, api, ids, keep_alive)
        self._update_cursor(
            mailbox,
            lambda value: {
                "history_id": _later(value.get("history_id"), newest),
                "last_internal_date_ms": max(int(value.get("last_internal_date_ms", 0)), last_date),
            },
        )
        return len(ids), backfill

    def _hand_off(
        self, mailbox: Mailbox, api: GmailApi, ids: list[str], keep_alive: Callable[[], object]
    ) -> int:
        """Ingest in order; stop at the first retryable failure (the cursor stays, and every
        message already ingested is a duplicate next time: claimed, not published twice)."""
        last_date = 0
        done: list[str] = []
        for start in range(0, len(ids), RENEW_EVERY):
            keep_alive()  # a long backfill keeps its lease
            last_date = max(
                last_date,
                self._ingest_all(mailbox, api.get_raw(ids[start : start + RENEW_EVERY]), done),
            )
        self._after_processing(mailbox, api, done)
        return last_date

    def _ingest_all(
        self, mailbox: Mailbox, fetched: list[GmailMessage | MailIngestError], done: list[str]
    ) -> int:
        last_date = 0
        for got in fetched:
            if isinstance(got, NotFound):
                continue  # deleted between history and fetch: nothing to ingest
            if isinstance(got, RetryableError | AuthError):
                raise got
            if isinstance(got, MailIngestError):  # this message only: say so, carry on
                logger.error("gmail message could not be fetched", extra={"error": str(got)})
                self._report(mailbox, HealthUpdate(failed=1, last_error=str(got)[:300]))
                continue
            assert isinstance(got, GmailMessage)
            received = datetime.fromtimestamp(got.internal_date_ms / 1000, UTC)
            result = self._pipeline.ingest(
                mailbox, got.id, got.raw, received_at=received, lease=sync_lease(mailbox)
            )
            last_date = max(last_date, got.internal_date_ms)
            done.append(got.id)
            self._report(
                mailbox,
                HealthUpdate(
                    processed=1,
                    last_event_at=self._clock.now(),
                    processing_ms_total=result.processing_ms,
                    needs_review=0 if result.confident else 1,
                    labels=result.label_counts(),
                    latency=result.latency_counts(),
                ),
            )
        return last_date

    def _after_processing(self, mailbox: Mailbox, api: GmailApi, ids: list[str]) -> None:
        if not ids:
            return
        if mailbox.after_processing is AfterProcessing.MARK_SEEN:
            api.modify(ids, add=(), remove=("UNREAD",))
        elif mailbox.after_processing is AfterProcessing.MOVE and mailbox.move_to:
            api.modify(ids, add=(mailbox.move_to,), remove=())

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


def _later(current: object, newest: str) -> str:
    """History ids only grow; never move the cursor back (a late pass, a reordered push)."""
    try:
        return str(max(int(str(current or 0)), int(newest)))
    except ValueError:
        return newest
