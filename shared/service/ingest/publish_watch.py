"""How long each ordering key (a mailbox: ``Mailbox.key``) has been waiting for the event sink,
so that a blocked publish shows in the mailbox's health while it is still being waited for.

A publish to an unreachable Pub/Sub is not an error for a long time: the client retries it
(measured here: a connection reset by a stopped emulator left the ack pending for more than
100 s, whatever retry deadline was passed), the sink gives up waiting only after its timeout,
and the pipeline tries again several times — minutes in which the mailbox looked ``idle``
with no error. ``PublishWatch`` sits in front of the sink and keeps, per key, since when an
event has gone without an acknowledgement (from the first attempt after the last ack) and
the last failure; ``stalled`` lists the keys waiting longer than a bound (the watcher shows
them ``publishing blocked``). Counted only: every call goes through to the sink unchanged."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.errors import MessageTooLarge
from shared.ports import Clock, EventSink
from shared.service.ingest.failures import describe


@dataclass
class _Waiting:
    since: datetime  # the first attempt after the key's last ack
    outstanding: int = 0  # publishes started and not settled
    error: str | None = None  # the last transient failure since the last ack


@dataclass(frozen=True)
class Stalled:
    """A key whose events have had no acknowledgement since ``since``; ``error``: the sink's
    last failure, or how long it has waited."""

    ordering_key: str
    since: datetime
    error: str


class PublishWatch:
    """An ``EventSink`` in front of ``sink`` that times each key's unacknowledged publishes."""

    def __init__(self, sink: EventSink, clock: Clock) -> None:
        self._sink = sink
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, _Waiting] = {}

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        self._started(ordering_key)
        try:
            message_id = self._sink.publish(data, ordering_key, attributes)
        except BaseException as exc:
            self._failed(ordering_key, exc)
            raise
        self._acked(ordering_key)
        return message_id

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        self._started(ordering_key)
        try:
            settle = self._sink.submit(data, ordering_key, attributes)
        except BaseException as exc:
            self._failed(ordering_key, exc)
            raise

        def settled() -> str:
            try:
                message_id = settle()
            except BaseException as exc:
                self._failed(ordering_key, exc)
                raise
            self._acked(ordering_key)
            return message_id

        return settled

    def resume(self, ordering_key: str) -> None:
        self._sink.resume(ordering_key)

    def stalled(self, after: timedelta) -> list[Stalled]:
        """The keys with a publish unacknowledged (in flight, or failed and not yet
        published) for longer than ``after``."""
        now = self._clock.now()
        with self._lock:
            waiting = [(key, replace(w)) for key, w in self._keys.items()]
        out = []
        for key, w in waiting:
            age = now - w.since
            if (w.outstanding or w.error) and age > after:
                error = (
                    w.error or f"event sink: no acknowledgement for {int(age.total_seconds())} s"
                )
                out.append(Stalled(key, w.since, error))
        return out

    def _started(self, key: str) -> None:
        with self._lock:
            waiting = self._keys.get(key)
            if waiting is None:
                waiting = self._keys[key] = _Waiting(self._clock.now())
            waiting.outstanding += 1

    def _acked(self, key: str) -> None:
        with self._lock:
            waiting = self._keys.get(key)
            if waiting is None:
                return
            waiting.outstanding = max(0, waiting.outstanding - 1)
            if waiting.outstanding:
                # progress: the wait of what is still in flight counts from now
                waiting.since, waiting.error = self._clock.now(), None
            else:
                del self._keys[key]

    def _failed(self, key: str, exc: BaseException) -> None:
        with self._lock:
            waiting = self._keys.get(key)
            if waiting is None:
                return
            waiting.outstanding = max(0, waiting.outstanding - 1)
            if not isinstance(exc, MessageTooLarge):
                # the key stays blocked until one of its events is acknowledged
                waiting.error = describe(exc) if isinstance(exc, Exception) else type(exc).__name__
            elif not waiting.outstanding and waiting.error is None:
                del self._keys[key]  # refused for itself (too large): nothing blocks the key
