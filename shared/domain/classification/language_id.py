"""Which languages' rules apply to a message: the languages its new text is written in, told
by py3langid (a naive Bayes model over byte n-grams that ships inside its package: nothing
is downloaded at run time), restricted to the languages the rules know and their close
neighbours. English (the trade's lingua franca) and the language-neutral rules always apply.

When identification is unsure but leans to a language the rules know, the three most
likely apply; when the text is too short to tell, the model hesitates or the language is
one no module covers, every language written in the text's script applies: an Italian
rule no longer fires on English text, yet a three-word Polish subject still meets the
Polish rules.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from shared.domain.classification.language_model import LanguageModel
from shared.domain.classification.languages import LANGUAGES

ALWAYS = frozenset({"en", "any"})
SAMPLE_CHARS = 80  # the opening of the new text says its language; the rest costs time
MIN_LETTERS = 24  # fewer letters than this: too short to tell Latin languages apart
SURE = 0.85  # the model's probability for the first language that makes it sure
ALSO = 0.15  # a second language this likely is applied too (a mixed text)
LEANING = 0.5  # unsure, but leaning to a language the rules know: ...
UNSURE_TOP = 3  # ... the three most likely apply
# close languages the model may tell from ours on short text, so it is asked about them
# too (an answer among them is not sure: the script's languages apply)
NEIGHBOURS = ("es", "pt", "sl", "be", "ca", "lb", "is")

_SCRIPTS = {
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "hebrew": re.compile(r"[\u0590-\u05ff]"),
    "greek": re.compile(r"[\u0370-\u03ff]"),
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
}
_NOT_LETTERS = re.compile(r"[\W\d_]+")


@dataclass(frozen=True)
class Scope:
    """The rule languages applied to one message, and how they were chosen."""

    languages: frozenset[str]
    identified: tuple[str, ...]  # the model's languages (ISO 639-1), most likely first
    sure: bool


class _Identifier(Protocol):
    def rank(self, text: str) -> list[tuple[str, float]]: ...


@dataclass(frozen=True)
class _Tables:
    module_of: dict[str, str]  # identifier code -> rule language code
    by_script: dict[str, frozenset[str]]
    identifier: _Identifier


_BUILDING = threading.Lock()


def _tables() -> _Tables:
    """Built once per process, on first use (loading the model takes most of a second):
    threads asking at once — a replica's first mail in many mailboxes — wait for the one
    building it instead of each building its own."""
    with _BUILDING:
        return _built()


@cache
def _built() -> _Tables:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    module_of: dict[str, str] = {}
    by_script: dict[str, set[str]] = {}
    for lang in LANGUAGES:
        if lang.code in ALWAYS:
            continue
        for code in lang.identified_as or (lang.code,):
            module_of[code] = lang.code
        by_script.setdefault(lang.script, set()).add(lang.code)
    identifier: Any = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = set(identifier.nb_classes)
    identifier.set_languages(sorted((set(module_of) | set(NEIGHBOURS) | {"en"}) & known))
    return _Tables(
        module_of,
        {script: frozenset(codes) for script, codes in by_script.items()},
        LanguageModel(identifier),  # the same ranking, faster; the whole model let go
    )


def _scripts_of(text: str) -> list[str]:
    if text.isascii():
        return ["latin"]
    return [script for script, pattern in _SCRIPTS.items() if pattern.search(text)]


def identify(text: str) -> Scope:
    """The scope for a message whose new text (subject first) is ``text``."""
    tables = _tables()
    # words only: numbers, dates and punctuation say nothing of the language and cost time
    sample = _letters(text)
    if len(sample) - sample.count(" ") < MIN_LETTERS:
        return Scope(_broad(sample, tables), (), sure=False)
    ranked = tables.identifier.rank(sample)
    first, p_first = ranked[0]
    likely = _likely(ranked)
    if (first not in tables.module_of and first != "en") or p_first < LEANING:
        return Scope(_broad(sample, tables), likely, sure=False)
    if p_first < SURE:  # a mix, or close languages: the few most likely
        close = {tables.module_of[c] for c, _ in ranked[:UNSURE_TOP] if c in tables.module_of}
        return Scope(frozenset(ALWAYS | close), likely, sure=False)
    chosen = set(ALWAYS) | {tables.module_of[c] for c in likely if c in tables.module_of}
    return Scope(frozenset(chosen), likely, sure=True)


def _letters(text: str) -> str:
    """The first ``SAMPLE_CHARS`` of the text's opening (twice that) with each run of other
    characters one space. Each run becomes one space whether it is cut or not, so the
    result for a shorter opening is the start of the result for the longer one: when that
    is long enough already, the rest of the opening is not looked at."""
    sample = _NOT_LETTERS.sub(" ", text[: SAMPLE_CHARS * 6 // 5])
    if len(sample) < SAMPLE_CHARS:
        sample = _NOT_LETTERS.sub(" ", text[: SAMPLE_CHARS * 2])
    return sample[:SAMPLE_CHARS]


def _likely(ranked: list[tuple[str, float]]) -> tuple[str, ...]:
    """The languages at least ``ALSO`` likely: the first of the ranking (most likely first)."""
    count = 0
    for _, p in ranked:
        if p < ALSO:
            break
        count += 1
    return tuple(code for code, _ in ranked[:count])


def _broad(sample: str, tables: _Tables) -> frozenset[str]:
    """Every language written in the sample's script(s)."""
    broad = set(ALWAYS)
    for script in _scripts_of(sample):
        broad |= tables.by_script.get(script, frozenset())
    return frozenset(broad)
