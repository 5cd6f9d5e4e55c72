"""The shape of a benchmark figure: ``{"name": {"value": n, "unit": "...", "note": "..."}}``."""

from __future__ import annotations

from typing import TypedDict


class Figure(TypedDict):
    value: float
    unit: str
    note: str


def figure(value: float, unit: str, note: str) -> Figure:
    return {"value": round(float(value), 3), "unit": unit, "note": note}


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (0..1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
