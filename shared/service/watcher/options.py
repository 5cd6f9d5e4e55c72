"""Tuning of the watcher, with the reasons for the defaults (those of the variables that
set some of it are in ``shared.config.WatcherSettings``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shared.config import WatcherSettings
from shared.service.health import STUCK_AFTER

_ENV = WatcherSettings  # the defaults of the variables (MAILINGEST_IDLE_REFRESH_S…)


@dataclass(frozen=True)
class FetchLimits:
    """How much one sync asks a server for at a time."""

    batch: int = 100  # messages per fetch (one UID FETCH command)
    batch_bytes: int = 10 * 1024 * 1024  # bytes per fetch, by the sizes the server reported
    chunk_bytes: int = 1024 * 1024  # pieces of an oversized message streamed to the blobs
    recount_s: float = 60.0  # a catch-up this long counts what waits on the server again
    # messages handed off one at a time (IDLE's new mail) between two cursor writes: the
    # cursor is written every this many, when a session ends, and with every batch; a
    # replica killed in between leaves at most this many to be read again (found done)
    cursor_every: int = 50


@dataclass(frozen=True)
class WatcherOptions:
    # what the environment may set has its default, and the reason for it, in WatcherSettings
    idle_refresh_s: int = _ENV.idle_refresh_s  # RFC 2177's 29 min
    idle_check_s: float = 5.0  # how long a wait for a connection slot blocks at a time
    socket_timeout_s: float = 30.0
    lease_ttl_s: int = _ENV.lease_ttl_s
    # Cloud Run: SIGKILL follows SIGTERM after 10 s; workers get this long, then the leases
    # are released (https://cloud.google.com/run/docs/container-contract#instance-shutdown)
    shutdown_grace_s: float = 6.0
    # then the leases are released for at most this long (6 + 3 s, within the 10 s); those a
    # slow or unreachable store did not release by then lapse by themselves (lease_ttl_s)
    release_grace_s: float = 3.0
    # a mailbox handed over while its worker still finishes a message: its lease is released
    # when the worker ends, or after this long at most (a call that will not return)
    release_after_s: float = 120.0
    # how often a reconcile is retried while part of this replica's share is unwatched;
    # otherwise workers and leases are reconciled when something changes, and every
    # full_reconcile_s as the safety net (no store reads)
    reload_s: float = _ENV.reload_s
    full_reconcile_s: float = 30.0
    # the watcher's loop looks at least this often; the mailbox feed delivering, a worker's
    # thread ending and ``stop`` wake it at once (a new mailbox's first look not a turn late)
    loop_s: float = 0.2
    relist_s: float = _ENV.relist_s  # the full re-list (the change feed's safety net)
    # parallel lease writes (acquire, renew, release): ~2 store round trips each, so
    # thousands of leases need several in flight to fit within one TTL
    store_concurrency: int = 16
    backoff_base_s: float = 1.0
    backoff_max_s: float = 300.0
    auth_backoff_s: float = 900.0  # never hammer a server with a bad password
    # a message another live worker has claimed: retry this soon (its claim is freed at the
    # latest when its lease lapses, lease_ttl_s), never with a growing backoff
    busy_retry_s: float = 2.0
    # a catch-up that takes longer counts again what waits on the server (one UID SEARCH
    # between two batches), so the pending count of a mailbox that is not idle is never
    # older than this; an idle mailbox's count comes with its IDLE refresh, for no write more
    pending_recount_s: float = 60.0
    # messages waiting on the server with none handed off for this long: the mailbox is
    # stale ("mailbox stale" in the log, "stale" in its health), whatever its state says
    stuck_after_s: float = STUCK_AFTER.total_seconds()
    # a mailbox whose events have had no acknowledgement from the event sink for this long is
    # shown "publishing blocked" while the publish is still waited for (a healthy ack takes
    # milliseconds, a transient blip a few seconds; the sink itself gives up after 35 s and
    # the pipeline retries it several times): within the 20 s outages seen in the field
    publish_blocked_after_s: float = 10.0
    # how often the watcher looks for stale mailboxes: a stall is logged within
    # stuck_after_s + this of its start (under a minute), and each look walks every mailbox
    # (~30 ms at 10,000: 0.2 % of a core at this pace)
    stale_check_s: float = 15.0
    # messages per UID FETCH: a catch-up batch, claimed, completed and handed off in one go
    fetch_batch: int = 100
    # bytes per fetch by the sizes the server reported (RFC822.SIZE / POP3 LIST): 100
    # messages of up to the 50 MiB limit would be 5 GB in one answer
    fetch_batch_bytes: int = FetchLimits.batch_bytes
    # a message over the pipeline's size limit is streamed to the blob store in these pieces
    stream_chunk_bytes: int = FetchLimits.chunk_bytes
    catchup_concurrency: int = _ENV.catchup_concurrency  # catch-up messages prepared at once
    # a fetched batch smaller than this (a doorbell's one or two new messages) goes one
    # message at a time: its published-not-completed window stays one message
    catchup_min_batch: int = 2
    # IDLE's messages handed off between two cursor writes (FetchLimits.cursor_every)
    cursor_every: int = FetchLimits.cursor_every

    @property
    def fetch_limits(self) -> FetchLimits:
        return FetchLimits(
            self.fetch_batch,
            self.fetch_batch_bytes,
            self.stream_chunk_bytes,
            self.pending_recount_s,
            self.cursor_every,
        )

    @classmethod
    def from_settings(cls, settings: WatcherSettings) -> WatcherOptions:
        """The options the environment sets (``shared.config``), the rest at their defaults;
        the big providers' built-in connect rates overridden or extended by the variable."""
        defaults = cls()
        return cls(
            idle_refresh_s=settings.idle_refresh_s,
            lease_ttl_s=settings.lease_ttl_s,
            reload_s=settings.reload_s,
            relist_s=settings.relist_s,
            catchup_concurrency=settings.catchup_concurrency,
            ca_file=settings.ca_file,
            connect_rate_per_server=settings.connect_rate,
            server_connect_rates={**defaults.server_connect_rates, **settings.server_connect_rates},
        )

    initial_sync_max: int = 1000  # a newly added mailbox: at most the newest N messages
    max_connections_per_server: int = 500  # sessions from this process to one host
    server_caps: dict[str, int] = field(default_factory=dict)  # per-host overrides of that
    # sessions per account (host + login); Gmail: 15 simultaneous IMAP connections per account
    account_caps: dict[str, int] = field(
        default_factory=lambda: {"imap.gmail.com": 15, "pop.gmail.com": 15}
    )
    # new connections per second per server (``pacing``): a tenant's own server gets the
    # default, the big providers more
    connect_rate_per_server: float = _ENV.connect_rate
    connect_burst: int = 20
    server_connect_rates: dict[str, float] = field(
        default_factory=lambda: {
            "imap.gmail.com": 50.0,
            "pop.gmail.com": 50.0,
            "outlook.office365.com": 50.0,
        }
    )
    # a UIDVALIDITY change voids every UID: re-read at most the newest N messages (the
    # pipeline's claims by Message-ID drop those already published)
    resync_max: int = 1000
    ca_file: Path | None = None
    thread_stack_kb: int = 512
    # the sessions' long-lived objects are frozen out of the garbage collector's full scans
    # once the connects are done (seen at the stale check), and thawed for one full
    # collection (reclaiming cycles among them) every heap_thaw_s or after a tenth of the
    # sessions changed (``heap``)
    heap_thaw_s: float = 6 * 3600.0
