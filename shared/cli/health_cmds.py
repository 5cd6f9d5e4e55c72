"""``mailingest health``: every mailbox's health in a table (or one JSON object each), answered
within a bound whatever the store does."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from shared.domain.health import ago
from shared.ids import TenantId
from shared.ports import StateStore

T = TypeVar("T")


def register(sub: Any) -> None:
    p = sub.add_parser("health", help="a table of every mailbox's health (or one tenant's)")
    p.add_argument("--tenant", help="only this tenant")
    p.add_argument("--json", action="store_true", help="one JSON object per mailbox")
    p.set_defaults(handler=health)


# `mailingest health` answers within this, whatever the store does (an operator looks at it
# most when something is wrong)
HEALTH_ANSWER_S = 5.0


def health(args: argparse.Namespace) -> int:
    from shared.errors import ServiceUnavailable

    try:
        rows = read_within(lambda: _health_rows(args))
    except ServiceUnavailable as exc:
        print(f"store unreachable: {exc}", file=sys.stderr)
        return 3
    if args.json:
        for row in rows:
            print(json.dumps(row, default=str))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} mailboxes")
    for column in (
        "tenant",
        "mailbox",
        "provider",
        "state",
        "last sync",
        "24h",
        "errors",
        "review",
        "pending",
        "stale",
        "last error",
    ):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r["tenant"]),
            str(r["mailbox"]),
            str(r["provider"]),
            str(r["state"]),
            str(r["last_sync"]),
            str(r["processed_24h"]),
            str(r["errors_24h"]),
            str(r["needs_review_24h"]),
            f"{r['pending']} ({r['pending_counted']})" if r["pending_at"] else str(r["pending"]),
            "STALE" if r["stale"] else "",
            str(r["last_error"]),
        )
    Console(width=160).print(table)
    return 0


def read_within(read: Callable[[], T], seconds: float = HEALTH_ANSWER_S) -> T:
    """``read()`` on a thread of its own, waited for at most ``seconds``: a dead store raises
    only after its own timeout (a Firestore client's retries take 19 s and more), which is not
    waited for. Raises ``StoreUnavailable`` then, and what ``read`` raised otherwise."""
    from shared.errors import StoreUnavailable

    outcome: list[T | BaseException] = []

    def run() -> None:
        try:
            outcome.append(read())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome.append(exc)

    reader = threading.Thread(target=run, name="health-read", daemon=True)
    reader.start()
    reader.join(seconds)
    if not outcome:
        raise StoreUnavailable(
            f"Firestore did not answer within {seconds:g} s; "
            "nothing is known of the mailboxes' health from here"
        )
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _health_rows(args: argparse.Namespace) -> list[dict[str, Any]]:
    from shared.bootstrap import build_app

    app = build_app()
    tenant = TenantId(args.tenant) if args.tenant else None
    return health_rows(app.state, app.clock.now(), app.settings.watcher.idle_refresh_s, tenant)


def health_rows(
    state: StateStore, now: datetime, idle_refresh_s: int, tenant: TenantId | None = None
) -> list[dict[str, Any]]:
    """One row per mailbox, as ``mailingest health --json`` prints them: the state and stale
    as a person reads them (``health_view``: the leases looked at too, so a dead watcher
    reads "no watcher" rather than what it wrote last)."""
    from shared.service.health_view import held_keys, stale, state_word

    rows = []
    mailboxes = state.list_mailboxes(tenant)
    held = held_keys(state, now)  # who watches what: a dead watcher writes nothing more
    for m in mailboxes:
        h = state.get_health(m.tenant_id, m.id, now)
        rows.append(
            {
                "tenant": m.tenant_id,
                "mailbox": m.id,
                "provider": m.provider.value,
                "state": state_word(m, h, held),
                "last_sync": ago(h.last_sync_at, now),
                "processed_24h": h.processed_24h,
                "errors_24h": h.errors_24h,
                "needs_review_24h": h.needs_review_24h,
                "pending": h.pending if h.pending is not None else "-",
                "pending_at": h.pending_at,  # when the server was last asked
                "pending_counted": ago(h.pending_at, now) if h.pending_at else "-",
                "stale": stale(h, m, now, idle_refresh_s, held),
                "last_error": (h.last_error or "")[:60],
                "last_error_at": h.last_error_at,
            }
        )
    return rows
