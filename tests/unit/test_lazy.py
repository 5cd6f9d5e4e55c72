"""``Lazy``: what an entry point builds on its first call and reuses."""

from __future__ import annotations

import pytest

from shared.entrypoints import Lazy


def test_built_once_on_first_call_and_reused() -> None:
    builds: list[int] = []

    def build() -> object:
        builds.append(1)
        return object()

    get = Lazy(build)
    assert builds == []  # nothing at construction (import time)
    first = get()
    assert get() is first
    assert len(builds) == 1


def test_a_failed_build_is_tried_again() -> None:
    outcomes: list[Exception | str] = [RuntimeError("backend down"), "built"]

    def build() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    get = Lazy(build)
    with pytest.raises(RuntimeError, match="backend down"):
        get()
    assert get() == "built"


def test_reset_builds_again_and_none_counts_as_built() -> None:
    builds: list[int] = []

    def build() -> None:
        builds.append(1)

    get = Lazy(build)
    get()
    get()
    assert len(builds) == 1
    get.reset()
    get()
    assert len(builds) == 2
