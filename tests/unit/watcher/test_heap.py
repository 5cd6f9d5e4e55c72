"""The heap freezer: when it freezes the long-lived objects out of the collector's scans,
and that a thaw reclaims the reference cycles that were frozen."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from shared.service.watcher.heap import HeapFreezer, Sessions


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
    # every in-process Watcher of the tests before froze the heap at its stale checks
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test run is collected as usual


def _freezer(clock: _Clock) -> HeapFreezer:
    return HeapFreezer(thaw_every_s=3600, monotonic=clock)


def test_it_freezes_once_the_connects_are_done() -> None:
    heap = _freezer(_Clock())
    assert heap.tick(Sessions(workers=1000, opened=0)) is False  # first look
    assert heap.tick(Sessions(workers=1000, opened=400)) is False  # connecting
    assert heap.tick(Sessions(workers=1000, opened=1000)) is False  # still connecting
    assert gc.get_freeze_count() == 0
    assert heap.tick(Sessions(workers=1000, opened=1005)) is True  # 0.5 % opened: done
    assert gc.get_freeze_count() > 0
    assert heap.tick(Sessions(workers=1000, opened=1006)) is False  # frozen already


def test_a_changed_number_of_workers_is_not_settled() -> None:
    heap = _freezer(_Clock())
    heap.tick(Sessions(workers=10, opened=10))
    assert heap.tick(Sessions(workers=11, opened=10)) is False
    assert heap.tick(Sessions(workers=11, opened=10)) is True


def test_a_tenth_of_the_sessions_new_refreezes_and_otherwise_the_thaw_time() -> None:
    clock = _Clock()
    heap = _freezer(clock)
    heap.tick(Sessions(workers=1000, opened=1000))
    assert heap.tick(Sessions(workers=1000, opened=1000)) is True
    # reconnects trickle in, 1 % a look at most: settled each time, but only 9 % new
    for opened in (1010, 1020, 1030, 1040, 1050, 1060, 1070, 1080, 1090):
        assert heap.tick(Sessions(workers=1000, opened=opened)) is False
    assert heap.tick(Sessions(workers=1000, opened=1100)) is True  # a tenth new
    clock.now = 3599
    assert heap.tick(Sessions(workers=1000, opened=1100)) is False
    clock.now = 3600
    assert heap.tick(Sessions(workers=1000, opened=1100)) is True  # at the latest
    assert heap.freezes == 3


def test_no_workers_no_freeze() -> None:
    heap = _freezer(_Clock())
    heap.tick(Sessions(workers=0, opened=0))
    assert heap.tick(Sessions(workers=0, opened=0)) is False
    assert heap.freezes == 0


def test_a_cycle_frozen_with_the_heap_is_reclaimed_by_the_next_thaw() -> None:
    clock = _Clock()
    heap = _freezer(clock)
    a, b = _Node(), _Node()
    a.other, b.other = b, a  # a cycle: reference counts alone never free it
    alive = weakref.ref(a)
    heap.tick(Sessions(workers=10, opened=10))
    assert heap.tick(Sessions(workers=10, opened=10)) is True
    del a, b
    gc.collect()
    assert alive() is not None  # frozen: the collector does not look at it
    clock.now = 3600
    assert heap.tick(Sessions(workers=10, opened=10)) is True
    assert alive() is None


def test_thaw_gives_everything_back_to_the_collector() -> None:
    clock = _Clock()
    heap = _freezer(clock)
    heap.tick(Sessions(workers=10, opened=10))
    assert heap.tick(Sessions(workers=10, opened=10)) is True
    assert gc.get_freeze_count() > 0
    heap.thaw()
    assert gc.get_freeze_count() == 0
