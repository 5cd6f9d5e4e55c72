"""The public labelled set, all of it: per language every label (``language_cases``), the
machine notifications of channel managers and extranets (``notification_cases``), 'other'
mail that talks about bookings (``talk_cases``) and what the new text does however it is
said — questions, conditionals, threads, footers, compounds, further languages
(``speech_cases``). ``make bench`` measures the classifier on it; the held-out set
(``holdout_cases``) is kept apart."""

from __future__ import annotations

from tests.unit.domain import language_cases, notification_cases, speech_cases, talk_cases

NOTIFICATIONS = notification_cases.CASES
TALK = talk_cases.CASES
PUBLIC: list[tuple[str, str, str, str]] = [
    *language_cases.CASES,
    *notification_cases.CASES,
    *talk_cases.CASES,
    *speech_cases.CASES,
]
