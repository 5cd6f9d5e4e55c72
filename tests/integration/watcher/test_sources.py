"""The IMAP and POP3 mail sources (the ``MailSource`` port's adapters) against the real Dovecot:
what they list, fetch and announce, and that every vendor error leaves as ours."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC

import pytest

from shared.adapters.imap import ConnectOptions, ServerMailSources
from shared.domain.models import AfterProcessing, Provider
from shared.errors import ServiceUnavailable
from shared.ports import LoginCredentials, MailSource, SourcePosition
from tests.integration.watcher.conftest import Rig, message

pytestmark = pytest.mark.integration
Opener = Callable[..., MailSource]
START = SourcePosition()


@pytest.fixture
def open_source(rig: Rig) -> Iterator[Opener]:
    opened: list[MailSource] = []

    def open_(**kw: object) -> MailSource:
        mailbox = rig.add_mailbox(**kw)
        sources = ServerMailSources(ConnectOptions(allow_private_hosts=True, timeout_s=5))
        source = sources.open(mailbox, LoginCredentials(rig.user, rig.password))
        opened.append(source)
        return source

    yield open_
    for source in opened:
        source.close()


def test_imap_lists_above_the_cursor_only_and_fetches_without_seen(
    rig: Rig, open_source: Opener
) -> None:
    for i in range(3):
        rig.append(message(f"m{i}"))
    source = open_source()
    uidvalidity = source.select()
    assert uidvalidity > 0
    refs = source.changes_since(SourcePosition(last_uid=1))
    assert [r.uid for r in refs] == [2, 3]
    assert [r.size for r in refs] == [len(message("m1")), len(message("m2"))]  # RFC822.SIZE
    # RFC 3501: "4:*" still matches UID 3, the highest: it must not be listed again
    assert source.changes_since(SourcePosition(last_uid=3)) == []
    fetched = source.fetch_raw(refs)
    assert [m.ref for m in fetched] == refs
    assert b"Subject: m1" in fetched[0].raw
    received = fetched[0].received_at
    assert received is not None
    assert received.tzinfo is UTC  # INTERNALDATE made UTC-aware
    source.logout()
    from imapclient import IMAPClient

    with IMAPClient("127.0.0.1", port=rig.dovecot.imap_port, ssl=False, timeout=10) as c:
        c.login(rig.user, rig.password)
        c.select_folder("INBOX", readonly=True)
        assert c.search(["SEEN"]) == []  # BODY.PEEK[]


def test_imap_announces_a_message_in_idle_and_in_answers_to_commands(
    rig: Rig, open_source: Opener
) -> None:
    """imapclient's livetest ``test_idle``: one client idles, a second appends."""
    source = open_source()
    source.select()
    assert source.can_wait
    assert source.announced_new() is False
    assert source.wait_for_change(0.2) is False
    appender = threading.Thread(target=rig.append, args=(message("ring"),))
    appender.start()
    rang = any(source.wait_for_change(1.0) for _ in range(20))
    appender.join()
    assert rang
    # leaving IDLE for a command is the source's business
    assert [r.uid for r in source.changes_since(SourcePosition())] == [1]
    rig.append(message("while busy"))
    source.changes_since(SourcePosition(last_uid=1))  # any command sees the EXISTS
    assert source.announced_new() is True
    assert source.announced_new() is False  # reported once


def test_imap_after_action_delete_expunges_only_that_message(rig: Rig, open_source: Opener) -> None:
    rig.append(message("gone"))
    rig.append(message("stays"))
    source = open_source(after_processing=AfterProcessing.DELETE)
    source.select()
    first, second = source.changes_since(SourcePosition())
    source.apply_after_action(first)
    assert source.changes_since(SourcePosition()) == [second]


def test_imap_errors_after_login_are_ours(rig: Rig, open_source: Opener) -> None:
    source = open_source(folder="NoSuchFolder")
    with pytest.raises(ServiceUnavailable) as refused:  # a NO to SELECT
        source.select()
    assert refused.value.__cause__ is not None  # the vendor error is kept as the cause
    inbox = open_source(id="inbox")
    inbox.select()
    rig.dovecot.kill_sessions(rig.user)
    lost = _first_error(lambda: (inbox.wait_for_change(0.5), inbox.changes_since(START)))
    assert isinstance(lost, ServiceUnavailable), repr(lost)
    inbox.close()  # never raises on a dead connection


def test_pop3_lists_every_message_by_uidl_and_maps_errors(rig: Rig, open_source: Opener) -> None:
    rig.append(message("pop a"))
    rig.append(message("pop b"))
    source = open_source(id="pop", provider=Provider.POP3, port=rig.dovecot.pop3_port)
    assert source.select() == 0
    assert not source.can_wait
    refs = source.changes_since(SourcePosition(last_uid=5))  # no ordered ids: all of them
    assert [r.uid for r in refs] == [1, 2]
    assert [r.size for r in refs] == [len(message("pop a"))] * 2  # LIST, before any RETR
    assert len({r.name for r in refs}) == 2
    (fetched,) = source.fetch_raw(refs[1:])
    assert b"Subject: pop b" in fetched.raw
    rig.dovecot.kill_sessions(rig.user)
    lost = _first_error(lambda: source.changes_since(START))
    assert isinstance(lost, ServiceUnavailable), repr(lost)  # never poplib's error_proto


def _first_error(call: Callable[[], object], tries: int = 10) -> Exception:
    """What a dead session raises (a killed session is noticed a moment later)."""
    for _ in range(tries):
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - any type: the test is which one leaves
            return exc
        time.sleep(0.3)
    raise AssertionError("the killed session never failed")
