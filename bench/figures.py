"""The shape of a benchmark figure: ``{"name": {"value": n, "unit": "...", "note": "..."}}``."""

from __future__ import annotations

from typing import TypedDict


class Figure(TypedDict):
    value: float
    unit: str
    note: str


def figure(value: float, unit: str, note: str) -> Figure:
    return {"value": round(float(value), 3), "unit": unit, "note": note}
