"""German, Dutch and the Nordic languages write compounds as one word ("Neubuchung",
"Stornierungsbestätigung", "Zimmerkontingentsperre", "verkoopstop", "Gruppenbuchung"): each
compound whose head is a word the rules know is followed by its parts, split before that
head ("neubuchung" → "neubuchung neu buchung"), so a rule written for the parts matches the
compound as well, in place (a negation or a question before it still reaches it). The heads
are data in ``languages`` (``compound_heads``).
"""

from __future__ import annotations

import re
from functools import cache

from shared.domain.classification.languages import LANGUAGES

MIN_MODIFIER = 3  # "neu", "zimmer", "gruppen": a head closer to the word's start is the word


@cache
def _heads(languages: frozenset[str]) -> re.Pattern[str] | None:
    heads = sorted(
        {h for lang in LANGUAGES if lang.code in languages for h in lang.compound_heads},
        key=len,
        reverse=True,
    )
    if not heads:
        return None
    # a head inside a word: at least MIN_MODIFIER letters before it
    return re.compile(rf"(?<=\w{{{MIN_MODIFIER}}})(?:{'|'.join(heads)})")


_WORD_END = re.compile(r"\w*")


def _word_start(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isalnum():
        i -= 1
    return i


def split_compounds(text: str, languages: frozenset[str]) -> str:
    """``text`` (folded) with the parts of its compounds after each compound."""
    heads = _heads(languages)
    if heads is None:
        return text
    out: list[str] = []
    done = 0  # text[:done] is in ``out``
    for m in heads.finditer(text):
        if m.start() < done:
            continue  # a second head in a word already split
        start = _word_start(text, m.start())
        end_m = _WORD_END.match(text, m.start())
        end = end_m.end() if end_m else m.end()
        out.append(text[done:end])
        out.append(f" {text[start : m.start()]} {text[m.start() : end]}")
        done = end
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)
