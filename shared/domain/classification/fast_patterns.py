"""The same pattern in a form Python's regex engine scans fast. A pattern that starts with a
word boundary (``\\bstop``, ``\\b(buchung|reservierung)``) gives the engine no first
character to skip to, so it tries every position of the text; with the boundary moved
behind the first letter as a look-behind (``s(?<!\\w.)top``: the character before the ``s``
is no word character) it matches exactly the same and the engine jumps from one ``s`` to
the next — three to seven times faster on a mail's text.

Only the plain forms are rewritten: a branch that starts with ``\\b`` and a letter not
followed by a quantifier, or ``\\b`` and a group whose branches all do. Anything else is
left as written.
"""

from __future__ import annotations

import itertools

_BOUNDARY = "\\b"
_LOOK_BEHIND = "(?<!\\w.)"
_QUANTIFIERS = "?*+{"


def _structure(pattern: str) -> list[tuple[int, str, int]] | None:
    """(index, character, depth before it) of each ``(``, ``)`` and ``|`` that is neither
    escaped nor in a character class; None when the parentheses do not balance."""
    out: list[tuple[int, str, int]] = []
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += pattern[i + 1 : i + 2] == "]"  # "[]...]": the "]" is a member
        elif ch in "()|":
            out.append((i, ch, depth))
            depth += {"(": 1, ")": -1, "|": 0}[ch]
            if depth < 0:
                return None
        i += 1
    return None if depth or in_class else out


def _branches(pattern: str) -> list[str] | None:
    """The top-level alternatives of ``pattern``; None when it cannot be split safely."""
    marks = _structure(pattern)
    if marks is None:
        return None
    cuts = [i for i, ch, depth in marks if ch == "|" and depth == 0]
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[a + 1 : b] for a, b in itertools.pairwise(bounds)]


def _group_end(pattern: str) -> int | None:
    """The index of the ``)`` closing the group that opens ``pattern``."""
    for i, ch, depth in _structure(pattern) or ():
        if ch == ")" and depth == 1:
            return i
    return None


def _letter_first(branch: str) -> str | None:
    """``branch`` (a word boundary before it) with the boundary behind its first letter."""
    if len(branch) >= 2 and branch[0].isalpha() and branch[1] not in _QUANTIFIERS:
        return branch[0] + _LOOK_BEHIND + branch[1:]
    if (branch.startswith("(") and not branch.startswith("(?")) or branch.startswith("(?:"):
        head = 3 if branch.startswith("(?:") else 1
        end = _group_end(branch)
        if end is None or branch[end + 1 : end + 2] in tuple(_QUANTIFIERS):
            return None
        inner = _branches(branch[head:end])
        if inner is None:
            return None
        moved = [_letter_first(b) for b in inner]
        if any(m is None for m in moved):
            return None
        return branch[:head] + "|".join(m for m in moved if m is not None) + branch[end:]
    return None


def fast_form(pattern: str) -> str:
    """``pattern`` with each leading word boundary moved behind the first letter it guards."""
    branches = _branches(pattern)
    if branches is None:
        return pattern
    out = []
    for branch in branches:
        moved = _letter_first(branch[2:]) if branch.startswith(_BOUNDARY) else None
        out.append(branch if moved is None else moved)
    return "|".join(out)


def fast_word_start(pattern: str) -> str:
    """``(?<!\\w)pattern`` (``pattern`` not inside a longer word), the look-behind moved
    behind the first letter as for a leading ``\\b`` when ``pattern`` allows it: the same
    matches, without trying every position of the text."""
    moved = _letter_first(pattern)
    return moved if moved is not None else _NOT_AFTER_WORD + pattern


_NOT_AFTER_WORD = "(?<!\\w)"
