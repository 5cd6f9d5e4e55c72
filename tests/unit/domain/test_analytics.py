"""Analytics arithmetic: latency buckets, the percentile of a bucket histogram, the stored
record read defensively."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain import analytics


@pytest.mark.parametrize(
    ("ms", "bucket"),
    [
        (0, "le10"),
        (10, "le10"),
        (10.1, "le25"),
        (999.9, "le1000"),
        (30000, "le30000"),
        (30000.5, "over"),
    ],
)
def test_latency_buckets(ms: float, bucket: str) -> None:
    assert analytics.latency_bucket(ms) == bucket


def test_percentiles_of_a_histogram() -> None:
    assert analytics.percentile({}, 0.5) is None
    assert analytics.percentile({"le10": 4}, 0.5) == 5.0  # halfway through [0, 10]
    assert analytics.percentile({"le10": 4}, 1.0) == 10.0
    assert analytics.percentile({"le10": 1, "le1000": 1}, 0.95) == pytest.approx(
        950.0
    )  # 9/10 into (500, 1000]
    assert analytics.percentile({"over": 3}, 0.5) == 30000.0  # the largest bound
    assert analytics.percentile({"nonsense": 3}, 0.5) is None


def test_a_malformed_record_counts_nothing_instead_of_failing() -> None:
    days = analytics.day_counts(
        {"20260301": {"labels": {"booking": 2, "x": "7", "y": -1}, "latency": "bad"}, "z": 3}
    )
    assert list(days) == ["20260301"]
    assert dict(days["20260301"].labels) == {"booking": 2}
    assert dict(days["20260301"].latency) == {}
    assert analytics.day_counts(None) == {}


def test_days_are_utc_and_the_window_ends_today() -> None:
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert analytics.day_key(late) == "20260301"
    figures = analytics.summarize({}, late)
    assert (figures.days[0], figures.days[-1]) == ("20260131", "20260301")
    assert figures.to_json()["days"][-1] == "2026-03-01"
