"""Server-side SVG charts for the settings page's analytics: the geometry is computed here,
the markup is written by the (autoescaping) template ``_analytics.html``, so a mailbox id or
a label can never become markup. No JavaScript, no build step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.domain.analytics import Analytics
from shared.domain.event import OVERSIZED, UNPARSEABLE
from shared.domain.labels import Label
from shared.web import formats, label_names
from shared.web.i18n import _

WIDTH, HEIGHT = 640, 200
LEFT, BOTTOM, TOP = 40, 24, 10
COLORS = {
    Label.BOOKING: "#2a7ab8",
    Label.STOPSALE: "#c23b22",
    Label.OPENSALE: "#2a9d4b",
    Label.CANCELLATION: "#8e44ad",
    Label.AMENDMENT: "#e69500",
    Label.OTHER: "#7f8c8d",
    UNPARSEABLE: "#34495e",
    OVERSIZED: "#b5651d",
}
ROW_H = 44


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    color: str
    title: str


@dataclass(frozen=True)
class Caption:
    """A text on the chart (an axis figure, a day, a mailbox)."""

    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rects: tuple[Rect, ...]
    labels: tuple[Caption, ...]
    legend: tuple[tuple[str, str], ...] = ()  # (label, color)


def _color(label: str) -> str:
    return COLORS.get(label, "#999999")


def _day(day: str) -> str:
    """A day of the figures (``YYYYMMDD``) as the page's language writes it."""
    return formats.day(date(int(day[:4]), int(day[4:6]), int(day[6:])))


def per_day(figures: Analytics) -> Chart:
    """Emails per day, one stacked bar per day, one colour per label."""
    totals = [
        sum(counts[i] for counts in figures.per_label.values()) for i in range(len(figures.days))
    ]
    top = max(totals, default=0) or 1
    plot_w, plot_h = WIDTH - LEFT, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(figures.days), 1)
    rects = []
    for i, day in enumerate(figures.days):
        base = float(HEIGHT - BOTTOM)
        for label, counts in figures.per_label.items():
            if counts[i]:
                h = plot_h * counts[i] / top
                base -= h
                name, count = label_names.name(label), formats.number(counts[i])
                title = f"{_day(day)} {name}: {count}"
                rects.append(Rect(LEFT + i * step + 1, base, step - 2, h, _color(label), title))
    labels = (
        Caption(LEFT - 4, TOP + 10, formats.number(top), "end"),
        Caption(LEFT - 4, HEIGHT - BOTTOM, "0", "end"),
        Caption(LEFT, HEIGHT - 6, _day(figures.days[0]) if figures.days else ""),
        Caption(WIDTH, HEIGHT - 6, _day(figures.days[-1]) if figures.days else "", "end"),
    )
    legend = tuple((label_names.name(label), _color(label)) for label in figures.per_label)
    return Chart(WIDTH, HEIGHT, tuple(rects), labels, legend)


def latency(figures: Analytics) -> Chart:
    """Processing time per mailbox: a p50 bar over a p95 bar, on one scale."""
    rows = figures.latency
    top = max((m.p95_ms or 0 for m in rows), default=0) or 1
    plot_w = WIDTH - 160
    rects, labels = [], []
    for i, m in enumerate(rows):
        y = TOP + i * ROW_H
        labels.append(Caption(0, y + 14, m.mailbox_id))
        if m.p50_ms is None or m.p95_ms is None:
            labels.append(Caption(150, y + 14, _("no events in 30 days")))
            continue
        p50, p95 = m.p50_ms, m.p95_ms
        p50_ms, p95_ms = (
            _("%(ms)s ms", ms=formats.decimal(p50, 0)),
            _("%(ms)s ms", ms=formats.decimal(p95, 0)),
        )
        rects.append(Rect(150, y + 2, plot_w * p95 / top, 10, "#9fc5e8", f"p95 {p95_ms}"))
        rects.append(Rect(150, y + 14, plot_w * p50 / top, 10, "#2a7ab8", f"p50 {p50_ms}"))
        events = _("%(count)s events", count=formats.number(m.events))
        text = f"p50 {p50_ms} · p95 {p95_ms} · {events}"
        labels.append(Caption(150, y + 37, text))
    height = TOP + max(len(rows), 1) * ROW_H + 10
    legend = (("p50", "#2a7ab8"), ("p95", "#9fc5e8"))
    return Chart(WIDTH, height, tuple(rects), tuple(labels), legend)
