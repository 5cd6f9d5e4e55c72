"""The watcher against the real Dovecot: polling without IDLE, a per-server connection cap,
and mailboxes added, changed and disabled while it runs."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from imapclient import IMAPClient

from shared.domain.models import Health, MailboxState
from shared.ids import MailboxId, TenantId
from tests.integration.watcher.conftest import FAST, Rig, message, wait_for

pytestmark = pytest.mark.integration
ACME = TenantId("acme")


def health(rig: Rig, mailbox_id: str) -> Health:
    return rig.state.get_health(ACME, MailboxId(mailbox_id), datetime.now(UTC))


def append_as(rig: Rig, user: str, password: str, raw: bytes, folder: str = "INBOX") -> None:
    with IMAPClient("127.0.0.1", port=rig.dovecot.imap_port, ssl=False, timeout=10) as c:
        c.login(user, password)
        c.append(folder, raw)


def test_polling_when_idle_is_off(rig: Rig, running: Any) -> None:
    """The path a server without the IDLE capability takes (RFC 2177 is an extension)."""
    rig.add_mailbox(idle=False, poll_interval_s=5)
    running(rig.watcher())
    wait_for(lambda: health(rig, "booking").state is MailboxState.POLLING, what="polling")
    rig.append(message("polled"))
    wait_for(lambda: rig.subjects() == ["polled"], what="the event from the next poll")
    assert health(rig, "booking").last_doorbell_at is None  # no IDLE, so no doorbell


def test_a_per_server_cap_holds_the_next_mailbox_until_a_slot_frees(rig: Rig, running: Any) -> None:
    second_user, second_password = f"u{uuid.uuid4().hex[:10]}@agency.example", uuid.uuid4().hex
    rig.dovecot.add_user(second_user, second_password)
    rig.add_mailbox(id=MailboxId("first"))
    rig.add_mailbox(id=MailboxId("second"), address=second_user, password=second_password)
    running(rig.watcher(options=replace(FAST, server_caps={"127.0.0.1": 1})))

    # one of the two gets the only slot and IDLEs; the other waits and says why
    def split() -> tuple[str, str] | None:
        states = {m: health(rig, m) for m in ("first", "second")}
        idle = [m for m, h in states.items() if h.state is MailboxState.IDLE]
        waiting = [m for m, h in states.items() if "connection cap" in (h.last_error or "")]
        return (idle[0], waiting[0]) if idle and waiting else None

    holder, waiter = wait_for(split, what="one mailbox idle, the other waiting for the cap")
    users = {"first": (rig.user, rig.password), "second": (second_user, second_password)}
    append_as(rig, *users[holder], message(f"to {holder}"))
    append_as(rig, *users[waiter], message(f"to {waiter}"))
    wait_for(lambda: f"to {holder}" in rig.subjects(), what="the connected mailbox's event")
    assert f"to {waiter}" not in rig.subjects()  # no session, no event: the cap holds
    assert health(rig, waiter).last_connect_at is None

    rig.admin.set_enabled(ACME, MailboxId(holder), False, actor="test")
    wait_for(lambda: f"to {waiter}" in rig.subjects(), what="the waiting mailbox's catch-up")
    wait_for(lambda: health(rig, holder).state is MailboxState.DISABLED, what="disabled")
    assert sorted(rig.subjects()) == sorted([f"to {holder}", f"to {waiter}"])


def test_mailboxes_added_and_changed_while_running_are_picked_up(rig: Rig, running: Any) -> None:
    watcher = running(rig.watcher())
    wait_for(lambda: watcher.lease_renewals >= 1, what="the watcher to be up")
    assert watcher.watched == []
    rig.add_mailbox()  # added while running
    rig.append(message("first"))
    wait_for(lambda: rig.subjects() == ["first"], what="the new mailbox's event")

    with IMAPClient("127.0.0.1", port=rig.dovecot.imap_port, ssl=False, timeout=10) as c:
        c.login(rig.user, rig.password)
        c.create_folder("Stopsale")
    rig.add_mailbox(folder="Stopsale")  # changed: another folder, another UID space
    rig.append(message("in stopsale"), folder="Stopsale")
    wait_for(lambda: rig.subjects() == ["first", "in stopsale"], what="the changed folder")
    assert watcher.watched == ["acme/booking"]
    # the event is on the topic a moment before the cursor's compare-and-set (hand-off order)
    cursor = wait_for(
        lambda: (
            (c := rig.state.get_cursor(ACME, MailboxId("booking")).value).get("last_uid") == 1
            and c.get("folder") == "Stopsale"
            and c
        ),
        what="the cursor to move past the message in the new folder",
    )
    assert cursor["folder"] == "Stopsale"
    assert cursor["last_uid"] == 1
