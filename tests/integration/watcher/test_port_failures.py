"""Messages the watcher cannot hand off, against the real Dovecot and Firestore emulator.

A port failing under the watcher (Cloud Storage answering 403 through the official client)
hands nothing off: the message stays on the real Dovecot server even with after-action
``delete``, the cursor does not move, nothing is dead-lettered without a raw copy, the
mailbox's health shows the error, and the other mailboxes carry on."""

from __future__ import annotations

import dataclasses
import json
import logging
import uuid
from datetime import timedelta
from typing import Any

import pytest
from imapclient import IMAPClient

from shared.adapters.blobs import GcsBlobStore
from shared.adapters.memory_sinks import InMemoryBlobStore
from shared.adapters.system_clock import SystemClock
from shared.bootstrap import mail_sources
from shared.domain.models import AfterProcessing, MailboxState
from shared.errors import ClaimBusy
from shared.ids import MailboxId, TenantId
from shared.ports import ClaimOutcome
from shared.service.credentials import PasswordCredentialProvider
from shared.service.health import is_stale
from shared.service.ingest import IngestPipeline
from shared.service.watcher import Watcher
from tests.fakes.gcs_server import gcs_stand_in, official_client
from tests.integration.watcher.conftest import FAST, Rig, message, wait_for

pytestmark = pytest.mark.integration


def _server_uids(port: int, user: str, password: str) -> list[int]:
    with IMAPClient("127.0.0.1", port=port, ssl=False, timeout=10) as c:
        c.login(user, password)
        c.select_folder("INBOX", readonly=True)
        return list(c.search(["ALL"]))


def test_a_gcs_403_deletes_nothing_moves_no_cursor_and_other_mailboxes_carry_on(
    rig: Rig, running: Any
) -> None:
    tenant = TenantId("acme")
    forbidden = {f"raw/{tenant}/booking/"}  # only this mailbox's raw copies are refused
    with gcs_stand_in(forbidden) as endpoint:
        clock = SystemClock()
        blobs = GcsBlobStore("raw-mime", client=official_client(endpoint), timeout_s=10)
        pipeline = IngestPipeline(rig.state, rig.sink, blobs, clock, holder="w1")
        booking = rig.add_mailbox(after_processing=AfterProcessing.DELETE)
        other_user, other_password = f"o{uuid.uuid4().hex[:10]}@agency.example", uuid.uuid4().hex
        rig.dovecot.add_user(other_user, other_password)
        rig.add_mailbox(id=MailboxId("other"), address=other_user, password=other_password)
        rig.append(message("kept on the server"))
        with IMAPClient("127.0.0.1", port=rig.dovecot.imap_port, ssl=False, timeout=10) as c:
            c.login(other_user, other_password)
            c.append("INBOX", message("other mailbox"))
        watcher = Watcher(
            rig.state,
            pipeline,
            PasswordCredentialProvider(rig.secrets),
            clock,
            holder="w1",
            sources=mail_sources(FAST, allow_private_hosts=True),
            options=FAST,
        )
        running(watcher)

        def refused() -> bool:
            health = rig.state.get_health(tenant, booking.id, clock.now())
            return health.state is MailboxState.BACKOFF and "blob store" in (
                health.last_error or ""
            )

        wait_for(refused, what="the booking mailbox's health to show the blob store error")
        wait_for(lambda: rig.subjects() == ["other mailbox"], what="the other mailbox's event")
        # several retries have run by now (backoff at most 1 s): still nothing handed off
        wait_for(
            lambda: rig.state.get_health(tenant, booking.id, clock.now()).errors_24h >= 3,
            what="three failed sessions",
        )
        assert _server_uids(rig.dovecot.imap_port, rig.user, rig.password) != []
        assert rig.state.get_cursor(tenant, booking.id).value == {}
        assert rig.state.list_dead_letters(tenant) == []
        assert rig.subjects() == ["other mailbox"]

        forbidden.clear()  # the bucket's IAM is fixed: the next retry delivers, then deletes
        wait_for(
            lambda: sorted(rig.subjects()) == ["kept on the server", "other mailbox"],
            what="the message delivered once the bucket accepts it",
        )
        wait_for(
            lambda: _server_uids(rig.dovecot.imap_port, rig.user, rig.password) == [],
            what="the message deleted after its event",
        )
        event = json.loads(rig.sink.messages[-1].data)
        assert blobs.get_blob(event["raw_ref"]).startswith(b"From: Hotel")


class _HeldElsewhere(IngestPipeline):
    """Every message is claimed by another live worker that never finishes."""

    def ingest(self, mailbox: Any, provider_message_id: str, raw: bytes, **kw: Any) -> Any:
        raise ClaimBusy("event is being processed by another worker")

    def claim_staged(self, staged: Any, lease: Any) -> Any:
        return [ClaimOutcome.BUSY] * len(staged)  # a catch-up batch's claims


def test_messages_held_back_show_as_pending_and_the_watcher_logs_the_mailbox_stale(
    rig: Rig, running: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """During a 356 s stall the health said `backoff`, pending 0, stale
    false, and no alert fired."""
    caplog.set_level(logging.INFO, logger="shared.service.watcher.watcher")
    clock = SystemClock()
    mailbox = rig.add_mailbox()
    rig.append(message("held one"))
    rig.append(message("held two"))
    pipeline = _HeldElsewhere(rig.state, rig.sink, InMemoryBlobStore(), clock, holder="w1")
    options = dataclasses.replace(FAST, stuck_after_s=1.0, busy_retry_s=0.2)
    running(
        Watcher(
            rig.state,
            pipeline,
            PasswordCredentialProvider(rig.secrets),
            clock,
            holder="w1",
            sources=mail_sources(options, allow_private_hosts=True),
            options=options,
        )
    )
    wait_for(
        lambda: any(r.getMessage() == "mailbox stale" for r in caplog.records),
        what='the watcher to log "mailbox stale"',
    )
    health = rig.state.get_health(mailbox.tenant_id, mailbox.id, clock.now())
    assert health.pending == 2  # what waits on the server
    assert health.state is not MailboxState.BACKOFF  # not a connection problem
    assert is_stale(health, mailbox, clock.now(), 300, stuck_after=timedelta(seconds=1))
    assert rig.subjects() == []
