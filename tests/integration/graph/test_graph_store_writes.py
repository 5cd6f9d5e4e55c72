"""What a Graph sync costs in Firestore writes, counted as billed on the emulator: a
notification that brings one message writes its claim and summary, and once per sync the
cursor (the new delta link), the health and the sync's lease (taken, released)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bootstrap import build_graph
from shared.domain.models import MailboxState
from tests.integration.graph.conftest import MAILBOX, TENANT, GraphEnv
from tests.integration.push_writes import counted, per_sync

pytestmark = pytest.mark.integration

ONCE = {"cursor": 1, "health": 1, "lease": 1, "lease released": 1, "other": 0}


def test_a_sync_with_one_message_writes_six_documents(
    graph: GraphEnv, firestore_client: Any
) -> None:
    app, log = counted(firestore_client)
    sync = build_graph(app).sync
    ids = []
    for n in range(3):
        ids.append(graph.deliver(n, notify=False))
        log.clear()
        assert sync.sync(graph.mailbox).new_messages == 1
        assert per_sync(log) == {"claim": 1, "summary": 1, **ONCE}
    assert graph.event_ids(3) == graph.expected(ids)
    health = app.state.get_health(TENANT, MAILBOX, app.clock.now())
    assert (health.state, health.processed_24h, health.pending) == (MailboxState.IDLE, 3, 0)


def test_a_burst_writes_the_cursor_and_health_once(graph: GraphEnv, firestore_client: Any) -> None:
    app, log = counted(firestore_client)
    ids = [graph.deliver(n, notify=False) for n in range(30)]
    assert build_graph(app).sync.sync(graph.mailbox).new_messages == 30
    assert per_sync(log) == {"claim": 30, "summary": 30, **ONCE}
    assert sorted(graph.event_ids(30)) == sorted(graph.expected(ids))
