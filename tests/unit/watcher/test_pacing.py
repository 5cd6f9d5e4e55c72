"""Connect pacing: a burst, then the server's rate; servers independent; stoppable."""

from __future__ import annotations

import threading

import pytest

from shared.service.watcher.pacing import ConnectPacer


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_burst_goes_at_once_then_connects_follow_the_rate() -> None:
    clock = Clock()
    pacer = ConnectPacer(10, burst=5, monotonic=clock)
    delays = [pacer.reserve("imap.hotel.example") for _ in range(8)]
    assert delays[:5] == pytest.approx([0.0] * 5, abs=1e-9)
    assert delays[5:] == pytest.approx([0.1, 0.2, 0.3])


def test_time_passing_earns_turns_back_up_to_the_burst_only() -> None:
    clock = Clock()
    pacer = ConnectPacer(2, burst=3, monotonic=clock)
    for _ in range(3):
        pacer.reserve("h")
    clock.t += 60  # a quiet minute does not bank more than the burst
    delays = [pacer.reserve("h") for _ in range(5)]
    assert delays == pytest.approx([0.0, 0.0, 0.0, 0.5, 1.0], abs=1e-9)


def test_servers_are_paced_apart_case_insensitively_with_their_own_rates() -> None:
    clock = Clock()
    pacer = ConnectPacer(1, burst=1, server_rates={"IMAP.Gmail.com": 50}, monotonic=clock)
    assert [pacer.reserve("mail.small.example") for _ in range(3)] == pytest.approx([0, 1, 2])
    assert pacer.reserve("imap.gmail.com") == 0.0
    assert pacer.reserve("imap.GMAIL.com") == pytest.approx(0.02)
    assert pacer.rate("imap.gmail.com") == 50


def test_10000_reconnects_to_one_server_are_spread_over_rate_seconds() -> None:
    clock = Clock()
    pacer = ConnectPacer(50, burst=50, monotonic=clock)
    last = max(pacer.reserve("outlook.office365.com") for _ in range(10_000))
    assert last == pytest.approx((10_000 - 50) / 50)


def test_waiting_for_a_turn_is_stoppable() -> None:
    pacer = ConnectPacer(0.001, burst=1)  # the second turn is 1,000 s away
    stop = threading.Event()
    assert pacer.wait_turn("h", stop) is True
    stop.set()
    assert pacer.wait_turn("h", stop) is False  # returns at once, not in 1,000 s


def test_nonsense_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="above 0"):
        ConnectPacer(0)
    with pytest.raises(ValueError, match="above 0"):
        ConnectPacer(5, server_rates={"h": -1})
