"""What a push provider's sync writes to Firestore, counted as billed (the emulator's commit
RPC): shared by the Gmail and Graph cost scenarios."""

from __future__ import annotations

from typing import Any
from unittest import mock

from mailingest_dev.store_writes import WriteLog, log_writes
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import App, build_app

CURSOR = "tenants/mailboxes/state"
CLAIMS = "dedupe"
SUMMARIES = "tenants/events"
LEASES = "leases"


def counted(client: Any) -> tuple[App, WriteLog]:
    """The app as the environment configures it, its state on ``client``, whose writes are
    logged from now on."""
    state = FirestoreStateStore(client, SystemClock())
    with mock.patch("shared.bootstrap.build_state", return_value=state):
        app = build_app()
    return app, log_writes(client)


def per_sync(log: WriteLog) -> dict[str, int]:
    """One sync's writes by what they are."""
    return {
        "claim": len(log.to(CLAIMS)),
        "summary": len(log.to(SUMMARIES)),
        "cursor": len(log.to(CURSOR, "cursor")),
        "health": len(log.to(CURSOR, "health")),
        "lease": len([w for w in log.to(LEASES) if w.kind == "set"]),
        "lease released": len([w for w in log.to(LEASES) if w.kind == "delete"]),
        "other": len(log.writes)
        - len(log.to(CLAIMS))
        - len(log.to(SUMMARIES))
        - len(log.to(CURSOR))
        - len(log.to(LEASES)),
    }
