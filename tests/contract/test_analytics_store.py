"""The analytics part of the health contract, on the in-memory store and on Firestore
(emulator): labels and processing-time buckets merged per UTC day with increments (replicas
add up), kept apart per mailbox, old days pruned; and the figures the page shows from them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain import analytics
from shared.domain.models import HealthUpdate
from tests.contract.state_store_cases import DAY, M1, M2, START, T1, T2, Env, make_env, race


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.integration)])
def env(request: pytest.FixtureRequest) -> Env:
    return make_env(request)


def events(label: str, ms: float, n: int = 1) -> HealthUpdate:
    return HealthUpdate(processed=n, labels={label: n}, latency={analytics.latency_bucket(ms): n})


def test_day_counts_merge_per_day_and_per_mailbox(env: Env) -> None:
    store, _clock = env
    today = analytics.day_key(START)
    yesterday = analytics.day_key(START - DAY)
    store.update_health(T1, M1, events("booking", 30, n=3), START)
    store.update_health(T1, M1, events("stopsale", 300), START + timedelta(minutes=5))
    store.update_health(T1, M1, events("booking", 30), START - DAY)
    store.update_health(T1, M2, events("other", 5), START)
    store.update_health(T1, M1, HealthUpdate(errors=1), START)  # no analytics in it
    days = store.get_day_counts(T1, M1)
    assert set(days) == {today, yesterday}
    assert dict(days[today].labels) == {"booking": 3, "stopsale": 1}
    assert dict(days[today].latency) == {"le50": 3, "le500": 1}
    assert dict(days[yesterday].labels) == {"booking": 1}
    assert dict(store.get_day_counts(T1, M2)[today].labels) == {"other": 1}
    assert store.get_day_counts(T2, M1) == {}


def test_concurrent_updates_all_count(env: Env) -> None:
    store, _clock = env
    race(8, lambda i: store.update_health(T1, M1, events("booking", 10 * (i + 1)), START))
    day = store.get_day_counts(T1, M1)[analytics.day_key(START)]
    assert day.labels == {"booking": 8}
    assert sum(day.latency.values()) == 8


def test_days_past_the_window_are_pruned(env: Env) -> None:
    store, clock = env
    store.update_health(T1, M1, events("booking", 30), START)
    later = START + timedelta(days=analytics.KEEP_DAYS + 2)
    clock.set(later)
    store.update_health(T1, M1, events("stopsale", 30), later)
    assert set(store.get_day_counts(T1, M1)) == {analytics.day_key(later)}


def test_the_figures_of_thirty_days(env: Env) -> None:
    store, _clock = env
    # booking mailbox: 10 events in (25, 50] ms and 10 in (100, 250] ms, over two days
    store.update_health(T1, M1, events("booking", 40, n=10), START - 2 * DAY)
    store.update_health(T1, M1, events("stopsale", 200, n=10), START)
    store.update_health(T1, M2, events("other", 7, n=4), START - 40 * DAY)  # out of the window
    figures = analytics.summarize({m: store.get_day_counts(T1, m) for m in (M1, M2)}, START)
    many = store.get_day_counts_many(T1, [M1, M2])  # the page's one batched read
    assert many == {m: store.get_day_counts(T1, m) for m in (M1, M2)}
    assert len(figures.days) == analytics.WINDOW_DAYS
    assert figures.days[-1] == analytics.day_key(START)
    assert figures.per_label["booking"][-3] == 10
    assert figures.per_label["stopsale"][-1] == 10
    assert sum(figures.per_label["booking"]) == 10
    assert "other" not in figures.per_label
    booking, stopsale = figures.latency
    # p50: rank 10 of 20 is the last of the (25, 50] bucket; p95: rank 19 of 20 lies 9/10 of
    # the way through the (100, 250] bucket
    assert (booking.mailbox_id, booking.events, booking.p50_ms, booking.p95_ms) == (
        "booking",
        20,
        50.0,
        235.0,
    )
    assert (stopsale.events, stopsale.p50_ms) == (0, None)
