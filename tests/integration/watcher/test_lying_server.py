"""A tenant's own mail server cannot exhaust the shared watcher's memory: every body read is
bounded by the size limit before it happens, whatever size the server reported. Judged by
the high-water mark of a fresh process that runs one session (no timings)."""

from __future__ import annotations

import pytest

from tests.fakes.lying_server import LISTED, fetch_in_child, lying_server

pytestmark = pytest.mark.integration

LIMIT = 1024 * 1024  # MAILINGEST_MAX_MESSAGE_BYTES for these sessions
HUGE = 150 * 1024 * 1024  # what the lying IMAP server sends
MB = 1024


def test_an_imap_server_announcing_a_body_over_the_limit_is_refused_before_it_is_read() -> None:
    with lying_server("imap", HUGE) as server:
        result = fetch_in_child("imap", server.port, LIMIT)
    assert result.error is not None
    assert f"the server announced {HUGE} bytes where at most {LIMIT + 1}" in result.error
    assert result.fetched_bytes == []
    # refused as announced: the 150 MB never entered the process
    assert result.peak_growth_kb < 16 * MB, result


def test_an_imap_server_whose_size_was_wrong_gives_at_most_the_limit_and_one_byte() -> None:
    """An honest server (it answers the partial fetch as asked) with a wrong RFC822.SIZE:
    the message arrives cut at the limit + 1 byte, which the pipeline reports as over it."""
    with lying_server("imap", 8 * LIMIT, honour_partial=True) as server:
        result = fetch_in_child("imap", server.port, LIMIT)
    assert result.error is None, result.error
    assert result.fetched_bytes == [LIMIT + 1]
    assert server.sent == [LIMIT + 1]


def test_a_pop3_server_sending_more_than_it_listed_is_kept_to_the_limit() -> None:
    with lying_server("pop3", 64 * LIMIT) as server:
        result = fetch_in_child("pop3", server.port, LIMIT)
    assert result.error is None, result.error
    assert LISTED < LIMIT
    assert result.fetched_bytes == [LIMIT + 1]  # cut there; the rest read and thrown away
    assert server.sent == [64 * LIMIT]
    assert result.peak_growth_kb < 16 * MB, result
