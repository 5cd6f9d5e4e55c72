"""A catch-up batch through the pipeline in one go, still exactly once and
in order — the messages of one ``UID FETCH``, in UID order:

1. they are staged (raw stored, parsed) on a pool shared by every mailbox of the process,
   ``concurrency`` at a time; the run stops at the first that could not be (one that
   failed for itself is dead-lettered there, and handed off as such);
2. their claims (by Message-ID within the account, else event id) are taken in one batched
   write: a message done already is a duplicate (handed off, as alone); one another live
   worker holds cuts the batch just before it (``ClaimBusy``), and so does a second message
   of the batch with the same Message-ID (the caller goes on from there, and it is then a
   duplicate);
3. each claimed one is classified and its event built on the pool;
4. the events are submitted in UID order with the mailbox's ordering key, without waiting
   for each ack, up to the first message that could not be prepared (a message-specific
   failure was dead-lettered: that one is handed off and the run goes on). A publish that
   fails pauses the key: every later event of the key in flight or submitted fails too,
   and the key is resumed only once this batch has stopped submitting, so nothing after
   message k reaches the topic before k;
5. the claims of the published messages are completed — their events' summaries stored — in
   batched writes as the acks come in (one write when they all come at once).

What comes back is the unbroken run of messages handed off from the start of the batch
(the caller applies their after-processing actions and moves the cursor once, to the last
of them) and the error that stopped it; every claim of a message after the run is
released. A watcher killed between a publish and its completion publishes those events
again when it restarts: at most one batch (consumers dedupe by event id; docs/events.md).

Steps 1-3 (``prepare``) and 4-5 (``publish``) are apart so that the next batch is fetched
and prepared while this one is published and handed off (``overlap``), never more than one
batch ahead: its events are submitted only once this batch's are all settled and completed
and the cursor moved past them (the published-not-completed window stays one batch), and
when this batch stops short the one prepared ahead is abandoned — its claims released,
nothing of it published.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from shared.domain.models import Mailbox
from shared.errors import ClaimBusy, MailIngestError, PortFailure, Stopping
from shared.ports import ClaimOutcome, FetchedMessage
from shared.service.ingest import IngestBatch, IngestResult, Prepared, Staged

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class BatchRun:
    """``handed``: the messages handed off from the start of the batch, in order, with what
    each came to; ``error``: why the run stopped before the end of the batch (None: every
    message was handed off); ``beyond``: messages after the stop whose events were published
    all the same (in flight when an earlier one failed) and their claims completed — not
    handed off (the next catch-up finds them done), but counted now: their events are out."""

    handed: list[tuple[FetchedMessage, IngestResult]]
    error: MailIngestError | None = None
    beyond: list[IngestResult] = field(default_factory=list)


@dataclass
class _Progress:
    """One batch on its way: ``stop`` is the first message not handed off."""

    messages: Sequence[tuple[str, FetchedMessage]]
    stop: int
    error: MailIngestError | None = None
    prepared: dict[int, Prepared] = field(default_factory=dict)
    published: dict[int, Prepared] = field(default_factory=dict)

    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, index: int, error: MailIngestError) -> None:
        with self.lock:
            if index < self.stop:
                self.stop, self.error = index, error


@dataclass
class Batch:
    """A fetched batch claimed and prepared, nothing of it published yet
    (``CatchUpPool.prepare``): ``publish`` hands it off, ``abandon`` drops its claims.
    ``ahead``: prepared while the batch before it was being published (a Message-ID that
    batch was publishing shows here as in flight: ``ClaimBusy``)."""

    mailbox: Mailbox
    claims: dict[int, tuple[str, ClaimOutcome]]  # by message: its claim key and outcome
    run: _Progress
    ahead: bool = False

    @property
    def fetched(self) -> list[FetchedMessage]:
        return [message for _, message in self.run.messages]

    def claimed(self, index: int) -> bool:
        claim = self.claims.get(index)
        return claim is not None and claim[1] is ClaimOutcome.CLAIMED

    def release(self, ingest: IngestBatch, index: int) -> None:
        """Drop the claim of a message of the batch (when it is ours)."""
        if self.claimed(index):
            ingest.release(self.claims[index][0], self.run.prepared.get(index))


class CatchUpPool:
    def __init__(self, concurrency: int, *, min_batch: int = 2) -> None:
        """``min_batch``: a smaller fetched batch (a doorbell's one new message) goes one
        message at a time (``HandOff``): its published-not-completed window stays one."""
        self.concurrency = concurrency
        self.min_batch = min_batch
        self._executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="catchup")

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def prepare(
        self,
        ingest: IngestBatch,
        mailbox: Mailbox,
        messages: Sequence[tuple[str, FetchedMessage]],
        *,
        ahead: bool = False,
    ) -> Batch:
        """Steps 1-3 for ``messages`` ((provider message id, message) in the mailbox's
        order): staged, claimed, prepared. Nothing is published; the claims are the
        batch's until ``publish`` or ``abandon``."""
        run = _Progress(messages, len(messages))
        staged = self._stage(ingest, mailbox, run)
        # the claims name the lease this replica holds
        batch = Batch(mailbox, _claim(ingest, run, staged, mailbox.key), run, ahead)
        ready = [
            i for i in sorted(staged) if i < run.stop and (staged[i].finished or batch.claimed(i))
        ]
        self._prepare(ingest, run, staged, ready)
        return batch

    def publish(
        self, ingest: IngestBatch, batch: Batch, stopping: Callable[[], bool] = lambda: False
    ) -> BatchRun:
        """Steps 4-5: the prepared batch's events submitted in UID order and its claims
        completed; the claims of every message after the run handed off are released.
        ``stopping``: once true (the worker was told to stop), nothing more is submitted."""
        mailbox, run = batch.mailbox, batch.run
        ids = [pid for pid, _ in run.messages]
        _publish_in_order(ingest, mailbox, run, stopping)
        for i in range(run.stop):  # the run handed off: each one published, or done before
            if batch.claimed(i) and i not in run.published:
                run.fail(i, PortFailure(f"catch-up: message {ids[i]} was not handed off"))
                break
        for i in range(run.stop, len(run.messages)):
            if i not in run.published:
                batch.release(ingest, i)
        handed = [run.published.get(i) for i in range(run.stop)]
        beyond = [run.published[i] for i in sorted(run.published) if i >= run.stop]
        results = iter(ingest.results([p for p in handed if p is not None] + beyond))
        return BatchRun(
            [
                (run.messages[i][1], next(results) if p else ingest.duplicate(mailbox, ids[i]))
                for i, p in enumerate(handed)
            ],
            run.error,
            list(results),  # what is left: the ones beyond the stop
        )

    def overlap(
        self, ingest: IngestBatch, current: Callable[[], T], upcoming: Callable[[], Batch]
    ) -> tuple[T, Batch | MailIngestError]:
        """``current`` (this batch published and handed off) on a helper thread while
        ``upcoming`` (the next batch fetched and prepared: at most one batch ahead) runs on
        this one; both are over when it returns. What ``upcoming`` raised comes back in its
        place, for the caller to raise when that batch's turn comes; when ``current``
        raises, the batch prepared ahead is abandoned and the error raised here."""
        done: list[T] = []
        failed: list[BaseException] = []

        def run_current() -> None:
            try:
                done.append(current())
            except BaseException as exc:  # noqa: BLE001 - raised again on this thread
                failed.append(exc)

        helper = threading.Thread(target=run_current, name="catchup-publish", daemon=True)
        helper.start()
        try:
            ahead: Batch | MailIngestError = upcoming()
        except MailIngestError as exc:
            ahead = exc
        finally:
            helper.join()
        if failed:
            self.abandon(ingest, ahead)
            raise failed[0]
        return done[0], ahead

    def abandon(self, ingest: IngestBatch, batch: Batch | MailIngestError | None) -> None:
        """Release every claim of a prepared batch that will not be published (the batch
        before it stopped short): nothing of it was submitted."""
        if not isinstance(batch, Batch):
            return
        for i in range(len(batch.run.messages)):
            batch.release(ingest, i)

    def _first_alone(self, step: Callable[[int], T], items: list[int]) -> list[T]:
        """``step`` of every item, in order: the first on this thread before the others go
        to the pool, ``concurrency`` runs of consecutive items at once. What a step builds
        lazily on first use (the language model, a tenant's rules and templates) is built
        once, not by every thread of the pool at once (a process's first batch took 8-12 s,
        16 threads each loading the model); a task per run, not per item, spares the pool's
        per-task cost (a future, a lock, a wake-up: 5 % of the watcher's CPU in a catch-up)."""
        if not items:
            return []
        first, rest = step(items[0]), items[1:]
        size = max(1, -(-len(rest) // self.concurrency))
        runs = [rest[i : i + size] for i in range(0, len(rest), size)]
        done = self._executor.map(lambda run: [step(item) for item in run], runs)
        return [first, *(result for run in done for result in run)]

    def _stage(self, ingest: IngestBatch, mailbox: Mailbox, run: _Progress) -> dict[int, Staged]:
        """Raw stored and parsed, ``concurrency`` at a time; the run stops at the first
        message that could not be (every one is waited for)."""
        every = list(range(len(run.messages)))

        def stage(i: int) -> Staged | MailIngestError:
            message = run.messages[i][1]
            try:
                return ingest.stage(
                    mailbox, run.messages[i][0], message.raw, received_at=message.received_at
                )
            except MailIngestError as exc:
                return exc

        staged: dict[int, Staged] = {}
        for i, result in zip(every, self._first_alone(stage, every), strict=True):
            if isinstance(result, MailIngestError):
                run.fail(i, result)
            else:
                staged[i] = result
        return staged

    def _prepare(
        self, ingest: IngestBatch, run: _Progress, staged: dict[int, Staged], ready: list[int]
    ) -> None:
        """The rest of each message's steps before its publish, ``concurrency`` at a time,
        for every message claimed (or finished while staged) before the stop."""

        def prepare(i: int) -> Prepared | MailIngestError:
            try:
                return ingest.prepare(staged[i])
            except MailIngestError as exc:
                return exc

        for i, result in zip(ready, self._first_alone(prepare, ready), strict=True):
            if isinstance(result, MailIngestError):
                run.fail(i, result)
            else:
                run.prepared[i] = result


def _claim(
    ingest: IngestBatch, run: _Progress, staged: dict[int, Staged], lease: str
) -> dict[int, tuple[str, ClaimOutcome]]:
    """The claims of the staged messages before the stop, in one write. Two messages of
    the run with one claim key (one Message-ID): the run stops at the second (ClaimBusy: the
    first is in flight; after it is handed off, the second is a duplicate). A claim another
    live worker holds stops the run there."""
    seen: set[str] = set()
    for i in sorted(staged):
        if i >= run.stop or staged[i].finished:
            continue
        key = staged[i].claim_key
        if key in seen:
            run.fail(i, ClaimBusy("the same Message-ID is earlier in the batch"))
        seen.add(key)
    wanted = [i for i in sorted(staged) if i < run.stop and not staged[i].finished]
    try:
        outcomes = ingest.claim_staged([staged[i] for i in wanted], lease)
    except MailIngestError as exc:
        if wanted:
            run.fail(wanted[0], exc)
        return {}
    claims = {i: (staged[i].claim_key, o) for i, o in zip(wanted, outcomes, strict=True)}
    busy = [i for i, (_, outcome) in claims.items() if outcome is ClaimOutcome.BUSY]
    if busy:
        pid = run.messages[busy[0]][0]
        run.fail(busy[0], ClaimBusy(f"message {pid} is being processed by another worker"))
    return claims


def _publish_in_order(
    ingest: IngestBatch, mailbox: Mailbox, run: _Progress, stopping: Callable[[], bool]
) -> None:
    """Submit on a helper thread, wait for the acks and complete on this one: a message's
    claims are completed as soon as its ack is in and no later event is waiting for one
    (else together with them), so an event is published-not-completed only as long as the
    events submitted around it are in flight."""
    submitted: queue.SimpleQueue[tuple[int, Callable[[], Prepared]] | None] = queue.SimpleQueue()
    crashed: list[BaseException] = []

    def submit() -> None:
        try:
            _submit_in_order(ingest, run, submitted, stopping)
        except BaseException as exc:  # noqa: BLE001 - a bug: raised again on the caller's thread
            crashed.append(exc)
        finally:
            submitted.put(None)

    submitter = threading.Thread(target=submit, name="catchup-submit", daemon=True)
    submitter.start()
    _settle_in_order(ingest, run, submitted)
    submitter.join()
    if run.error is not None:
        ingest.resume_publishing(mailbox)  # paused by the failure, if it was a publish
    if crashed:
        raise crashed[0]


def _submit_in_order(
    ingest: IngestBatch,
    run: _Progress,
    submitted: queue.SimpleQueue[tuple[int, Callable[[], Prepared]] | None],
    stopping: Callable[[], bool],
) -> None:
    """Submit each prepared message's event in UID order, up to the stop; a submit that
    fails stops the run there, and so does the worker being told to stop (its mailbox
    may be about to go to another replica: nothing more of it is published here)."""
    for i in range(run.stop):
        if i >= run.stop:
            return  # a publish failed meanwhile: nothing after it is submitted
        prepared = run.prepared.get(i)
        if prepared is None:
            continue  # done already: a duplicate
        if stopping():
            run.fail(i, Stopping("the mailbox's worker is stopping"))
            return
        try:
            submitted.put((i, ingest.submit(prepared)))
        except MailIngestError as exc:
            run.fail(i, exc)
            return


def _settle_in_order(
    ingest: IngestBatch,
    run: _Progress,
    submitted: queue.SimpleQueue[tuple[int, Callable[[], Prepared]] | None],
) -> None:
    """Wait for every ack in order. A failed publish stops the run there; with ordering keys
    every later one failed with it. One that was published all the same is completed (no
    duplicate on the rerun), and logged: it reached the topic before an earlier one."""
    acked: list[tuple[int, Prepared]] = []
    while (item := submitted.get()) is not None:
        i, settle = item
        try:
            acked.append((i, settle()))
        except MailIngestError as exc:
            run.fail(i, exc)
        if submitted.empty():  # nothing more in flight for now: complete what is in
            _complete(ingest, run, acked)
    _complete(ingest, run, acked)


def _complete(ingest: IngestBatch, run: _Progress, acked: list[tuple[int, Prepared]]) -> None:
    """The acked messages' claims completed in one write; a failure stops the run at the
    first of them (not handed off: their claims are released, as ``IngestPipeline.ingest`` does)."""
    if not acked:
        return
    try:
        ingest.complete_batch([prepared for _, prepared in acked])
    except MailIngestError as exc:
        run.fail(acked[0][0], exc)
    else:
        for i, prepared in acked:
            run.published[i] = prepared
            if i > run.stop:
                logger.error(
                    "event published after an earlier one failed",
                    extra={"event_id": prepared.event_id},
                )
    acked.clear()
