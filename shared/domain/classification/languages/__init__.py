"""The built-in phrase data, one module per language (Turkish tourism's source markets). Adding
a language is adding a module here and its cases in
tests/unit/domain/language_cases.py; the engine does not change.

Each language also names its negations and its stop-sale and lift words; from those this
module builds, per language, the consuming rule that reads "<stop sale> … <lifted>" and
"<lift> … <stop sale>" in one sentence as an open sale.
"""

from __future__ import annotations

from shared.domain.classification.languages import (
    ar,
    bg,
    common,
    cs,
    de,
    el,
    en,
    fa,
    fr,
    he,
    hu,
    it,
    kk,
    nl,
    nordic,
    pl,
    ro,
    ru,
    sr,
    tr,
    uk,
)
from shared.domain.classification.rule import Language, N, O, Rule

LANGUAGES: tuple[Language, ...] = tuple(
    m.LANGUAGE
    for m in (
        en,
        tr,
        de,
        ru,
        uk,
        pl,
        cs,
        nl,
        nordic,
        fr,
        it,
        ar,
        fa,
        he,
        ro,
        el,
        bg,
        sr,
        hu,
        kk,
        common,
    )
)
# within one sentence: no full stop (but the one inside a date, 01.08), no line end
_SAME_SENTENCE = r"(?:[^.!?\n]|(?<=\d)\.(?=\d)){0,60}?"


def lift_rules(lang: Language) -> tuple[Rule, ...]:
    """ "<stop sale> … <lifted>" and "<lift> of the <stop sale>" within a sentence: an
    open sale, consuming both, so neither the stop-sale words nor a cancelling verb
    ("stop sale cancelled") count for their own labels. (Two rules, not one alternation:
    each needs a stop-sale word *and* a lift word, which the literal prefilter checks.)"""
    if not (lang.stop_terms and lang.lift_terms):
        return ()
    stop = "|".join(lang.stop_terms)
    lift = "|".join(lang.lift_terms)
    return (
        Rule(
            f"{lang.code}.opensale.stop_sale_lifted",
            O,
            rf"(?:{stop}){_SAME_SENTENCE}\b(?:{lift})",
            5.0,
            consume=True,
        ),
        Rule(
            f"{lang.code}.opensale.lift_of_stop_sale",
            O,
            rf"\b(?:{lift}){_SAME_SENTENCE}(?:{stop})",
            5.0,
            consume=True,
        ),
    )


def _all_rules() -> tuple[Rule, ...]:
    neutral = [r for lang in LANGUAGES for r in lang.rules if r.label == N]
    lifts = [r for lang in LANGUAGES for r in lift_rules(lang)]
    rest = [r for lang in LANGUAGES for r in lang.rules if r.label != N]
    return (*neutral, *lifts, *rest)


RULES: tuple[Rule, ...] = _all_rules()
NEGATIONS: tuple[str, ...] = tuple(dict.fromkeys(n for lang in LANGUAGES for n in lang.negations))
NEGATIONS_AFTER: tuple[str, ...] = tuple(
    dict.fromkeys(n for lang in LANGUAGES for n in lang.negations_after)
)
