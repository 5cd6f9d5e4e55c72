"""Analytics kept beside health: per mailbox and UTC day, events per label and a fixed-bucket
histogram of processing times. Stores merge them with increments (no read), so replicas and
retries add up; the page turns 30 days of them into emails per day per label and p50 / p95
per mailbox. Nothing here is computed from the list of recent events.

Record layout (inside the health record): ``days``: "YYYYMMDD" → {"labels": {label: n},
"latency": {bucket: n}}; a bucket is named by its upper bound in ms ("le100"), the last one
"over" (above the largest bound).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BOUNDS_MS = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)
OVER = "over"
BUCKETS = (*(f"le{b}" for b in BOUNDS_MS), OVER)
KEEP_DAYS = 31  # a day older than this is pruned from the record
WINDOW_DAYS = 30  # what the page shows


def day_key(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%d")


def latency_bucket(ms: float) -> str:
    for bound, name in zip(BOUNDS_MS, BUCKETS, strict=False):
        if ms <= bound:
            return name
    return OVER


def increments(labels: Mapping[str, int], latency: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """The non-empty parts of an update's analytics, as stored under its day."""
    parts = {"labels": dict(labels), "latency": dict(latency)}
    return {name: counts for name, counts in parts.items() if counts}


def expired_days(days: Mapping[str, Any], at: datetime) -> list[str]:
    oldest = day_key(at - timedelta(days=KEEP_DAYS))
    return [k for k in days if k < oldest]


@dataclass(frozen=True)
class DayCounts:
    labels: Mapping[str, int] = field(default_factory=dict)
    latency: Mapping[str, int] = field(default_factory=dict)


def day_counts(days: Any) -> dict[str, DayCounts]:
    """The ``days`` of a stored record, read defensively (a malformed entry counts 0)."""
    out: dict[str, DayCounts] = {}
    for key, value in (days or {}).items() if isinstance(days, Mapping) else ():
        if isinstance(value, Mapping):
            out[str(key)] = DayCounts(_ints(value.get("labels")), _ints(value.get("latency")))
    return out


def _ints(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): int(v) for k, v in value.items() if isinstance(v, int | float) and v > 0}


def percentile(histogram: Mapping[str, int], q: float) -> float | None:
    """The ``q`` quantile (0..1) of a bucket histogram, interpolated linearly inside the
    bucket it falls in (the first bucket starts at 0; "over" answers the largest bound)."""
    total = sum(histogram.get(name, 0) for name in BUCKETS)
    if not total:
        return None
    rank = q * total
    seen, lower = 0, 0.0
    for bound, name in zip(BOUNDS_MS, BUCKETS, strict=False):
        count = histogram.get(name, 0)
        if count and seen + count >= rank:
            return lower + (bound - lower) * (rank - seen) / count
        seen, lower = seen + count, float(bound)
    return float(BOUNDS_MS[-1])


@dataclass(frozen=True)
class MailboxLatency:
    mailbox_id: str
    events: int
    p50_ms: float | None
    p95_ms: float | None


@dataclass(frozen=True)
class Analytics:
    days: tuple[str, ...]  # oldest first, WINDOW_DAYS of them, ending today
    per_label: dict[str, list[int]]  # label -> emails per day (aligned with ``days``)
    latency: tuple[MailboxLatency, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "days": [f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in self.days],
            "per_label": self.per_label,
            "latency": [vars(m) for m in self.latency],
        }


def summarize(per_mailbox: Mapping[str, Mapping[str, DayCounts]], today: datetime) -> Analytics:
    """``per_mailbox``: mailbox id -> its day counts. The last WINDOW_DAYS days to ``today``."""
    days = tuple(day_key(today - timedelta(days=n)) for n in range(WINDOW_DAYS - 1, -1, -1))
    index = {d: i for i, d in enumerate(days)}
    per_label: dict[str, list[int]] = {}
    latency = []
    for mailbox_id in sorted(per_mailbox):
        merged: dict[str, int] = {}
        for day, counts in per_mailbox[mailbox_id].items():
            if day not in index:
                continue
            for label, n in counts.labels.items():
                per_label.setdefault(label, [0] * len(days))[index[day]] += n
            for name, n in counts.latency.items():
                merged[name] = merged.get(name, 0) + n
        events = sum(merged.values())
        p50, p95 = percentile(merged, 0.5), percentile(merged, 0.95)
        latency.append(MailboxLatency(mailbox_id, events, _round(p50), _round(p95)))
    return Analytics(days, dict(sorted(per_label.items())), tuple(latency))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
