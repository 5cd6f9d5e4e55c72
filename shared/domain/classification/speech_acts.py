"""What the sentence around an intent word does with it: asks about it ("will there be a stop
sale in August?"), or makes it a condition ("if not confirmed by Friday we will cancel") —
then the word is not the message's intent. A question that asks for the act ("could you
please cancel booking 4471?") is a request: it counts. The words come from ``languages``.

Sentences end at ".", "!", "?" or a line end (not at the dot inside a date, 01.08).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from shared.domain.classification.fast_patterns import fast_word_start
from shared.domain.classification.languages import LANGUAGES

QUESTION, CONDITIONAL = "question", "conditional"
MAX_SENTENCE = 300  # characters looked at on either side of an intent word


def _alternatives(words: tuple[str, ...]) -> str:
    return (
        "|".join(w if w.startswith("^") else fast_word_start(w) + r"(?!\w)" for w in words)
        or "(?!)"
    )


@dataclass(frozen=True)
class _Words:
    conditional: re.Pattern[str]
    request: re.Pattern[str]
    # a question word ("whether", "ob", "ли") asks whatever else the sentence says ("please
    # let us know whether …"); an opener ("will there be …") or a "?" asks unless it requests
    asks: re.Pattern[str]
    opener: re.Pattern[str]


@cache
def _words(languages: frozenset[str]) -> _Words:
    """The words of these languages only: Hungarian "ha" (if) is Italian "ha" (has)."""

    def of(kind: str) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(
                w for lang in LANGUAGES if lang.code in languages for w in getattr(lang, kind)
            )
        )

    questions = of("questions")
    return _Words(
        re.compile(_alternatives(of("conditionals"))),
        re.compile(_alternatives(of("requests"))),
        re.compile(_alternatives(tuple(w for w in questions if w[0] != "^"))),
        re.compile(_alternatives(tuple(w for w in questions if w[0] == "^"))),
    )


_END = re.compile(r"[!?\n]|\.(?!\d)")


def _sentence_start(text: str, start: int) -> int:
    """Where the sentence holding ``text[start]`` begins: after the last "!", "?", line end
    or full stop (not one between two digits: 01.08) within ``MAX_SENTENCE`` before it
    (found with ``str.rfind``, not character by character)."""
    low = max(0, start - MAX_SENTENCE)
    end = max(
        text.rfind("!", low, start), text.rfind("?", low, start), text.rfind("\n", low, start)
    )
    after = max(low, end + 1)
    dot = text.rfind(".", after, start)
    while dot >= 0:
        if not (0 < dot < len(text) - 1 and text[dot - 1].isdigit() and text[dot + 1].isdigit()):
            return dot + 1
        dot = text.rfind(".", after, dot)
    return end + 1 if end >= 0 else low


def act_at(text: str, start: int, end: int, languages: frozenset[str]) -> str | None:
    """``QUESTION``, ``CONDITIONAL`` or None for the intent word at ``text[start:end]``, in a
    text of these (rule) languages."""
    words = _words(languages)
    begin = _sentence_start(text, start)
    m = _END.search(text, end, end + MAX_SENTENCE)
    stop = m.start() if m else min(len(text), end + MAX_SENTENCE)
    sentence = text[begin:stop].strip()
    if words.asks.search(sentence):
        return QUESTION
    # an opener asks without its "?" only at a line's start (not after a date's full stop)
    opens_line = begin == 0 or text[begin - 1] == "\n"
    asked = (m is not None and m.group() == "?") or (opens_line and words.opener.match(sentence))
    if asked and not words.request.search(sentence):
        return QUESTION
    if words.conditional.search(text, begin, start):
        return CONDITIONAL
    return None
