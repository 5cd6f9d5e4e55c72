"""The labels as the page names them (a select's value and the JSON keep the label itself):
"stop sale" for ``stopsale``, "rezervasyon" for ``booking`` in Turkish."""

from __future__ import annotations

from shared.domain.event import OVERSIZED, UNPARSEABLE
from shared.domain.labels import Label
from shared.web.i18n import N_, _

NAMES = {
    Label.BOOKING: N_("booking"),
    Label.STOPSALE: N_("stop sale"),
    Label.OPENSALE: N_("open sale"),
    Label.CANCELLATION: N_("cancellation"),
    Label.AMENDMENT: N_("amendment"),
    Label.OTHER: N_("other"),
    UNPARSEABLE: N_("unreadable"),
    OVERSIZED: N_("too large to read"),
}


def name(label: str) -> str:
    """``label``'s name in the page's language (an unknown one: as it is)."""
    return _(NAMES[label]) if label in NAMES else label


def names_with(extra: dict[str, str]) -> dict[str, str]:
    """Every label's name, and ``extra`` choices (a select's "(keep)")."""
    return {**extra, **{str(label): name(label) for label in NAMES}}
