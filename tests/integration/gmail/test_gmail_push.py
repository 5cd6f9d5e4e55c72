"""Gmail end to end on real local parts: the ``gmail_push`` function (functions-framework test
client), Firestore and Pub/Sub on their emulators, the Gmail API stand-in, pushes signed by a
local stand-in for Google's certificates. After each scenario the published event ids equal
the inserted messages exactly: 0 lost, 0 duplicated."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest

from mailingest_dev.standins.google_certs import GoogleCerts
from shared.bootstrap import build_gmail
from tests.integration.gmail.gmail_parts import AUDIENCE, EMAIL, MAILBOX, PUSH_SA, TENANT, Gmail

pytestmark = pytest.mark.integration


def test_pushes_without_a_valid_token_do_nothing(gmail: Gmail) -> None:
    gmail.insert(1)
    before = gmail.standin.request_count()
    forged = GoogleCerts()  # a key Google never published
    for token in (
        None,
        "not-a-jwt",
        forged.push_token(AUDIENCE, PUSH_SA),
        gmail.certs.push_token("https://someone-else.example", PUSH_SA),
        gmail.certs.push_token(AUDIENCE, "attacker@evil.example"),
        gmail.certs.push_token(AUDIENCE, PUSH_SA, email_verified=False),
        gmail.certs.push_token(AUDIENCE, PUSH_SA, iss="https://evil.example"),
    ):
        assert gmail.push(999, token=token).status_code == 401
    assert gmail.standin.request_count() == before  # no Gmail call was made
    assert gmail.event_ids(0) == []
    assert gmail.certs.fetches == 1  # certificates fetched once, not per push


def test_one_push_per_message_and_duplicated_reordered_late_pushes(gmail: Gmail) -> None:
    ids: list[str] = []
    for n in range(3):
        ids.append(gmail.insert(n))
        history = gmail.standin.accounts[EMAIL].history_id
        assert gmail.push(history).status_code == 200
    before = gmail.standin.request_count()
    assert gmail.push(history).status_code == 200  # a duplicate
    assert gmail.push(history - 2).status_code == 200  # late and out of order
    assert gmail.push(str(history)).status_code == 200  # historyId as a string
    assert gmail.standin.request_count() == before  # the cursor is past them: no Gmail call
    assert gmail.push(1, email="Nobody@Agency.example").status_code == 204  # unknown address
    assert gmail.event_ids(3) == gmail.expected(ids)
    cursor = gmail.app.state.get_cursor(TENANT, MAILBOX).value
    assert cursor["history_id"] == str(history)


def test_a_burst_is_fetched_in_batches_and_published_once(gmail: Gmail) -> None:
    ids = [gmail.insert(n) for n in range(100)]
    before = gmail.standin.request_count()
    assert gmail.push(gmail.standin.accounts[EMAIL].history_id).status_code == 200
    requests = gmail.standin.request_count() - before
    # history (1 page) + 10 batches of 10 (the size the strict stand-in serves unthrottled)
    assert requests == 11
    assert gmail.standin.throttled_parts == 0
    assert sorted(gmail.event_ids(100)) == sorted(gmail.expected(ids))


def test_an_expired_history_id_is_backfilled_without_duplicates(gmail: Gmail) -> None:
    first = [gmail.insert(n) for n in range(3)]
    assert gmail.push(gmail.standin.accounts[EMAIL].history_id).status_code == 200
    second = [gmail.insert(n) for n in range(3, 6)]
    gmail.standin.forget_history(EMAIL)  # the stored history id is now too old: 404
    assert gmail.push(gmail.standin.accounts[EMAIL].history_id).status_code == 200
    third = [gmail.insert(n) for n in range(6, 8)]
    assert gmail.push(gmail.standin.accounts[EMAIL].history_id).status_code == 200
    assert sorted(gmail.event_ids(8)) == sorted(gmail.expected(first + second + third))


def test_throttling_is_answered_with_retry_after_and_the_redelivery_completes(gmail: Gmail) -> None:
    ids = [gmail.insert(n) for n in range(2)]
    gmail.standin.throttle(1, retry_after_s=30)
    answer = gmail.push(gmail.standin.accounts[EMAIL].history_id)
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "30"
    assert gmail.app.state.get_cursor(TENANT, MAILBOX).value.get("history_id") != str(
        gmail.standin.accounts[EMAIL].history_id
    )
    assert gmail.push(gmail.standin.accounts[EMAIL].history_id).status_code == 200  # redelivery
    assert gmail.event_ids(2) == gmail.expected(ids)


def test_a_cloudevent_delivery_and_a_malformed_push(gmail: Gmail) -> None:
    gid = gmail.insert(1)
    note = json.dumps(
        {"emailAddress": EMAIL, "historyId": gmail.standin.accounts[EMAIL].history_id}
    )
    structured = {
        "specversion": "1.0",
        "type": "google.cloud.pubsub.topic.v1.messagePublished",
        "source": "//pubsub.googleapis.com/projects/demo-test/topics/gmail-push",
        "id": "1",
        "data": {"message": {"data": base64.b64encode(note.encode()).decode()}},
    }
    auth = {"Authorization": f"Bearer {gmail.certs.push_token(AUDIENCE, PUSH_SA)}"}
    assert gmail.http.post("/", json=structured, headers=auth).status_code == 200
    for junk in (b"not json", b'{"message": {"data": "!!!"}}', b'{"message": {}}', b"x" * 70_000):
        assert gmail.http.post("/", data=junk, headers=auth).status_code == 204  # never redelivered
    assert gmail.event_ids(1) == gmail.expected([gid])


def test_scheduled_renewal_and_safety_net_resync(gmail: Gmail) -> None:
    from shared.service.renewal import Renewal

    parts = build_gmail(gmail.app)
    renewal = Renewal(gmail.app.state, parts.sync, concurrency=4)
    assert renewal.renew() == {"mailboxes": 1, "not_due": 1}  # watch is 7 days out
    # pushes lost: the resync alone delivers
    ids = [gmail.insert(n) for n in range(4)]
    assert renewal.resync() == {"mailboxes": 1, "synced": 1}
    assert gmail.event_ids(4) == gmail.expected(ids)
    gmail.standin.accounts[EMAIL].watch = None
    cursor = gmail.app.state.get_cursor(TENANT, MAILBOX)
    gmail.app.state.compare_and_set_cursor(
        TENANT, MAILBOX, cursor.version, {**cursor.value, "watch_expiration_ms": 1}
    )
    assert renewal.renew() == {"mailboxes": 1, "renewed": 1}
    assert gmail.standin.accounts[EMAIL].watch is not None


def test_a_push_during_another_instances_sync_is_redelivered_not_lost(gmail: Gmail) -> None:
    from datetime import timedelta

    gid = gmail.insert(1)
    lease = f"gmail-sync/{gmail.mailbox.key}"
    assert gmail.app.state.try_acquire_lease(lease, "other-instance", timedelta(seconds=60))
    answer = gmail.push(gmail.standin.accounts[EMAIL].history_id)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    gmail.app.state.release_lease(lease, "other-instance")
    assert gmail.push(gmail.standin.accounts[EMAIL].history_id).status_code == 200
    assert gmail.event_ids(1) == gmail.expected([gid])


def test_disabling_stops_the_watch_and_enabling_starts_it_again(gmail: Gmail) -> None:
    gmail.app.admin.set_enabled(TENANT, MAILBOX, False, actor="ops@acme.example")
    assert gmail.standin.accounts[EMAIL].watch is None  # users.stop
    assert gmail.app.state.get_cursor(TENANT, MAILBOX).value["watch_expiration_ms"] == 0
    gid = gmail.insert(1)
    # a push for a disabled mailbox does nothing
    assert gmail.push(gmail.standin.accounts[EMAIL].history_id).status_code == 200
    assert gmail.event_ids(0) == []
    gmail.app.admin.set_enabled(TENANT, MAILBOX, True, actor="ops@acme.example")
    assert gmail.standin.accounts[EMAIL].watch is not None  # users.watch again
    assert gmail.push(gmail.standin.accounts[EMAIL].history_id).status_code == 200
    assert gmail.event_ids(1) == gmail.expected([gid])  # nothing lost while it was off
    actions = [(a.action, a.details.get("push")) for a in gmail.app.state.list_audit(TENANT)]
    assert actions[:2] == [("mailbox.enable", "started"), ("mailbox.disable", "stopped")]


def test_after_processing_marks_read_only_what_was_handed_off(gmail: Gmail) -> None:
    from shared.domain.models import AfterProcessing

    gmail.app.state.put_mailbox(
        gmail.mailbox.model_copy(update={"after_processing": AfterProcessing.MARK_SEEN})
    )
    first, second = gmail.insert(1), gmail.insert(2)
    assert gmail.push(gmail.standin.accounts[EMAIL].history_id).status_code == 200
    assert gmail.event_ids(2) == gmail.expected([first, second])
    labels = {m.id: m.labels for m in gmail.standin.accounts[EMAIL].messages.values()}
    for gid in (first, second):
        assert "UNREAD" not in labels[gid]  # marked read after hand-off
        assert "INBOX" in labels[gid]  # not moved
    later = gmail.insert(3)  # not yet synced: left unread
    assert "UNREAD" in gmail.standin.accounts[EMAIL].messages[later].labels


class _CountingBody(io.RawIOBase):
    """A request body of ``size`` bytes that counts what the function read of it."""

    def __init__(self, size: int) -> None:
        self.size, self.pos, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = offset if whence == 0 else self.size + offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readinto(self, buffer: Any) -> int:
        n = max(0, min(len(buffer), self.size - self.pos))
        buffer[:n] = b"x" * n
        self.pos += n
        self.read_bytes += n
        return n


def test_a_large_body_is_never_read_and_an_unsigned_one_not_at_all(gmail: Gmail) -> None:
    """A 40 MB body costs the function nothing: unsigned, it is refused before a byte is
    read; signed (Pub/Sub), its declared length is over the limit, so it is dropped unread."""
    signed = {"Authorization": f"Bearer {gmail.certs.push_token(AUDIENCE, PUSH_SA)}"}
    for headers, expected in (({}, 401), (signed, 204)):
        body = _CountingBody(40 * 1024 * 1024)
        answer = gmail.http.post("/", input_stream=body, headers=headers)
        assert answer.status_code == expected
        assert body.read_bytes == 0
    assert gmail.event_ids(0) == []
