"""``mailingest health``: every mailbox's health in a table (or one JSON object each), answered
within a bound whatever the store does."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any

from shared.domain.health import ago
from shared.ids import TenantId


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

    outcome: list[list[dict[str, Any]] | BaseException] = []

    def read() -> None:  # a dead store raises only after its own timeout: not waited for
        try:
            outcome.append(_health_rows(args))
        except BaseException as exc:  # noqa: BLE001 - handed to the command's thread
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(HEALTH_ANSWER_S)
    if not outcome:
        print(
            f"store unreachable: Firestore did not answer within {HEALTH_ANSWER_S:g} s; "
            "nothing is known of the mailboxes' health from here",
            file=sys.stderr,
        )
        return 3
    rows = outcome[0]
    if isinstance(rows, ServiceUnavailable):
        print(f"store unreachable: {rows}", file=sys.stderr)
        return 3
    if isinstance(rows, BaseException):
        raise rows
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


def _health_rows(args: argparse.Namespace) -> list[dict[str, Any]]:
    from shared.bootstrap import build_app
    from shared.service.health_view import held_keys, stale, state_word

    app = build_app()
    now = app.clock.now()
    rows = []
    mailboxes = app.state.list_mailboxes(TenantId(args.tenant) if args.tenant else None)
    held = held_keys(app.state, now)  # who watches what: a dead watcher writes nothing more
    for m in mailboxes:
        h = app.state.get_health(m.tenant_id, m.id, now)
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
                "stale": stale(h, m, now, app.settings.watcher.idle_refresh_s, held),
                "last_error": (h.last_error or "")[:60],
            }
        )
    return rows
