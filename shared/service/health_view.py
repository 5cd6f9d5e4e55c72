"""How a mailbox's health reads to a person (the settings page, ``mailingest health``): a
mailbox the watcher (or the push) has not reported on yet is "not started", waiting for its
first report, not stale; it turns stale only when that wait is longer than a healthy watcher
ever takes (``stale_window``).

What the watcher wrote last is not always what happens now: a watcher killed writes nothing
more, so the reader also looks at the mailbox's lease (``held_keys``): an IMAP or POP3
mailbox whose lease lapsed with nobody holding it is "no watcher" and stale, even when every
watcher is dead. A mailbox reported idle (or polling, syncing) while messages wait on its
server reads "catching up N", never "idle"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from shared.domain.models import SERVER_PROVIDERS, Health, Lease, Mailbox, MailboxState, Member
from shared.service.health import is_stale, stale_window

NOT_STARTED = "not_started"
NO_WATCHER = "no watcher"
_RUNNING = {MailboxState.IDLE, MailboxState.POLLING, MailboxState.SYNCING}
_WORDS = {
    MailboxState.PUBLISHING_BLOCKED: "publishing blocked",
    MailboxState.STORE_UNREACHABLE: "store unreachable",
}


class LeaseReader(Protocol):
    def list_leases(self) -> list[Lease]: ...
    def live_members(self) -> list[Member]: ...


class OneLeaseReader(Protocol):
    def lease_held(self, name: str) -> bool: ...


def live_leases(leases: Iterable[Lease], members: Iterable[Member], now: datetime) -> set[str]:
    """The names of the leases someone holds: a timed one until it expires, a member lease
    while its holder's heartbeat is live."""
    live = {m.holder for m in members if m.expires_at > now}
    return {
        lease.name
        for lease in leases
        if (lease.expires_at > now if lease.expires_at is not None else lease.holder in live)
    }


def held_keys(store: LeaseReader, now: datetime) -> set[str]:
    """The keys (``Mailbox.key``, the lease name) of the mailboxes a live watcher holds: two
    listings, whatever the number of mailboxes."""
    return live_leases(store.list_leases(), store.live_members(), now)


def held_of(store: OneLeaseReader, mailbox: Mailbox, health: Health) -> set[str] | None:
    """``held_keys`` for one mailbox (the page's card): its lease read only where the answer
    can matter — an enabled IMAP/POP3 mailbox the watcher has reported on; else None (not
    looked at)."""
    if not (mailbox.enabled and mailbox.provider in SERVER_PROVIDERS and not not_started(health)):
        return None
    return {mailbox.key} if store.lease_held(mailbox.key) else set()


def unwatched(mailbox: Mailbox, health: Health, held: set[str] | None) -> bool:
    """An enabled IMAP or POP3 mailbox the watcher has reported on whose lease nobody holds
    (lapsed: its watcher died, or released); ``held`` None: not looked at."""
    return (
        held is not None
        and mailbox.enabled
        and mailbox.provider in SERVER_PROVIDERS
        and not not_started(health)
        and mailbox.key not in held
    )


def not_started(health: Health) -> bool:
    """No health report at all (the watcher, or the push, has not started on it)."""
    return health.updated_at is None


def stale(
    health: Health,
    mailbox: Mailbox,
    now: datetime,
    idle_refresh_s: int,
    held: set[str] | None = None,
) -> bool:
    """``is_stale``, or nobody holds it (``unwatched``); for a mailbox not started yet: only
    once it has waited for its first report longer than the stale window (a mailbox without
    a creation time: never)."""
    if unwatched(mailbox, health, held):
        return True
    if not not_started(health):
        return is_stale(health, mailbox, now, idle_refresh_s=idle_refresh_s)
    since = mailbox.created_at or mailbox.updated_at
    window = stale_window(mailbox, idle_refresh_s)
    return mailbox.enabled and since is not None and now - since > window


def state_word(mailbox: Mailbox, health: Health, held: set[str] | None = None) -> str:
    """The state column: ``disabled``, ``not started``, ``no watcher`` (``unwatched``),
    ``catching up N`` (running with N messages waiting on the server), or the reported
    state (``publishing blocked``, ``store unreachable``, ``backoff`` ...)."""
    if not mailbox.enabled:
        return "disabled"
    if not_started(health):
        return "not started"
    if unwatched(mailbox, health, held):
        return NO_WATCHER
    state = health.state
    if state in _RUNNING and health.pending:
        return f"catching up {health.pending}"
    return (_WORDS.get(state) or state.value) if state else "-"
