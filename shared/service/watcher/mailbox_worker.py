"""One thread per watched mailbox: connect, catch up, then IDLE (or poll), reconnecting with
backoff. Whatever fails here stays here: one bad mailbox never stalls the others."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain.models import HealthUpdate, Mailbox, MailboxState, Provider
from shared.errors import (
    AuthError,
    ClaimBusy,
    ClientRejected,
    MailIngestError,
    PortFailure,
    ReauthRequired,
    SinkUnavailable,
    StoreUnavailable,
)
from shared.observability import log_labels
from shared.ports import Clock, CredentialProvider, MailSource, MailSources, SeenUidlStore
from shared.service.health import HealthReporter
from shared.service.ingest import IngestPipeline
from shared.service.watcher.backoff import Backoff, spread_over
from shared.service.watcher.caps import ConnectionCaps
from shared.service.watcher.catchup import CatchUpPool
from shared.service.watcher.imap_sync import ImapSync
from shared.service.watcher.options import WatcherOptions
from shared.service.watcher.pacing import ConnectPacer
from shared.service.watcher.pop3_sync import Pop3Sync

logger = logging.getLogger(__name__)

# a stalled mailbox logs one warning a minute (what the log-based alert counts), not one
# per attempt; the attempts in between log at info
WARN_EVERY_S = 60.0
# how old the pending count of a mailbox that is not idle may grow (a session that failed on
# a port is tried again, counting what waits on the server, at least this often)
PENDING_REFRESH_S = 60.0


def stalled_state(exc: BaseException) -> MailboxState:
    """The state a session that failed with ``exc`` leaves its mailbox in: what blocks it
    when that is known (the event sink, the state store), else ``backoff``."""
    if isinstance(exc, SinkUnavailable) or (
        isinstance(exc, PortFailure) and exc.port == "event sink"
    ):
        return MailboxState.PUBLISHING_BLOCKED
    if isinstance(exc, StoreUnavailable):
        return MailboxState.STORE_UNREACHABLE
    return MailboxState.BACKOFF


@dataclass(frozen=True)
class MailAccess:
    """How a worker reaches its mailbox: the credentials to log in with (fetched at every
    connect), the sources that open a session with them, and the pace of new connections
    per server."""

    credentials: CredentialProvider
    sources: MailSources
    pacer: ConnectPacer | None = None  # whose turn it is to connect to a server (None: any)
    # the process's pool a catch-up batch goes through the pipeline on (None: one at a time)
    catchup: CatchUpPool | None = None


class MailboxWorker:
    def __init__(
        self,
        mailbox: Mailbox,
        *,
        cursors: SeenUidlStore,
        pipeline: IngestPipeline,
        access: MailAccess,
        reporter: HealthReporter,
        clock: Clock,
        options: WatcherOptions,
        caps: ConnectionCaps,
    ) -> None:
        self.mailbox = mailbox
        # called on the worker's thread when it ends (stopped, or a bug): set before start()
        self.on_exit: Callable[[], None] | None = None
        self._credentials = access.credentials
        self._sources = access.sources
        self._reporter = reporter
        self._clock = clock
        self._opt = options
        self._caps = caps
        self._pacer = access.pacer
        self._stop = threading.Event()
        # the thread ended (a flag, not an Event: an Event is ≈ 1 KB, 10,000 of them 10 MB)
        self._exited = False
        self._source: MailSource | None = None
        # monotonic time of the last EXISTS: lets a benchmark split server and watcher latency
        self.last_doorbell_mono: float | None = None
        self.started_at: datetime | None = None
        self.sessions_opened = 0  # connects that reached the server (the heap freezer's cue)
        self._warned_mono: float | None = None  # the last "session failed" warning
        # only the sync its protocol uses: the provider is part of the connection settings, so
        # a change of it replaces the worker (≈ 0.3 KB a mailbox, 3 MB at 10,000)
        self._sync: ImapSync | Pop3Sync
        if mailbox.provider is Provider.POP3:
            self._sync = Pop3Sync(
                cursors,
                pipeline,
                reporter,
                clock,
                chunk_bytes=options.stream_chunk_bytes,
                stopping=self._stop.is_set,
            )
        else:
            self._sync = ImapSync(
                cursors,
                pipeline,
                reporter,
                clock,
                limits=options.fetch_limits,
                initial_max=options.initial_sync_max,
                resync_max=options.resync_max,
                pool=access.catchup,
            )
        self._thread = threading.Thread(target=self._run, name=f"mbx-{mailbox.key}", daemon=True)

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        self.started_at = self._clock.now()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        source = self._source
        if source is not None:
            source.interrupt()  # an IDLE wait ends now, not at its refresh

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self._exited

    @property
    def _imap(self) -> ImapSync:
        if not isinstance(self._sync, ImapSync):
            raise TypeError("an IMAP session of a POP3 mailbox")
        return self._sync

    @property
    def _pop3(self) -> Pop3Sync:
        if not isinstance(self._sync, Pop3Sync):
            raise TypeError("a POP3 session of an IMAP mailbox")
        return self._sync

    def _report(self, **fields: Any) -> None:
        self._reporter.report(self.mailbox, HealthUpdate(**fields))

    def _run(self) -> None:
        try:
            self._run_sessions()
        finally:
            if isinstance(self._sync, ImapSync):
                self._sync.flush_cursor()  # the mailbox is let go: what it owes the store
            self._exited = True  # before the callback: whoever it wakes sees it ended
            if self.on_exit is not None:
                self.on_exit()

    def _run_sessions(self) -> None:
        m = self.mailbox
        backoff = Backoff(self._opt.backoff_base_s, self._opt.backoff_max_s)
        with log_labels(tenant=m.tenant_id, mailbox=m.id, provider=m.provider.value):
            waiting_reported = False
            while not self._stop.is_set():
                # connection caps: wait for a slot, but stay stoppable
                slot = self._caps.acquire(m, timeout_s=self._opt.idle_check_s)
                if slot is None:
                    if not waiting_reported:
                        waiting_reported = True
                        logger.info("waiting for a free connection slot to the server")
                        self._report(
                            state=MailboxState.BACKOFF,
                            last_error="waiting for a free connection slot (connection cap)",
                        )
                    continue
                waiting_reported = False
                if self._pacer and not self._pacer.wait_turn(m.host or "", self._stop):
                    slot.release()  # stopped while waiting for a turn to connect
                    break
                try:
                    delay = self._session(backoff)
                finally:
                    # close and give the slot back before waiting: a mailbox in backoff or
                    # between two POP3 polls holds neither a socket nor a slot
                    self._close()
                    slot.release()
                self._stop.wait(delay)

    def _session(self, backoff: Backoff) -> float:
        """One session; returns how long to wait before the next one."""
        m = self.mailbox
        try:
            if m.provider is Provider.POP3:
                self._pop3_session()
                backoff.reset()
                self._warned_mono = None
                return float(m.poll_interval_s)
            self._imap_session(backoff)
            backoff.reset()
            return 0.0
        except ClaimBusy as exc:
            # another live worker is in flight with a message (its claim frees when its lease
            # lapses): nothing is wrong with our connection, so no growing backoff
            logger.info("message claimed elsewhere; retrying shortly", extra={"error": str(exc)})
            self._report(state=MailboxState.SYNCING, last_error=str(exc)[:500])
            return self._opt.busy_retry_s
        except (ReauthRequired, ClientRejected) as exc:
            self._oauth_refused(exc)
            return self._opt.auth_backoff_s
        except AuthError as exc:
            self._credentials.invalidate(m)
            logger.warning("login refused", extra={"error": str(exc)[:300]})
            self._failed(MailboxState.AUTH_ERROR, str(exc))
            return self._opt.auth_backoff_s
        except MailIngestError as exc:  # the source's errors are ours (ServiceUnavailable)
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
            state = stalled_state(exc)
        except Exception as exc:  # a dead thread would be a silent watcher
            # an unexpected answer (a server quirk, a bug): log it, back off and try again
            # rather than let this mailbox's thread die while its lease is still renewed
            logger.exception("unexpected error in the mailbox session")
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
            state = MailboxState.BACKOFF
        return self._session_failed(backoff, error, state)

    def _session_failed(self, backoff: Backoff, error: str, state: MailboxState) -> float:
        if self._stop.is_set():
            return 0.0  # the wait was interrupted to stop: not a failure
        delay = backoff.next_delay()
        if state is not MailboxState.BACKOFF:
            # a port blocks it, not the server: try again (and count what waits on the
            # server) at least once a minute
            delay = min(delay, PENDING_REFRESH_S)
        now = time.monotonic()
        warn = self._warned_mono is None or now - self._warned_mono >= WARN_EVERY_S
        if warn:
            self._warned_mono = now
        logger.log(
            logging.WARNING if warn else logging.INFO,
            "mailbox session failed; reconnecting",
            extra={"error": error, "delay_s": delay, "state": state.value},
        )
        self._failed(state, error)
        return delay

    def _oauth_refused(self, exc: ReauthRequired | ClientRejected) -> None:
        if isinstance(exc, ReauthRequired):
            # the grant is gone (the token service flagged it and alerted): no login was
            # even tried, and it is not a refused password
            logger.warning("OAuth grant needs reconnecting", extra={"error": str(exc)[:300]})
            self._failed(MailboxState.REAUTH_REQUIRED, str(exc))
        else:
            # our own OAuth client was refused: the operator's to fix, the grant is fine
            logger.error("OAuth client refused by the provider", extra={"error": str(exc)[:300]})
            self._failed(MailboxState.AUTH_ERROR, str(exc))

    def _failed(self, state: MailboxState, error: str) -> None:
        self._report(state=state, last_error=error[:500], last_error_at=self._clock.now(), errors=1)

    def _close(self) -> None:
        source, self._source = self._source, None
        if source is not None:
            source.close()

    def _open(self, state: MailboxState) -> MailSource:
        m = self.mailbox
        self._report(state=MailboxState.CONNECTING)
        creds = self._credentials.credentials_for(m)
        self._source = source = self._sources.open(m, creds)
        self.sessions_opened += 1
        self._report(last_connect_at=self._clock.now(), state=state)
        return source

    # -- IMAP ---------------------------------------------------------------------------
    def _imap_session(self, backoff: Backoff) -> None:
        source = self._open(MailboxState.SYNCING)
        self._imap.forget_cursor()  # a new session starts from the stored cursor
        uidvalidity = source.select()
        self._drain(source, uidvalidity)
        backoff.reset()
        self._warned_mono = None  # caught up: the next stall warns at once
        if source.can_wait:
            self._idle_loop(source, uidvalidity)
        else:
            self._poll_loop(source, uidvalidity)
        self._imap.flush_cursor()
        source.logout()
        self._source = None

    def _idle_loop(self, source: MailSource, uidvalidity: int) -> None:
        """One wait per doorbell or refresh: the thread sleeps until the server has news (the
        process's IDLE hub reads the server's keep-alive lines without waking it) or the
        refresh is due (``stop`` interrupts the wait), so an idle mailbox costs no thread
        wake-up between refreshes (idle CPU with 10,000 mailboxes)."""
        self._report(state=MailboxState.IDLE)
        refresh_at = time.monotonic() + spread_over(self._opt.idle_refresh_s)
        while not self._stop.is_set():
            rang = source.wait_for_change(max(0.05, refresh_at - time.monotonic()))
            if not (rang or time.monotonic() >= refresh_at):
                continue  # another untagged answer (a server's keep-alive): wait on
            if rang:
                self.last_doorbell_mono = time.monotonic()
                self._report(last_doorbell_at=self._clock.now())
            self._drain(source, uidvalidity)
            refresh_at = time.monotonic() + spread_over(self._opt.idle_refresh_s)

    def _drain(self, source: MailSource, uidvalidity: int) -> None:
        """Catch up until a round saw no new EXISTS. A message that arrives while we sync is
        announced in the responses to our own commands, and the server will not announce it
        again in the next IDLE (RFC 2177): without this it would wait for the next refresh."""
        for _ in range(20):  # bounded: a flood is picked up by the next doorbell anyway
            self._imap.catch_up(source, self.mailbox, uidvalidity, self._stop.is_set)
            if not source.announced_new():
                return

    def _poll_loop(self, source: MailSource, uidvalidity: int) -> None:
        self._report(state=MailboxState.POLLING)
        while not self._stop.wait(self.mailbox.poll_interval_s):
            source.wait_for_change(0.0)  # NOOP: keeps the session and asks for news
            self._imap.catch_up(source, self.mailbox, uidvalidity, self._stop.is_set)

    # -- POP3 ---------------------------------------------------------------------------
    def _pop3_session(self) -> None:
        """One poll: connect, fetch what is new, QUIT (DELE takes effect on QUIT, RFC 1939)."""
        source = self._open(MailboxState.POLLING)
        self._pop3.sync(source, self.mailbox)
        source.logout()
        self._source = None
