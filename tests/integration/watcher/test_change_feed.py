"""The watcher learns of mailboxes added, changed, disabled and removed
from the Firestore listener (emulator), not by re-listing them: the safety re-list is an
hour away in these tests and never runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from imapclient import IMAPClient

from shared.domain.models import MailboxState
from shared.errors import NotFound
from shared.ids import MailboxId, TenantId
from tests.integration.watcher.conftest import FAST, Rig, message, wait_for

pytestmark = pytest.mark.integration
ACME = TenantId("acme")
NO_RELIST = replace(FAST, relist_s=3600, reload_s=30)  # nor a periodic reconcile


def state_of(rig: Rig, mailbox_id: str) -> MailboxState | None:
    try:
        return rig.state.get_health(ACME, MailboxId(mailbox_id), datetime.now(UTC)).state
    except NotFound:
        return None


def test_added_changed_disabled_and_removed_mailboxes_come_through_the_feed(
    rig: Rig, running: Any
) -> None:
    watcher = running(rig.watcher(options=NO_RELIST))
    wait_for(lambda: watcher.lease_renewals >= 1, what="the watcher to be up")
    assert watcher.watched == []

    rig.add_mailbox()  # added
    rig.append(message("first"))
    wait_for(lambda: rig.subjects() == ["first"], what="the added mailbox's event")
    assert watcher.watched == ["acme/booking"]

    with IMAPClient("127.0.0.1", port=rig.dovecot.imap_port, ssl=False, timeout=10) as c:
        c.login(rig.user, rig.password)
        c.create_folder("Stopsale")
    rig.add_mailbox(folder="Stopsale")  # changed: another folder
    rig.append(message("in stopsale"), folder="Stopsale")
    wait_for(lambda: rig.subjects() == ["first", "in stopsale"], what="the changed folder")

    rig.admin.set_enabled(ACME, MailboxId("booking"), False, actor="test")  # disabled
    wait_for(lambda: watcher.watched == [], what="the disabled mailbox to be let go")
    wait_for(lambda: state_of(rig, "booking") is MailboxState.DISABLED, what="shown disabled")
    assert rig.state.list_leases() == []  # released for good, not left to lapse
    rig.append(message("while disabled"), folder="Stopsale")

    rig.admin.set_enabled(ACME, MailboxId("booking"), True, actor="test")  # enabled again
    wait_for(
        lambda: rig.subjects() == ["first", "in stopsale", "while disabled"],
        what="the catch-up of the mailbox enabled again",
    )

    rig.admin.remove_mailbox(ACME, MailboxId("booking"), actor="test")  # removed
    wait_for(lambda: watcher.watched == [], what="the removed mailbox to be let go")
    wait_for(lambda: rig.state.list_leases() == [], what="its lease released")
    assert watcher.relists == 0  # all of it came through the listener
    assert rig.subjects() == ["first", "in stopsale", "while disabled"]
