"""When a built-in label is almost surely right, and when it is not, why: the runner-up label,
the margin in points, and the doubts that held it back.

A label is confident only when all of these hold:
- ``nothing`` / ``weak``: the winner has at least ``CONFIDENT_POINTS`` (an ``other`` that no
  rule named is ``nothing``);
- ``close``: the runner-up has at most ``CONFIDENT_MARGIN`` of the winner's points;
- ``stopsale_and_opensale``: not both a stop sale and an open sale scored, unless a lift rule
  ("stop sale lifted") explains the stop-sale words — the costliest confusion there is;
- ``question`` / ``conditional``: no intent word of the message's own text was discounted as
  asked about or as a condition ("will there be a stop sale?", "if not confirmed we will
  cancel") — the speech act decided the label, so a human looks;
- ``thread_only``: the winner's points are not all from the thread (the reply subject, the
  quote) while the new text says nothing of its own;
- ``language_unsure``: the text's language was not told and the winner rests on the rules
  of languages other than English and the neutral ones, with fewer than
  ``SURE_WITHOUT_LANGUAGE`` points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.domain.classification.speech_acts import CONDITIONAL, QUESTION
from shared.domain.labels import Label

BESIDE_OPENSALE = "beside_opensale"  # stop-sale words in a text that says sales are open
CONFIDENT_POINTS = 3.0  # the winner needs this much ...
CONFIDENT_MARGIN = 0.67  # ... and the runner-up at most this share of it
# an untold language's rules alone: sure only with phrases in several fields
SURE_WITHOUT_LANGUAGE = 6.0


@dataclass
class Evidence:
    """What scoring saw besides the points."""

    language_sure: bool = True
    lifted: bool = False  # a lift rule read stop-sale words as an open sale
    # (label, "question" | "conditional"): an intent word the speech act discounted;
    # (stopsale, BESIDE_OPENSALE): stop-sale words read as the object of an open sale
    speech_acts: set[tuple[str, str]] = field(default_factory=set)
    fresh_labels: set[str] = field(default_factory=set)  # labels the message itself states
    # the languages of the rules behind each label's points
    languages: dict[str, set[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    confident: bool
    runner_up: str | None
    margin: float
    doubts: tuple[str, ...]


def judge(ranked: list[tuple[str, float]], evidence: Evidence) -> Verdict:
    """``ranked``: (label, points), best first; the winner is ``ranked[0]``."""
    best_label, best = ranked[0]
    runner_up, second = ranked[1] if len(ranked) > 1 else (None, 0.0)
    doubts: list[str] = []
    if best_label == Label.OTHER and best <= 0:
        doubts.append("nothing")
    elif best < CONFIDENT_POINTS:
        doubts.append("weak")
    if second > best * CONFIDENT_MARGIN:
        doubts.append("close")
    labels = {label for label, points in ranked if points > 0}
    kinds = {kind for _, kind in evidence.speech_acts}
    if (
        {Label.STOPSALE, Label.OPENSALE} <= labels and not evidence.lifted
    ) or BESIDE_OPENSALE in kinds:
        doubts.append("stopsale_and_opensale")
        if runner_up is None and best_label == Label.OPENSALE:
            runner_up = Label.STOPSALE  # its words were there, read as the open sale's object
    doubts.extend(sorted(kinds & {QUESTION, CONDITIONAL}))
    if best_label != Label.OTHER and best_label not in evidence.fresh_labels:
        doubts.append("thread_only")
    own = evidence.languages.get(best_label, set())
    if (
        not evidence.language_sure
        and best < SURE_WITHOUT_LANGUAGE
        and own
        and not own & {"en", "any"}
    ):
        doubts.append("language_unsure")
    return Verdict(not doubts, runner_up, round(best - second, 2), tuple(doubts))
