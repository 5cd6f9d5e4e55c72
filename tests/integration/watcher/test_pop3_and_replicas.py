"""POP3 polling with and without delete; replicas sharing mailboxes through leases, one of
them killed with SIGKILL mid-stream: nothing lost, nothing published twice."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from shared.domain.models import AfterProcessing, Provider
from shared.ids import MailboxId
from shared.service.watcher.spread import assign
from tests.fakes.raw_subscription import RawSubscription
from tests.integration.watcher.conftest import Rig, message, wait_for
from tests.integration.watcher.replicas import Replicas

pytestmark = pytest.mark.integration


def _pop3_rig(rig: Rig, **kw: Any) -> None:
    rig.add_mailbox(
        **{
            "id": MailboxId("pop"),
            "provider": Provider.POP3,
            "port": rig.dovecot.pop3_port,
            "poll_interval_s": 5,
            **kw,
        }
    )


def test_pop3_polls_and_dedupes_by_uidl(rig: Rig, running: Any) -> None:
    _pop3_rig(rig)
    rig.append(message("pop one"))
    running(rig.watcher())
    wait_for(lambda: rig.subjects() == ["pop one"], what="first POP3 event")
    rig.append(message("pop two"))
    wait_for(lambda: rig.subjects() == ["pop one", "pop two"], what="second poll")
    # left on the server, remembered by UIDL (the cursor moves right after the publish)
    wait_for(
        lambda: (
            rig.state.get_cursor(rig.mailbox.tenant_id, rig.mailbox.id).value["seen"]["count"] == 2
        ),
        what="both UIDLs in the cursor",
    )


def test_pop3_delete_after_processing(rig: Rig, running: Any) -> None:
    import poplib

    _pop3_rig(rig, after_processing=AfterProcessing.DELETE)
    rig.append(message("pop delete"))
    running(rig.watcher())
    wait_for(lambda: rig.subjects() == ["pop delete"], what="POP3 event")

    def server_count() -> int:
        pop = poplib.POP3("127.0.0.1", rig.dovecot.pop3_port, timeout=10)
        try:
            pop.user(rig.user)
            pop.pass_(rig.password)
            return int(pop.stat()[0])
        finally:
            pop.quit()

    wait_for(lambda: server_count() == 0, what="the message deleted on QUIT")


def test_sync_now_polls_a_pop3_mailbox_before_its_interval_is_up(rig: Rig, running: Any) -> None:
    """The settings page's "Sync now": with an hour between polls, a message delivered after
    the first poll is fetched at once when an admin asks, and only once."""
    _pop3_rig(rig, poll_interval_s=3600)
    rig.append(message("before"))
    running(rig.watcher())
    wait_for(lambda: rig.subjects() == ["before"], what="the first poll")
    rig.append(message("after"))
    with pytest.raises(AssertionError, match="timed out"):  # the next poll is an hour away
        wait_for(lambda: len(rig.subjects()) > 1, timeout=3, what="a poll nobody asked for")
    asked = rig.admin.request_sync(rig.mailbox.tenant_id, rig.mailbox.id, actor="admin@acme")
    assert asked.sync_requested_at is not None
    wait_for(lambda: rig.subjects() == ["before", "after"], what="the poll asked for")
    audit = rig.state.list_audit(rig.mailbox.tenant_id, 10)
    assert [e.action for e in audit if e.action == "mailbox.sync"] == ["mailbox.sync"]


@pytest.mark.slow
def test_two_replicas_one_sigkilled_mid_stream_loses_and_duplicates_nothing(
    rig: Rig, pubsub_emulator: str, tmp_path: Path
) -> None:
    """The owner is killed mid-stream with a message claimed and not yet published (it is
    held there, so the kill lands at that point every time, not by luck) and more queued
    behind it: the survivor takes the mailbox over and publishes each of them once."""
    topic = f"events-{uuid.uuid4().hex[:6]}"
    # every copy, duplicates included (EventTail would drop a repeated event id)
    raw = RawSubscription("demo-test", topic)
    rig.add_mailbox()
    secret_name = rig.mailbox.secret_ref
    assert secret_name is not None
    # the kill lands at the hold: no window before each publish is needed to catch one
    replicas = Replicas(topic, {secret_name: rig.password}, tmp_path, publish_delay_s=0)
    for name in ("replica-a", "replica-b"):
        replicas.start(name)
    try:
        # the mailbox settles on the replica the spread gives it to (the first one up may
        # take it and hand it over once it sees the other)
        owner = assign([rig.mailbox.key], ["replica-a", "replica-b"])[rig.mailbox.key]
        other = "replica-b" if owner == "replica-a" else "replica-a"
        wait_for(
            lambda: [x.holder for x in rig.state.list_leases()] == [owner],
            what="the mailbox on the replica the spread gives it to",
        )
        subjects = [f"m{i:03d}" for i in range(30)]
        for s in subjects[:5]:
            rig.append(message(s))
        # the owner publishes the first five and records them (their summaries stored: the
        # completion of their claims)
        assert len(raw.pull(until=5, timeout_s=60)) == 5, "the owner published nothing"
        wait_for(
            lambda: len(rig.state.list_event_summaries(rig.mailbox.tenant_id, 10)) == 5,
            what="the owner to record the first five",
        )
        replicas.hold(owner)
        for s in subjects[5:15]:
            rig.append(message(s))
        wait_for(lambda: replicas.holding(owner), what="the owner to claim the next one")
        replicas.kill(owner)  # mid-stream, no goodbye: m005 claimed, nothing of it sent
        for s in subjects[15:]:
            rig.append(message(s))
        wait_for(
            lambda: [x.holder for x in rig.state.list_leases()] == [other],
            timeout=60,
            what="the surviving replica to take the mailbox over (lease TTL 3 s)",
        )
        # a message the killed owner had claimed is free once its lease lapsed (3 s here)
        raw.pull(until=len(subjects), timeout_s=90)
        raw.pull(timeout_s=3)  # any twice?
        received = [json.loads(data)["subject"] for data, _ in raw.received]
        assert sorted(set(received)) == subjects  # nothing lost
        assert len(received) == len(set(received))  # nothing twice
    finally:
        replicas.close()
    assert rig.state.list_leases() == []  # SIGTERM released the lease at once
