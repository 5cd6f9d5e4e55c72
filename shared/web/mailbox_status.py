"""A mailbox card's health lines in words people use: the state's word and hint
(``shared.web.state_words``), when mail was last looked for, the day's count, and a grey line
with the day's counters. A mailbox not reported on yet is "Not started yet" (waiting for its
first check), not a warning, until that wait is longer than a healthy start ever takes."""

from __future__ import annotations

from datetime import datetime

from shared.domain.models import Health
from shared.service.health_view import NOT_STARTED, not_started, stale
from shared.web.formats import ago, decimal, number
from shared.web.i18n import _, ngettext
from shared.web.state_words import StateWords

__all__ = ["NOT_STARTED", "detail", "last_error", "not_started", "stale", "summary"]


def _count(value: int | None) -> str:
    return number(value) if value is not None else "–"


def summary(words: StateWords, health: Health, now: datetime) -> str:
    """The health line under "Connection health" (the page refreshes it by itself)."""
    emails = ngettext("%(num)s email today", "%(num)s emails today", health.processed_24h)
    return _(
        "%(word)s — %(hint)s | Last sync: %(synced)s | %(emails)s",
        word=words.word,
        hint=words.hint,
        synced=ago(health.last_sync_at, now),
        emails=emails % {"num": number(health.processed_24h)},
    )


def detail(health: Health, now: datetime) -> str:
    """The grey line under it: the day's counters."""
    avg = health.avg_processing_ms
    return " · ".join(
        (
            _("Last connection %(ago)s", ago=ago(health.last_connect_at, now)),
            _("last email %(ago)s", ago=ago(health.last_event_at, now)),
            _("errors 24 h: %(count)s", count=number(health.errors_24h)),
            _("failed 24 h: %(count)s", count=number(health.failed_24h)),
            _("to review 24 h: %(count)s", count=number(health.needs_review_24h)),
            _(
                "average processing: %(ms)s",
                ms=_("%(ms)s ms", ms=decimal(avg, 0)) if avg is not None else "–",
            ),
            _("waiting on the server: %(count)s", count=_count(health.pending)),
        )
    )


def last_error(health: Health, now: datetime) -> str:
    """The card's "Last error" line; empty when the mailbox has none on record."""
    if not health.last_error:
        return ""
    return _(
        "Last error (%(ago)s): %(error)s",
        ago=ago(health.last_error_at, now),
        error=health.last_error,
    )
