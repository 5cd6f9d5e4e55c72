"""The built-in phrase data, one module per language (Turkish tourism's source markets,
issue 13). Adding a language is adding a module here and its cases in
tests/unit/domain/language_cases.py; the engine does not change.

Each language also names its negations and its stop-sale and lift words; from those this
module builds, per language, the consuming rule that reads "<stop sale> … <lifted>" and
"<lift> … <stop sale>" in one sentence as an open sale.
"""

from __future__ import annotations

from shared.domain.classification.languages import (
    ar,
    common,
    cs,
    de,
    en,
    fa,
    fr,
    it,
    nl,
    nordic,
    pl,
    ru,
    tr,
    uk,
)
from shared.domain.classification.rule import Language, N, O, Rule

LANGUAGES: tuple[Language, ...] = tuple(
    m.LANGUAGE for m in (en, tr, de, ru, uk, pl, cs, nl, nordic, fr, it, ar, fa, common)
)
# within one sentence: no full stop (but the one inside a date, 01.08), no line end
_SAME_SENTENCE = r"(?:[^.!?\n]|(?<=\d)\.(?=\d)){0,60}?"


def lift_rule(lang: Language) -> Rule | None:
    """ "<stop sale> … <lifted>" or "<lift> of the <stop sale>", in either order within
    a sentence: an open sale, consuming both, so neither the stop-sale words nor a
    cancelling verb ("stop sale cancelled") count for their own labels."""
    if not (lang.stop_terms and lang.lift_terms):
        return None
    stop = "|".join(lang.stop_terms)
    lift = "|".join(lang.lift_terms)
    pattern = rf"(?:{stop}){_SAME_SENTENCE}\b(?:{lift})|\b(?:{lift}){_SAME_SENTENCE}(?:{stop})"
    return Rule(f"{lang.code}.opensale.stop_sale_lifted", O, pattern, 5.0, consume=True)


def _all_rules() -> tuple[Rule, ...]:
    neutral = [r for lang in LANGUAGES for r in lang.rules if r.label == N]
    lifts = [r for lang in LANGUAGES if (r := lift_rule(lang)) is not None]
    rest = [r for lang in LANGUAGES for r in lang.rules if r.label != N]
    return (*neutral, *lifts, *rest)


RULES: tuple[Rule, ...] = _all_rules()
NEGATIONS: tuple[str, ...] = tuple(dict.fromkeys(n for lang in LANGUAGES for n in lang.negations))
NEGATIONS_AFTER: tuple[str, ...] = tuple(
    dict.fromkeys(n for lang in LANGUAGES for n in lang.negations_after)
)
