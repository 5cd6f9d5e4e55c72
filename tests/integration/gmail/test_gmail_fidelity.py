"""Gmail scenarios on the strict stand-in (labels are ids, batch parts answer 429 on their own,
label changes write history, scopes enforced), with the real Firestore and Pub/Sub emulators.
After each, the published event ids equal the new messages exactly: 0 lost, 0 duplicated."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from mailingest_dev.standins.gmail_api import READ_ONLY
from shared.adapters.gmail import GoogleGmailApi
from shared.bootstrap import build_gmail
from shared.domain.models import AfterProcessing, Mailbox, MailboxState
from shared.service.gmail_labels import UnknownLabel
from shared.service.gmail_sync import GmailOptions, GmailSync
from shared.service.renewal import Renewal
from tests.integration.gmail.gmail_parts import EMAIL, MAILBOX, TENANT, Gmail

pytestmark = pytest.mark.integration
ALIAS = "reservations@agency.example"


def health_error(gmail: Gmail) -> str:
    return gmail.app.state.get_health(TENANT, MAILBOX, datetime.now(UTC)).last_error or ""


def test_a_label_given_by_name_is_watched_by_its_id(gmail: Gmail) -> None:
    label = gmail.standin.add_label(EMAIL, "Bookings")
    mailbox = gmail.reconnect(folder="Bookings")
    assert mailbox.folder_ids == {"Bookings": label}
    assert gmail.standin.accounts[EMAIL].watch["labelIds"] == [label]  # type: ignore[index]
    booked = [gmail.insert(n, labels=(label, "UNREAD")) for n in range(3)]
    gmail.insert(9)  # the inbox: not this mailbox's label
    assert gmail.push(gmail.history_id).status_code == 200
    assert sorted(gmail.event_ids(3)) == sorted(gmail.expected(booked))


def test_an_unknown_label_is_refused_on_connect_and_named(
    gmail: Gmail, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR), pytest.raises(UnknownLabel, match="'Rezervasyonlar'"):
        gmail.reconnect(folder="Rezervasyonlar")
    assert "'Rezervasyonlar'" in health_error(gmail)
    health = gmail.app.state.get_health(TENANT, MAILBOX, datetime.now(UTC))
    assert health.state is MailboxState.CONNECT_ERROR
    assert any("Rezervasyonlar" in getattr(r, "error", "") for r in caplog.records)
    gmail.insert(1)
    assert gmail.push(gmail.history_id).status_code == 200  # nothing to retry: health says it
    assert gmail.event_ids(0) == []


@pytest.mark.slow
@pytest.mark.timeout(300)  # 1,000 messages through the Firestore emulator's claims
def test_a_throttled_burst_of_1000_is_published_once(gmail: Gmail) -> None:
    ids = [gmail.insert(n) for n in range(1000)]
    gmail.standin.throttle_parts(300)  # besides the parts beyond 10 in a batch
    before = gmail.standin.request_count()
    answer = gmail.push(gmail.history_id)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert sorted(gmail.event_ids(1000)) == sorted(gmail.expected(ids))
    assert gmail.standin.throttled_parts >= 300
    assert gmail.standin.request_count() - before <= 200  # ≤ 0.2 requests per message
    assert gmail.cursor()["history_id"] == str(gmail.history_id)


def test_a_sync_stopped_by_a_failing_part_resumes_where_it_stopped(gmail: Gmail) -> None:
    ids = [gmail.insert(n) for n in range(25)]
    gmail.standin.fail(f"/messages/{ids[10]}", 503, times=5)  # every round of its part
    answer = gmail.push(gmail.history_id)
    assert answer.status_code == 503  # redelivered by Pub/Sub, not acknowledged
    assert sorted(gmail.event_ids(10)) == sorted(gmail.expected(ids[:10]))
    stopped_at = int(gmail.cursor()["history_id"])
    assert stopped_at < gmail.history_id  # not past what was handed off
    # what the history read found and did not hand off waits, counted (health and CLI)
    stalled = gmail.app.state.get_health(TENANT, MAILBOX, datetime.now(UTC))
    assert (stalled.pending, stalled.state, stalled.processed_24h) == (15, MailboxState.BACKOFF, 10)
    assert stalled.pending_at is not None
    parts = gmail.standin.batch_parts
    assert gmail.push(gmail.history_id).status_code == 200  # the redelivery
    assert gmail.standin.batch_parts - parts == 15  # only what was left
    assert sorted(gmail.event_ids(15)) == sorted(gmail.expected(ids[10:]))
    caught_up = gmail.app.state.get_health(TENANT, MAILBOX, datetime.now(UTC))
    assert (caught_up.pending, caught_up.state, caught_up.processed_24h) == (
        0,
        MailboxState.IDLE,
        25,
    )


def test_a_failed_doorbell_is_picked_by_the_safety_net(gmail: Gmail) -> None:
    ids = [gmail.insert(n) for n in range(3)]
    gmail.standin.fail("/history", 503, times=3)  # the adapter's retries of one call
    assert gmail.push(gmail.history_id).status_code == 503
    assert gmail.event_ids(0) == []
    renewal = Renewal(gmail.app.state, build_gmail(gmail.app).sync, concurrency=1)
    assert renewal.resync() == {"mailboxes": 1, "synced": 1}
    assert gmail.event_ids(3) == gmail.expected(ids)


def GmailSyncOf(gmail: Gmail, **options: int) -> GmailSync:
    from shared.bootstrap import build_gmail

    return build_gmail(gmail.app).sync


def test_mail_entering_the_label_later_is_ingested_once(gmail: Gmail) -> None:
    archived = gmail.insert(1, labels=("CATEGORY_UPDATES",))
    new = gmail.insert(2)
    assert gmail.push(gmail.history_id).status_code == 200
    assert gmail.event_ids(1) == gmail.expected([new])
    gmail.standin.relabel(EMAIL, archived, add=("INBOX",), notify=False)  # un-archived
    gmail.standin.relabel(EMAIL, new, remove=("INBOX",), notify=False)  # archived ...
    gmail.standin.relabel(EMAIL, new, add=("INBOX",), notify=False)  # ... and back
    fresh = gmail.insert(3)
    gmail.standin.relabel(EMAIL, fresh, add=("INBOX", "STARRED"), notify=False)
    assert gmail.push(gmail.history_id).status_code == 200
    assert sorted(gmail.event_ids(2)) == sorted(gmail.expected([archived, fresh]))


def test_a_mailbox_entered_under_an_alias_gets_its_pushes(gmail: Gmail) -> None:
    gmail.app.state.put_mailbox(gmail.mailbox.model_copy(update={"address": ALIAS}))
    gid = gmail.insert(1)
    assert gmail.push(gmail.history_id).status_code == 204  # Gmail names the primary address
    mailbox = gmail.reconnect()
    assert (mailbox.address, mailbox.push_address) == (ALIAS, EMAIL)
    assert gmail.push(gmail.history_id).status_code == 200
    assert gmail.event_ids(1) == gmail.expected([gid])


def test_a_refused_mark_read_does_not_hold_ingestion_up(
    gmail: Gmail, caplog: pytest.LogCaptureFixture
) -> None:
    gmail.standin.accounts[EMAIL].scopes = frozenset({READ_ONLY})  # a read-only grant
    gmail.reconnect(after_processing=AfterProcessing.MARK_SEEN)
    ids = [gmail.insert(n) for n in range(3)]
    with caplog.at_level(logging.ERROR):
        assert gmail.push(gmail.history_id).status_code == 200
    assert gmail.event_ids(3) == gmail.expected(ids)
    assert gmail.cursor()["history_id"] == str(gmail.history_id)
    assert "after-processing (mark_seen)" in health_error(gmail)
    assert any(r.getMessage() == "gmail after-processing failed" for r in caplog.records)
    assert all("UNREAD" in gmail.standin.accounts[EMAIL].messages[i].labels for i in ids)
    later = gmail.insert(4)
    assert gmail.push(gmail.history_id).status_code == 200
    assert gmail.event_ids(1) == gmail.expected([later])


def test_move_removes_the_source_label_and_delete_trashes(gmail: Gmail) -> None:
    done = gmail.standin.add_label(EMAIL, "Agency/Done")
    gmail.reconnect(after_processing=AfterProcessing.MOVE, move_to="Agency/Done")
    moved = [gmail.insert(n) for n in range(2)]
    assert gmail.push(gmail.history_id).status_code == 200
    assert gmail.event_ids(2) == gmail.expected(moved)
    for gid in moved:
        assert {"INBOX", done} & gmail.standin.accounts[EMAIL].messages[gid].labels == {done}
    gmail.reconnect(after_processing=AfterProcessing.DELETE, move_to=None)
    deleted = gmail.insert(3)
    assert gmail.push(gmail.history_id).status_code == 200
    assert gmail.event_ids(1) == gmail.expected([deleted])
    assert "TRASH" in gmail.standin.accounts[EMAIL].messages[deleted].labels


class PagedApis:
    """The real adapter reading one history page per call (the page cap, made small)."""

    def __init__(self, gmail: Gmail) -> None:
        self._gmail = gmail

    def for_mailbox(self, mailbox: Mailbox) -> GoogleGmailApi:
        from shared.bootstrap import build_oauth
        from shared.oauth.config import OAuthSettings

        token = build_oauth(self._gmail.app, OAuthSettings.from_env()).tokens.access_token
        return GoogleGmailApi(
            token(mailbox), endpoint=self._gmail.standin.base_url, history_pages=1
        )


def test_the_history_page_cap_never_moves_the_cursor_past_what_was_read(gmail: Gmail) -> None:
    sync = GmailSync(
        gmail.app.state,
        gmail.app.pipeline,
        PagedApis(gmail),
        gmail.app.clock,
        holder="paged",
        options=GmailOptions(lease_ttl=timedelta(seconds=60)),
    )
    ids = [gmail.insert(n) for n in range(250)]  # three pages of the stand-in's 100
    result = sync.sync(gmail.mailbox)
    assert result.new_messages == 250
    assert gmail.cursor()["history_id"] == str(gmail.history_id)
    assert sorted(gmail.event_ids(250)) == sorted(gmail.expected(ids))
