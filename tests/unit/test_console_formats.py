"""Numbers, dates and spans of time on the console are written as the page's language
writes them: grouping and decimal marks, the order of day and month, the units of "ago"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from shared.web import formats, i18n

NOW = datetime(2026, 12, 7, 21, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "count", "fraction", "day", "moment"),
    [
        ("en", "12,345", "0.87", "2026-03-09", "2026-12-07 21:05"),
        ("tr", "12.345", "0,87", "09.03.2026", "07.12.2026 21:05"),
    ],
)
def test_numbers_and_dates_in_the_languages_format(
    locale: str, count: str, fraction: str, day: str, moment: str
) -> None:
    with i18n.speaking(locale):
        assert formats.number(12345) == count
        assert formats.decimal(0.8712) == fraction
        assert formats.day(date(2026, 3, 9)) == day
        assert formats.moment(NOW) == moment


def test_a_moment_is_written_in_utc_whatever_its_zone() -> None:
    istanbul = NOW.astimezone(timezone(timedelta(hours=3)))
    with i18n.speaking("tr"):
        assert formats.moment(istanbul) == "07.12.2026 21:05"


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("en", ["never", "12 s ago", "5 min ago", "3 h ago", "2 d ago", "0 s ago"]),
        ("tr", ["henüz yok", "12 sn önce", "5 dk önce", "3 sa önce", "2 gün önce", "0 sn önce"]),
    ],
)
def test_how_long_ago_in_the_languages_words(locale: str, said: list[str]) -> None:
    spans = (None, timedelta(seconds=12), timedelta(minutes=5, seconds=59), timedelta(hours=3))
    with i18n.speaking(locale):
        found = [formats.ago(None if s is None else NOW - s, NOW) for s in spans]
        found.append(formats.ago(NOW - timedelta(days=2, hours=23), NOW))
        found.append(formats.ago(NOW + timedelta(seconds=5), NOW))  # a clock a little ahead
    assert found == said


def test_an_expiry_says_how_far_away_or_how_long_past() -> None:
    with i18n.speaking("en"):
        assert formats.in_time(NOW + timedelta(minutes=52), NOW) == "in 52 min"
        assert formats.in_time(NOW - timedelta(hours=3), NOW) == "expired 3 h ago"
    with i18n.speaking("tr"):
        assert formats.in_time(NOW + timedelta(minutes=52), NOW) == "52 dk sonra"
        assert formats.in_time(NOW - timedelta(hours=3), NOW) == "3 sa önce sona erdi"
