"""A Gmail message over ``MAILINGEST_MAX_MESSAGE_BYTES``: no answer is read past its cap,
whatever the message's ``sizeEstimate`` says, so a mailbox cannot exhaust the memory of the
function that syncs it (judged by the high-water mark of a fresh process, no timings); the
message becomes the one event that says it is over the limit and the others of its batch
arrive once (on the stand-in and the emulators)."""

from __future__ import annotations

import json
import os

import pytest

from mailingest_dev.standins.gmail_api import running_gmail
from shared.bootstrap import build_app, build_gmail
from tests.fakes.gmail_fetch import fetch_in_child
from tests.integration.gmail.gmail_parts import EMAIL, Gmail

pytestmark = pytest.mark.integration

MB = 1024 * 1024
KB = 1024
TOKEN = "ya29.limits"


def raw(n: int) -> bytes:
    return f"From: res@hotel.example\r\nSubject: Booking {n}\r\n\r\nRoom {n}\r\n".encode()


@pytest.mark.slow
def test_a_150_mb_message_stating_100_bytes_is_read_only_to_its_cap() -> None:
    """Its answer alone would be 200 MB of base64url: the fetch holds a few megabytes."""
    limit = MB
    with running_gmail() as gmail:
        gmail.add_account(EMAIL, TOKEN)
        small = gmail.insert(EMAIL, raw(1))
        huge = gmail.insert(EMAIL, raw(2), filler=150 * MB, stated_size=100)
        later = gmail.insert(EMAIL, raw(3))
        result = fetch_in_child(gmail.base_url, TOKEN, [small, huge, later], limit)
    assert result.error is None, result.error
    assert result.fetched_bytes == [len(raw(1)), limit + 1, len(raw(3))]
    assert result.peak_growth_kb < 32 * KB, result


def test_a_message_over_the_limit_is_the_event_that_says_so_and_its_batch_arrives_once(
    gmail: Gmail,
) -> None:
    limit = 4096
    os.environ["MAILINGEST_MAX_MESSAGE_BYTES"] = str(limit)  # restored by the autouse fixture
    sync = build_gmail(build_app()).sync
    before = gmail.insert(1)
    big = gmail.standin.insert(EMAIL, raw(2), filler=300 * limit, stated_size=2000, notify=False)
    after = gmail.insert(3)
    assert sync.sync(gmail.mailbox).new_messages == 3
    events = {
        attrs["event_id"]: json.loads(data)
        for data, attrs in gmail.tail.iter(max_events=3, timeout_s=60)
    }
    assert sorted(events) == sorted(gmail.expected([before, big, after]))
    first, over, last = (events[e] for e in gmail.expected([before, big, after]))
    assert f"exceeds the {limit}-byte limit ({limit + 1} bytes or more)" in over["error"]
    assert not first.get("error")
    assert not last.get("error")
    assert gmail.event_ids(0) == []  # nothing twice
    assert gmail.cursor()["history_id"] == str(gmail.history_id)
    assert sync.sync(gmail.mailbox).new_messages == 0  # passed, not fetched again
