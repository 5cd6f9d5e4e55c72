"""The watcher against the real Dovecot: IDLE delivery, catch-up, reconnects, bad passwords,
UIDVALIDITY changes and after-processing actions."""

from __future__ import annotations

from typing import Any

import pytest
from imapclient import IMAPClient

from shared.domain.models import AfterProcessing, MailboxState, TlsMode
from tests.integration.watcher.conftest import Rig, message, wait_for

pytestmark = pytest.mark.integration


def test_a_new_message_arrives_through_idle_exactly_once(rig: Rig, running: Any) -> None:
    rig.add_mailbox()
    watcher = running(rig.watcher())
    wait_for(lambda: watcher.watched == ["acme/booking"], what="the mailbox to be watched")
    wait_for(
        lambda: (
            rig.state.get_health(rig.mailbox.tenant_id, rig.mailbox.id, _now()).state
            is MailboxState.IDLE
        ),
        what="IDLE",
    )
    rig.append(message("Rezervasyon Onayı 1"))
    wait_for(lambda: rig.subjects() == ["Rezervasyon Onayı 1"], what="the event")
    wait_for(
        lambda: (
            rig.state.get_cursor(rig.mailbox.tenant_id, rig.mailbox.id).value.get("last_uid") == 1
        ),
        what="the cursor to move past the message",
    )
    # the doorbell and the message counted: reported apart (the doorbell before the
    # message is fetched), each flushed within a second of its report
    health = wait_for(
        lambda: (
            (
                h := rig.state.get_health(rig.mailbox.tenant_id, rig.mailbox.id, _now())
            ).last_doorbell_at
            and h.processed_24h
            and h
        ),
        what="the doorbell and the message in health (flushed once a second)",
    )
    assert health.processed_24h == 1


def test_catch_up_after_the_watcher_was_down(rig: Rig, running: Any) -> None:
    rig.add_mailbox()
    for i in range(3):
        rig.append(message(f"before {i}"))
    running(rig.watcher())
    wait_for(lambda: len(rig.subjects()) == 3, what="three catch-up events")
    assert rig.subjects() == ["before 0", "before 1", "before 2"]


def test_survives_a_dovecot_restart_and_a_killed_session(rig: Rig, running: Any) -> None:
    rig.add_mailbox()
    running(rig.watcher())
    rig.append(message("one"))
    wait_for(lambda: rig.subjects() == ["one"], what="first event")
    rig.dovecot.restart()
    rig.append(message("two"))
    wait_for(lambda: rig.subjects() == ["one", "two"], what="event after restart")
    rig.dovecot.kill_sessions(rig.user)
    rig.append(message("three"))
    wait_for(lambda: rig.subjects() == ["one", "two", "three"], what="event after kick")


def test_a_wrong_password_is_auth_error_and_the_others_carry_on(rig: Rig, running: Any) -> None:
    from shared.ids import MailboxId

    rig.add_mailbox(id=MailboxId("broken"), password="wrong-password")
    rig.add_mailbox()  # a good one beside it
    running(rig.watcher())
    rig.append(message("still flowing"))
    wait_for(lambda: rig.subjects() == ["still flowing"], what="the good mailbox's event")
    health = wait_for(
        lambda: (
            (h := rig.state.get_health(rig.mailbox.tenant_id, MailboxId("broken"), _now())).state
            is MailboxState.AUTH_ERROR
            and h
        ),
        what="auth_error",
    )
    assert "refused" in (health.last_error or "")
    assert rig.password not in (health.last_error or "")


def test_uidvalidity_change_resyncs_without_publishing_twice(rig: Rig, running: Any) -> None:
    rig.add_mailbox()
    running(rig.watcher())
    rig.append(message("kept", "<kept@hotel.example>"))
    wait_for(lambda: rig.subjects() == ["kept"], what="first event")
    # Recreate the folder's identity: Dovecot keeps UIDVALIDITY in dovecot-uidlist
    maildir = rig.dovecot.maildir(rig.user)
    rig.dovecot.kill_sessions(rig.user)
    uidlist = maildir / "dovecot-uidlist"
    lines = uidlist.read_text().splitlines()
    # header line "3 V<uidvalidity> N<next uid> G<guid>": a new V is a new folder identity
    lines[0] = " ".join(
        f"V{int(tok[1:]) + 1000}" if tok.startswith("V") else tok for tok in lines[0].split()
    )
    uidlist.write_text("\n".join(lines) + "\n")
    rig.append(message("after change"))
    wait_for(lambda: "after change" in rig.subjects(), what="event after UIDVALIDITY change")
    assert rig.subjects().count("kept") == 1


def test_after_processing_mark_seen_and_delete(rig: Rig, running: Any) -> None:
    from shared.ids import MailboxId

    rig.add_mailbox(after_processing=AfterProcessing.DELETE)
    running(rig.watcher())
    rig.append(message("delete me"))
    wait_for(lambda: rig.subjects() == ["delete me"], what="event")
    with IMAPClient("127.0.0.1", port=rig.dovecot.imap_port, ssl=False, timeout=10) as c:
        c.login(rig.user, rig.password)
        wait_for(lambda: c.select_folder("INBOX")[b"EXISTS"] == 0, what="the message deleted")
    assert MailboxId("booking") == rig.mailbox.id


def test_tls_with_the_server_certificate(rig: Rig, running: Any, dovecot: Any) -> None:
    from shared.service.watcher import WatcherOptions
    from tests.integration.watcher.conftest import FAST

    rig.add_mailbox(port=dovecot.imaps_port, tls=TlsMode.TLS, host="localhost")
    options = WatcherOptions(**{**FAST.__dict__, "ca_file": dovecot.ca_cert})
    running(rig.watcher(options=options))
    rig.append(message("over tls"))
    wait_for(lambda: rig.subjects() == ["over tls"], what="event over TLS")


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_starttls_and_move_after_processing(rig: Rig, running: Any, dovecot: Any) -> None:
    from shared.service.watcher import WatcherOptions
    from tests.integration.watcher.conftest import FAST

    with IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=10) as c:
        c.login(rig.user, rig.password)
        c.create_folder("Processed")
    rig.add_mailbox(
        host="localhost",
        tls=TlsMode.STARTTLS,
        after_processing=AfterProcessing.MOVE,
        move_to="Processed",
    )
    options = WatcherOptions(**{**FAST.__dict__, "ca_file": dovecot.ca_cert})
    running(rig.watcher(options=options))
    rig.append(message("move me"))
    wait_for(lambda: rig.subjects() == ["move me"], what="event over STARTTLS")
    with IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=10) as c:
        c.login(rig.user, rig.password)
        wait_for(lambda: c.select_folder("Processed")[b"EXISTS"] == 1, what="moved")
        assert c.select_folder("INBOX")[b"EXISTS"] == 0


def test_mark_seen_after_processing(rig: Rig, running: Any) -> None:
    rig.add_mailbox(after_processing=AfterProcessing.MARK_SEEN)
    rig.append(message("seen me"))
    running(rig.watcher())
    wait_for(lambda: rig.subjects() == ["seen me"], what="event")
    with IMAPClient("127.0.0.1", port=rig.dovecot.imap_port, ssl=False, timeout=10) as c:
        c.login(rig.user, rig.password)
        c.select_folder("INBOX", readonly=True)
        wait_for(lambda: c.search(["SEEN"]) == [1], what="the message flagged \\Seen")


def test_a_watcher_stops_at_once_although_its_idle_waits_last_until_the_refresh(
    rig: Rig,
) -> None:
    """An IDLE wait no longer wakes every few seconds to look at a stop
    flag — it lasts until the refresh (10 min here); stop() interrupts it (the socket is
    shut down under it) and nothing is reported as a failure."""
    import dataclasses
    import threading

    from tests.integration.watcher.conftest import FAST

    rig.add_mailbox()
    options = dataclasses.replace(FAST, idle_refresh_s=600, idle_check_s=600)
    watcher = rig.watcher(options=options)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        wait_for(
            lambda: (
                rig.state.get_health(rig.mailbox.tenant_id, rig.mailbox.id, _now()).state
                is MailboxState.IDLE
            ),
            what="IDLE",
        )
        rig.append(message("Rezervasyon 7"))  # a doorbell still ends a long wait at once
        wait_for(lambda: rig.subjects() == ["Rezervasyon 7"], what="the event")
    finally:
        watcher.stop()
        thread.join(timeout=15)  # a bound well under the 600 s wait
    assert not thread.is_alive()
    health = rig.state.get_health(rig.mailbox.tenant_id, rig.mailbox.id, _now())
    assert health.errors_24h == 0
    assert health.last_error is None


def test_an_idle_refresh_reads_no_cursor_and_a_cursor_moved_elsewhere_is_read_again(
    rig: Rig, running: Any
) -> None:
    """The worker keeps the cursor it last read or wrote, so an IDLE
    refresh with nothing new reads nothing from the store. Should another writer move the
    cursor meanwhile, the compare-and-set notices: the worker reads it again and nothing is
    lost or published twice."""
    import dataclasses

    from tests.integration.watcher.conftest import FAST

    rig.add_mailbox()
    m = rig.mailbox
    running(rig.watcher(options=dataclasses.replace(FAST, idle_refresh_s=1)))
    rig.append(message("one"))
    wait_for(lambda: rig.subjects() == ["one"], what="first event")

    def last_sync() -> Any:
        return rig.state.get_health(m.tenant_id, m.id, _now()).last_sync_at

    def cursor_reads() -> int:
        return rig.state.reads.snapshot().get("get cursor", 0)

    seen = wait_for(last_sync, what="a sync in health")
    reads = cursor_reads()

    def after(earlier: Any) -> Any:
        later = last_sync()
        return later if later > earlier else None

    for _ in range(3):  # three refreshes, each a catch-up that found nothing new
        seen = wait_for(lambda: after(seen), what="a refresh")
    assert cursor_reads() == reads
    # another writer moves the cursor (same position, new version) under the worker
    cursor = rig.state.get_cursor(m.tenant_id, m.id)
    rig.state.compare_and_set_cursor(m.tenant_id, m.id, cursor.version, dict(cursor.value))
    reads = cursor_reads()
    rig.append(message("two"))
    wait_for(lambda: rig.subjects() == ["one", "two"], what="the second event")
    rig.append(message("three"))
    wait_for(lambda: rig.subjects() == ["one", "two", "three"], what="the third event")
    assert cursor_reads() > reads  # the conflict made the worker read it again
    # the cursor is written after the event is handed to the sink
    wait_for(
        lambda: rig.state.get_cursor(m.tenant_id, m.id).value["last_uid"] == 3,
        what="the cursor at the third message",
    )
    assert rig.subjects() == ["one", "two", "three"]  # nothing published twice
