# mypy: disable-error-code="no-untyped-call"
"""The recent-events part of the StateStore contract, on the in-memory store and on Firestore
(emulator): newest first, bounded, per tenant, expired ones gone, replace by event id; and on
Firestore the document the TTL policy in infra/firestore.tf relies on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.firestore import FirestoreStateStore
from shared.domain.recent_events import (
    KEEP_DAYS,
    MAX_LIST,
    EventCursor,
    EventFilter,
    EventSummary,
)
from shared.errors import NotFound
from tests.contract.state_store_cases import START, T1, T2, Env, make_env


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.integration)])
def env(request: pytest.FixtureRequest) -> Env:
    return make_env(request)


def summary(n: int, tenant: str = T1, **kw: Any) -> EventSummary:
    base: dict[str, Any] = {
        "event_id": f"{tenant}.booking.{n:040x}",
        "tenant_id": tenant,
        "mailbox_id": "booking",
        "at": START + timedelta(minutes=n),
        "label": "booking",
        "score": 0.9,
        "subject": f"Booking {n} <script>alert(1)</script>",
        "sender": "Hotel <res@hotel.example>",
        "processing_ms": 12.5,
    }
    base.update(kw)
    return EventSummary(**base)


def test_newest_first_bounded_and_per_tenant(env: Env) -> None:
    store, _clock = env
    for n in range(5):
        store.put_event_summary(summary(n))
    store.put_event_summary(summary(9, tenant=T2))
    listed = store.list_event_summaries(T1, limit=3)
    assert [s.event_id for s in listed] == [summary(n).event_id for n in (4, 3, 2)]
    assert listed[0] == summary(4)  # every field round-trips, the subject as it was
    assert [s.tenant_id for s in store.list_event_summaries(T2, limit=10)] == [T2]
    assert store.list_event_summaries(T1, limit=0) == []
    assert len(store.list_event_summaries(T1, limit=MAX_LIST + 50)) == 5


def test_pages_after_a_cursor_list_every_event_once_ties_included(env: Env) -> None:
    store, _clock = env
    # 7 events, three of them received in the same microsecond (ties go by event id)
    rows = [summary(n) for n in range(4)]
    rows += [summary(n, at=START + timedelta(minutes=9)) for n in (10, 11, 12)]
    for row in rows:
        store.put_event_summary(row)
    store.put_event_summary(summary(5, tenant=T2))
    newest_first = sorted(rows, key=lambda r: (r.at, r.event_id), reverse=True)
    seen: list[str] = []
    cursor = None
    for _ in range(10):  # bounded: 7 rows in pages of 2 is 4 pages
        page = store.list_event_summaries(T1, limit=2, before=cursor)
        seen += [r.event_id for r in page]
        if len(page) < 2:
            break
        cursor = EventCursor.after(page[-1])
        # the cursor travels as text and comes back the same (microseconds kept)
        assert EventCursor.decode(cursor.encode(), T1) == cursor
    assert seen == [r.event_id for r in newest_first]
    # a newer event arriving meanwhile does not shift an older page
    store.put_event_summary(summary(30))
    after_two = EventCursor.after(newest_first[1])
    assert store.list_event_summaries(T1, limit=2, before=after_two) == newest_first[2:4]
    # past the oldest: nothing; another tenant's cursor is refused
    assert store.list_event_summaries(T1, limit=5, before=EventCursor.after(rows[0])) == []
    with pytest.raises(ValueError, match="tenant"):
        EventCursor.decode(EventCursor.after(summary(5, tenant=T2)).encode(), T1)


@pytest.mark.parametrize("text", ["", "x.acme.booking", "12", "-5.acme.b", "1" * 30 + ".a"])
def test_a_malformed_cursor_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="cursor"):
        EventCursor.decode(text.replace("acme", T1), T1)


def test_get_is_tenant_scoped_and_put_replaces(env: Env) -> None:
    store, _clock = env
    store.put_event_summary(summary(1))
    corrected = summary(1, corrected_to="stopsale")
    store.put_event_summary(corrected)
    assert store.get_event_summary(T1, corrected.event_id) == corrected
    assert len(store.list_event_summaries(T1, limit=10)) == 1
    with pytest.raises(NotFound):
        store.get_event_summary(T2, corrected.event_id)  # another tenant's: not found
    with pytest.raises(NotFound):
        store.get_event_summary(T1, "acme.booking." + "f" * 40)


def test_expired_summaries_are_absent(env: Env) -> None:
    store, clock = env
    store.put_event_summary(summary(0))
    store.put_event_summary(summary(60 * 24 * 2))  # two days later
    clock.advance(timedelta(days=KEEP_DAYS, hours=1))
    assert [s.event_id for s in store.list_event_summaries(T1, limit=10)] == [
        summary(60 * 24 * 2).event_id
    ]
    with pytest.raises(NotFound):
        store.get_event_summary(T1, summary(0).event_id)


def test_a_filter_by_mailbox_and_label_pages_with_the_cursor_and_stays_in_the_tenant(
    env: Env,
) -> None:
    store, _clock = env
    rows = []
    for n in range(12):  # mailboxes booking / stopsale in turn, labels booking / stopsale / other
        mailbox = ("booking", "stopsale")[n % 2]
        label = ("booking", "stopsale", "other")[n % 3]
        rows.append(summary(n, mailbox_id=mailbox, label=label))
    rows[0] = rows[0].model_copy(update={"corrected_to": "stopsale"})  # shows stopsale now
    for row in rows:
        store.put_event_summary(row)
    store.put_event_summary(summary(40, tenant=T2, mailbox_id="stopsale", label="stopsale"))
    newest_first = sorted(rows, key=lambda r: (r.at, r.event_id), reverse=True)
    for only in (
        EventFilter(mailbox_id="stopsale"),
        EventFilter(label="stopsale"),
        EventFilter(mailbox_id="booking", label="stopsale"),
        EventFilter(mailbox_id="nowhere"),
    ):
        expected = [r.event_id for r in newest_first if only.matches(r)]
        listed, cursor = [], None
        for _ in range(10):  # pages of 2, each after the previous page's last row
            page = store.list_event_summaries(T1, limit=2, before=cursor, only=only)
            listed += [r.event_id for r in page]
            if len(page) < 2:
                break
            cursor = EventCursor.after(page[-1])
        assert listed == expected, only
        assert all(e.startswith(f"{T1}.") for e in listed)
    corrected = store.list_event_summaries(T1, limit=50, only=EventFilter(label="stopsale"))
    assert rows[0].event_id in [r.event_id for r in corrected]  # by the label it shows
    assert corrected[-1] == rows[0]  # and it round-trips as it was stored
    booking = store.list_event_summaries(T1, limit=50, only=EventFilter(label="booking"))
    assert rows[0].event_id not in [r.event_id for r in booking]
    assert len(store.list_event_summaries(T1, limit=50, only=EventFilter())) == 12


def test_summaries_written_in_one_batch_are_found_by_the_label_filter(env: Env) -> None:
    """The catch-up writes a batch's summaries at once: filtered like those written one by one."""
    store, _clock = env
    rows = [summary(n, label=("booking", "stopsale")[n % 2]) for n in range(6)]
    rows[0] = rows[0].model_copy(update={"corrected_to": "stopsale"})
    store.put_event_summaries(rows)
    for label in ("booking", "stopsale"):
        listed = store.list_event_summaries(T1, limit=50, only=EventFilter(label=label))
        expected = [r for r in reversed(rows) if r.shown_label == label]
        assert listed == expected, label
    assert [r.event_id for r in expected][-1] == rows[0].event_id  # by its corrected label


@pytest.mark.integration
def test_firestore_layout_carries_the_ttl_field(firestore_client: Any) -> None:
    from mailingest_dev.clock import FakeClock

    store = FirestoreStateStore(firestore_client, FakeClock(START))
    store.put_event_summary(summary(1))
    path = f"tenants/acme/events/{summary(1).event_id}"
    doc = firestore_client.document(path).get().to_dict()
    assert doc["expires_at"] == START + timedelta(minutes=1, days=KEEP_DAYS)
    # a mail that arrived weeks ago, ingested now (a catch-up): its summary completes the
    # claim taken now, so the TTL keeps it KEEP_DAYS from now; the listing still drops it
    # KEEP_DAYS after the mail arrived
    old = summary(2, at=START - timedelta(days=20))
    store.put_event_summaries([old, summary(3, at=START - timedelta(days=25))])
    for n in (2, 3):
        stored = firestore_client.document(f"tenants/acme/events/{summary(n).event_id}").get()
        assert stored.to_dict()["expires_at"] == START + timedelta(days=KEEP_DAYS)
    assert old.expires_at() == START + timedelta(days=KEEP_DAYS - 20)
    assert doc["subject"] == "Booking 1 <script>alert(1)</script>"
    assert not {"text", "html"} & set(doc)  # never a body
    # a document that is not a summary is left out of the listing, not an error
    firestore_client.document("tenants/acme/events/broken").set({"at": START, "label": 3})
    listed = store.list_event_summaries(T1, limit=10)
    assert [s.event_id for s in listed] == [summary(n).event_id for n in (1, 2, 3)]
