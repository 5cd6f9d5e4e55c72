"""One thread that waits on every idling IMAP connection of the process (``epoll``).

With 10,000 sessions in IDLE, what wakes the watcher between refreshes is the servers'
keep-alive lines ("* OK Still here", every 2 minutes from Dovecot, sent to all of a
client's sessions within the same second). A thread per session blocked in its own
``poll`` paid a thread wake-up on a cold stack for each line: ≈ 100 µs, a burst of about
a second of CPU every 2 minutes at 10,000 sessions — half the watcher's idle CPU. Here one
thread takes the ready sockets in batches, reads and judges their lines,
and wakes a session's own thread only for news: new mail, ``BYE``, a closed connection, or
an error. A keep-alive line costs a read and a byte comparison.

A session's thread registers its socket with a ``reader`` (called on the hub's thread while
the session's thread is blocked, so the connection is never used by two threads at once)
and waits up to its timeout; when it gives up waiting (its IDLE refresh is due) it takes the
socket back under the same lock the hub reads under, so a read in progress is finished
first and news that arrived meanwhile is not lost.
"""

from __future__ import annotations

import contextlib
import logging
import select
import threading
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_READABLE = select.EPOLLIN | select.EPOLLRDHUP
_ONCE = _READABLE | select.EPOLLONESHOT  # re-armed after each read: one reader at a time


@dataclass(frozen=True)
class IdleNews:
    """What a wake-up found: ``closed`` means the server closed or reset the connection."""

    rang: bool = False
    bye: bool = False
    closed: bool = False

    @property
    def any(self) -> bool:
        return self.rang or self.bye or self.closed

    def __or__(self, other: IdleNews) -> IdleNews:
        """Both wake-ups' news (a line finished later adds to what was read before)."""
        return IdleNews(
            rang=self.rang or other.rang,
            bye=self.bye or other.bye,
            closed=self.closed or other.closed,
        )


NOTHING = IdleNews()
# reads what the socket has now; gets whether epoll saw the peer close (RDHUP/HUP/ERR)
Reader = Callable[[bool], IdleNews]


class _Wait:
    __slots__ = ("done", "error", "news", "over", "reader", "turn")

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.done = threading.Lock()  # held until the hub has news for the session's thread
        self.done.acquire()
        self.turn = threading.Lock()  # the connection's: the hub reads under it, and the
        # session's thread takes the socket back under it
        self.news = NOTHING
        self.error: BaseException | None = None
        self.over = False  # the wait ended (news, error, or the session's thread gave up)


class IdleHub:
    def __init__(self) -> None:
        self._epoll = select.epoll()
        self._waits: dict[int, _Wait] = {}
        self._lock = threading.Lock()  # _waits and (un)registering
        self._thread: threading.Thread | None = None

    def wait(self, fd: int, reader: Reader, timeout: float | None) -> IdleNews:
        """Block until ``reader`` reports news for ``fd`` or ``timeout`` passes (NOTHING);
        re-raises what the reader raised (a reset connection, a broken line)."""
        entry = _Wait(reader)
        with self._lock:
            self._start()
            self._waits[fd] = entry
            try:
                self._epoll.register(fd, _ONCE)
            except FileExistsError:  # a descriptor number reused before epoll let it go
                self._epoll.modify(fd, _ONCE)
        entry.done.acquire(timeout=-1 if timeout is None else max(timeout, 0.0))
        with entry.turn:
            entry.over = True
        self._forget(fd, entry)
        if entry.error is not None:
            raise entry.error
        return entry.news

    def _forget(self, fd: int, entry: _Wait) -> None:
        with self._lock:
            if self._waits.get(fd) is entry:
                del self._waits[fd]
                with contextlib.suppress(OSError):  # closed meanwhile: the kernel dropped it
                    self._epoll.unregister(fd)

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="idle-hub", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:  # for the life of the process: the hub serves every watcher in it
            try:
                ready = self._epoll.poll()
            except InterruptedError:
                continue
            for fd, flags in ready:
                with self._lock:
                    entry = self._waits.get(fd)
                if entry is not None:
                    self._serve(fd, flags, entry)

    def _serve(self, fd: int, flags: int, entry: _Wait) -> None:
        with entry.turn:
            if entry.over:
                return  # the session's thread took its socket back
            try:
                news = entry.reader(bool(flags & ~select.EPOLLIN))
            except Exception as exc:  # noqa: BLE001 - raised in the session's thread instead
                entry.error = exc
                news = NOTHING
            if news.any or entry.error is not None:
                entry.news, entry.over = news, True
                entry.done.release()
                return
            self._rearm(fd)

    def _rearm(self, fd: int) -> None:
        with self._lock:
            try:
                self._epoll.modify(fd, _ONCE)
            except OSError:
                logger.debug("idle socket gone before it was re-armed", extra={"fd": fd})


_HUB: IdleHub | None = None
_HUB_LOCK = threading.Lock()


def idle_hub() -> IdleHub:
    """The process's hub, made at the first IDLE wait."""
    global _HUB
    with _HUB_LOCK:
        if _HUB is None:
            _HUB = IdleHub()
        return _HUB
