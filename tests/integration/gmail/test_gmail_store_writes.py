"""What a Gmail sync costs in Firestore writes, counted as billed on the emulator: a push
that brings one message writes its claim and summary, and once per sync the cursor, the
health and the sync's lease (taken, released) — nothing per step; a push that brings
nothing for the label (a message read) writes the cursor and the health, no lease."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bootstrap import build_gmail
from shared.domain.models import Mailbox, MailboxState
from tests.integration.gmail.gmail_parts import EMAIL, MAILBOX, TENANT, Gmail
from tests.integration.push_writes import counted, per_sync

pytestmark = pytest.mark.integration

ONCE = {"cursor": 1, "health": 1, "lease": 1, "lease released": 1, "other": 0}


def _stored(gmail: Gmail) -> Mailbox:
    """The mailbox as the push function reads it (its label ids resolved by the watch)."""
    return gmail.app.state.get_mailbox(TENANT, MAILBOX)


def test_a_push_with_one_message_writes_six_documents(gmail: Gmail, firestore_client: Any) -> None:
    app, log = counted(firestore_client)
    sync = build_gmail(app).sync
    for n in range(3):
        gmail_id = gmail.insert(n)
        log.clear()
        requests = gmail.standin.request_count()
        assert sync.sync(_stored(gmail)).new_messages == 1
        assert per_sync(log) == {"claim": 1, "summary": 1, **ONCE}, gmail_id
        # the history read before the lease is the one handed off: history + batch
        assert gmail.standin.request_count() - requests == 2
    assert gmail.cursor()["history_id"] == str(gmail.history_id)
    health = app.state.get_health(TENANT, MAILBOX, app.clock.now())
    assert (health.state, health.processed_24h, health.pending) == (MailboxState.IDLE, 3, 0)


def test_a_burst_writes_the_cursor_and_health_once(gmail: Gmail, firestore_client: Any) -> None:
    app, log = counted(firestore_client)
    ids = [gmail.insert(n) for n in range(30)]
    assert build_gmail(app).sync.sync(_stored(gmail)).new_messages == 30
    assert per_sync(log) == {"claim": 30, "summary": 30, **ONCE}
    assert len(log.writes) == 2 * 30 + 4
    assert gmail.event_ids(30) == gmail.expected(ids)


NOTHING = {"claim": 0, "summary": 0, "lease": 0, "lease released": 0, "other": 0}


def test_nothing_new_writes_the_health_alone(gmail: Gmail, firestore_client: Any) -> None:
    """The safety-net resync of a mailbox with nothing new: no lease, no cursor write."""
    app, log = counted(firestore_client)
    assert build_gmail(app).sync.sync(_stored(gmail)).new_messages == 0
    assert per_sync(log) == {**NOTHING, "cursor": 0, "health": 1}


def test_a_push_for_a_message_read_writes_the_cursor_and_health(
    gmail: Gmail, firestore_client: Any
) -> None:
    app, log = counted(firestore_client)
    sync = build_gmail(app).sync
    message = gmail.insert(1)
    assert sync.sync(_stored(gmail)).new_messages == 1
    log.clear()
    gmail.standin.relabel(EMAIL, message, remove=("UNREAD",), notify=False)  # read in Gmail
    assert sync.sync(_stored(gmail), upto=str(gmail.history_id)).new_messages == 0
    assert per_sync(log) == {**NOTHING, "cursor": 1, "health": 1}
    assert gmail.cursor()["history_id"] == str(gmail.history_id)
    assert gmail.event_ids(1) == gmail.expected([message])  # and nothing more
