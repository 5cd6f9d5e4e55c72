"""The heap freezer: when it freezes the long-lived objects out of the collector's scans,
and that a thaw reclaims the reference cycles that were frozen."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from shared.service.watcher.heap import HeapFreezer


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    yield
    gc.unfreeze()  # the rest of the test run is collected as usual


def _freezer(clock: _Clock) -> HeapFreezer:
    return HeapFreezer(settle_s=60, thaw_every_s=3600, monotonic=clock)


def test_it_freezes_once_the_number_of_sessions_has_held_for_the_settle_time() -> None:
    clock = _Clock()
    heap = _freezer(clock)
    assert heap.tick(100) is False  # just seen
    clock.now = 59
    assert heap.tick(100) is False  # connecting may still be going on
    clock.now = 61
    assert heap.tick(100) is True
    assert gc.get_freeze_count() > 0
    clock.now = 200
    assert heap.tick(100) is False  # frozen already, nothing changed


def test_a_small_change_waits_for_the_thaw_time_and_a_tenth_refreezes_once_settled() -> None:
    clock = _Clock()
    heap = _freezer(clock)
    heap.tick(100)
    clock.now = 61
    assert heap.tick(100) is True
    clock.now = 100
    heap.tick(105)  # 5 % more sessions
    clock.now = 200
    assert heap.tick(105) is False
    heap.tick(111)  # 11 % more than when frozen
    clock.now = 250
    assert heap.tick(111) is False  # not settled yet
    clock.now = 261
    assert heap.tick(111) is True
    clock.now = 261 + 3600
    assert heap.tick(111) is True  # and at the latest every thaw_every_s
    assert heap.freezes == 3


def test_no_sessions_no_freeze() -> None:
    clock = _Clock()
    heap = _freezer(clock)
    heap.tick(0)
    clock.now = 1000
    assert heap.tick(0) is False
    assert heap.freezes == 0


def test_a_cycle_frozen_with_the_heap_is_reclaimed_by_the_next_thaw() -> None:
    clock = _Clock()
    heap = _freezer(clock)
    a, b = _Node(), _Node()
    a.other, b.other = b, a  # a cycle: reference counts alone never free it
    alive = weakref.ref(a)
    heap.tick(10)
    clock.now = 61
    assert heap.tick(10) is True
    del a, b
    gc.collect()
    assert alive() is not None  # frozen: the collector does not look at it
    heap.tick(20)  # the sessions doubled
    clock.now = 200
    assert heap.tick(20) is True
    assert alive() is None
