"""Connection caps: how many sessions this process opens to one server and to one account.

- per server (host): a small hosting provider's IMAP server must not see hundreds of sockets
  from one client; overridable per host;
- per account (host + login): Gmail allows 15 simultaneous IMAP connections per account
  ("You have too many simultaneous connections", Gmail IMAP limits in the Google Workspace
  Admin help). Several mailboxes (folders) of one account share them; different accounts on
  the same host do not.

A session holds one slot of each from connect until it closes; a mailbox whose slot is taken
waits (stoppably) instead of connecting and being refused. Caps are per process: with leases
each mailbox is watched by one replica, so only one account's mailboxes spread over several
replicas could exceed an account cap.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from shared.domain.models import Mailbox


@dataclass(frozen=True)
class Slot:
    """One held connection slot; ``release()`` exactly once."""

    _server: threading.BoundedSemaphore
    _account: threading.BoundedSemaphore | None

    def release(self) -> None:
        if self._account is not None:
            self._account.release()
        self._server.release()


class ConnectionCaps:
    def __init__(
        self,
        per_server: int,
        *,
        server_overrides: Mapping[str, int] | None = None,
        per_account: Mapping[str, int] | None = None,
    ) -> None:
        if per_server < 1:
            raise ValueError("per_server must be at least 1")
        self._per_server = per_server
        self._server_overrides = {h.lower(): n for h, n in (server_overrides or {}).items()}
        self._per_account = {h.lower(): n for h, n in (per_account or {}).items()}
        self._servers: dict[str, threading.BoundedSemaphore] = {}
        self._accounts: dict[tuple[str, str], threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()  # workers look their semaphores up concurrently

    def _semaphores(
        self, mailbox: Mailbox
    ) -> tuple[threading.BoundedSemaphore, threading.BoundedSemaphore | None]:
        host = (mailbox.host or "").lower()
        with self._lock:
            server = self._servers.get(host)
            if server is None:
                limit = self._server_overrides.get(host, self._per_server)
                server = self._servers[host] = threading.BoundedSemaphore(limit)
            account: threading.BoundedSemaphore | None = None
            if host in self._per_account:
                key = (host, mailbox.login.lower())
                account = self._accounts.get(key)
                if account is None:
                    account = threading.BoundedSemaphore(self._per_account[host])
                    self._accounts[key] = account
        return server, account

    def acquire(self, mailbox: Mailbox, timeout_s: float) -> Slot | None:
        """A slot for one session of ``mailbox``, or None if none freed up within
        ``timeout_s`` (the caller checks whether it should stop and asks again)."""
        server, account = self._semaphores(mailbox)
        # the account first: a mailbox waiting for its account must not hold a server slot
        # that another account could use
        if account is not None and not account.acquire(timeout=timeout_s):
            return None
        if not server.acquire(timeout=timeout_s):
            if account is not None:
                account.release()
            return None
        return Slot(server, account)
