"""Numbers, dates and spans of time as the page's language writes them (Babel's locale data):
``1,234`` / ``1.234``, ``0.87`` / ``0,87``, ``2026-12-07 21:05`` / ``07.12.2026 21:05``, "5 min
ago" / "5 dk önce". Times are UTC on the page (the column headings say so). English keeps
the ISO day (unambiguous for teams in several countries); Turkish writes the day first."""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from shared.web.i18n import N_, _, current

# the patterns of a day and of a moment (UTC), per language (CLDR pattern syntax)
_DAY = {"en": "yyyy-MM-dd", "tr": "dd.MM.yyyy"}
_MOMENT = {"en": "yyyy-MM-dd HH:mm", "tr": "dd.MM.yyyy HH:mm"}
# a span's unit (the largest that fits, floored), in order
_UNITS = (
    (86400, N_("%(n)s d")),
    (3600, N_("%(n)s h")),
    (60, N_("%(n)s min")),
    (1, N_("%(n)s s")),
)


def number(value: int | float) -> str:
    """A count, with the language's grouping: 1,234 / 1.234."""
    return format_decimal(value, format="#,##0", locale=current())


def decimal(value: float, places: int = 2) -> str:
    """A fraction with ``places`` decimals: 0.87 / 0,87."""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=current())


def day(value: date) -> str:
    return format_date(value, _DAY[current()], locale=current())


def moment(value: datetime) -> str:
    """A date and time in UTC."""
    return format_datetime(value.astimezone(UTC), _MOMENT[current()], tzinfo=UTC, locale=current())


def span(seconds: int) -> str:
    """A length of time in its largest whole unit: "52 min", "3 h" / "52 dk", "3 sa"."""
    seconds = max(seconds, 0)
    for size, unit in _UNITS:
        if seconds >= size:
            return _(unit, n=number(seconds // size))
    return _("%(n)s s", n=number(0))


def ago(when: datetime | None, now: datetime) -> str:
    """How long ago: "never", "12 s ago", "5 min ago" / "henüz yok", "5 dk önce"."""
    if when is None:
        return _("never")
    return _("%(span)s ago", span=span(int((now - when).total_seconds())))


def in_time(when: datetime, now: datetime) -> str:
    """ "in 52 min" / "52 dk sonra", or "expired 3 h ago" once past."""
    seconds = int((when - now).total_seconds())
    if seconds > 0:
        return _("in %(span)s", span=span(seconds))
    return _("expired %(span)s ago", span=span(-seconds))
