"""A Graph message over ``MAILINGEST_MAX_MESSAGE_BYTES`` through the whole sync, on the
stand-ins and the emulators: its MIME is read only up to the limit + 1 byte and it becomes
the one event that says it is over the limit; the cursor moves on."""

from __future__ import annotations

import json
import os

import pytest

from shared.bootstrap import build_app, build_graph
from tests.integration.graph.conftest import MAILBOX, TENANT, USER, GraphEnv

pytestmark = [pytest.mark.integration, pytest.mark.slow]
LIMIT = 4096


def test_a_message_over_the_limit_is_read_to_the_limit_and_published_as_over_it(
    graph: GraphEnv,
) -> None:
    os.environ["MAILINGEST_MAX_MESSAGE_BYTES"] = str(LIMIT)  # restored by the autouse fixture
    sync = build_graph(build_app()).sync
    big = graph.message(USER, 1) + b"x" * (50 * LIMIT)
    big_id = graph.local.graph.deliver(USER, big, notify=False)
    small_id = graph.local.graph.deliver(USER, graph.message(USER, 2), notify=False)
    assert sync.sync(graph.mailbox).new_messages == 2
    events = {}
    for data, attrs in graph.events.iter(max_events=2, timeout_s=60):
        events[attrs["event_id"]] = json.loads(data)
    over, fine = (events[i] for i in graph.expected([big_id, small_id]))
    assert f"exceeds the {LIMIT}-byte limit ({LIMIT + 1} bytes or more)" in over["error"]
    assert "error" not in fine or not fine["error"]
    assert graph.app.state.get_cursor(TENANT, MAILBOX).value["delta_link"]
    assert sync.sync(graph.mailbox).new_messages == 0  # passed, not fetched again
