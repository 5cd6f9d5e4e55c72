"""Literals a pattern cannot match without: a rule runs only on text that holds one of them.

``str.__contains__`` finds a literal in a few hundred nanoseconds; a pattern that starts
with a group or ``\\b`` is tried at every position and costs ten to a hundred times more.
With some three hundred rules in fourteen languages the check decides the classifier's
speed (``ingest.parse_classify_msgs_per_s``). The literals are read from the
compiled pattern's syntax tree, so the rules stay plain data.
"""

from __future__ import annotations

import importlib
from typing import Any

# Python 3.11+: the parser is re._parser (``sre_parse`` is its deprecated alias). Imported by
# name: typeshed has no stub for it, and whether a mypy build resolves it varies.
sre_parse: Any = importlib.import_module("re._parser")

MIN_LITERAL = 2
_LITERAL = sre_parse.LITERAL
_BRANCH = sre_parse.BRANCH
_SUBPATTERN = sre_parse.SUBPATTERN
_REPEATS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)
_ZERO_WIDTH = (sre_parse.AT,)

Literals = frozenset[str]


# Words in most mail of this trade: a literal among them filters nothing ("please book"
# should be found by "please", not by "book"). Substrings count: "book" is in "booking".
FREQUENT = (
    "book", "reserv", "rezerv", "buchung", "бронир", "бронюв", "date", "stay", "room", "sale",
    "stop", "check", "add", "remove", "instead", "guest", "hotel", "otel", "tarih", "oda", "ok",
)  # fmt: skip


def _frequent(literal: str) -> bool:
    return len(literal) <= 2 or any(word in literal for word in FREQUENT)


def _best(candidates: list[Literals]) -> Literals | None:
    """The most selective candidate: fewest frequent words, then the longest shortest
    literal, then the fewest literals."""
    usable = [c for c in candidates if c and min(len(s) for s in c) >= MIN_LITERAL]
    if not usable:
        return None
    return max(
        usable,
        key=lambda c: (-sum(map(_frequent, c)), min(len(s) for s in c), -len(c)),
    )


def _branch(branches: list[Any]) -> Literals | None:
    out: set[str] = set()
    for branch in branches:
        lits = _sequence(list(branch))
        if lits is None:
            return None
        out |= lits
    return frozenset(out)


def _sequence(items: list[tuple[Any, Any]]) -> Literals | None:
    """Literals one of which every match of the sequence ``items`` contains."""
    return _best(_required(items))


def _required(items: list[tuple[Any, Any]]) -> list[Literals]:
    """Every set of literals the sequence ``items`` needs one of (all of the sets)."""
    candidates: list[Literals] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, arg in items:
        if op is _LITERAL:
            run.append(chr(arg))
            continue
        if op in _ZERO_WIDTH:
            continue  # \b between letters: the letters are still adjacent
        end_run()
        if op is _BRANCH:
            lits = _branch(arg[1])
        elif op is _SUBPATTERN:
            lits = _sequence(list(arg[-1]))
        elif op in _REPEATS and arg[0] >= 1:
            lits = _sequence(list(arg[2]))
        else:
            lits = None
        if lits is not None:
            candidates.append(lits)
    end_run()
    return [c for c in candidates if c and min(len(s) for s in c) >= MIN_LITERAL]


def required_literals(pattern: str) -> tuple[Literals, ...] | None:
    """Sets of literals every match of ``pattern`` contains one of each (the most selective
    set first), or None when there is none of at least ``MIN_LITERAL`` characters: the
    pattern must always run."""
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - an unparseable pattern simply has no prefilter
        return None
    if parsed.state.flags & (sre_parse.SRE_FLAG_IGNORECASE | sre_parse.SRE_FLAG_VERBOSE):
        return None  # literals would not be what the text must contain
    required = _required(list(parsed))
    if not required:
        return None
    best = _best(required)
    return (best, *(r for r in required if r != best)) if best else None
