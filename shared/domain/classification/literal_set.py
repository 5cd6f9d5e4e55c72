"""Which of many literals occur in a text, in one pass: RE2's ``Set`` (google-re2, already
the tenant rules' engine) compiles the escaped literals into one automaton and reports every
one that matches anywhere, in time linear in the text — where checking each literal with
``in`` costs a pass over the text per literal.

The answer is exactly ``{lit for lit in literals if lit in text}``. Should RE2 give up (its
automaton out of memory) or the text not encode (a lone surrogate), the literals are checked
one by one instead: a pattern that always matches is added first, so a failed search is told
from a text that holds none of them.
"""

from __future__ import annotations

from collections.abc import Iterable

import re2

_MEMORY = 64 << 20  # bytes for the automaton; some thousand literals need a few MB


class LiteralSet:
    """A fixed set of literals, found in texts."""

    def __init__(self, literals: Iterable[str]) -> None:
        self.literals: tuple[str, ...] = tuple(sorted(set(literals) - {""}))
        self._by_index = ("", *self.literals)  # by the index of their pattern in the set
        options = re2.Options()
        options.max_mem = _MEMORY
        self._set = re2.Set.SearchSet(options)
        self._set.Add("")  # index 0: matches every text, so a failure shows
        for literal in self.literals:
            self._set.Add(re2.escape(literal))
        self._set.Compile()

    def found(self, text: str) -> set[str]:
        """The literals that occur in ``text``."""
        try:
            hits = self._set.Match(text.encode())
        except UnicodeEncodeError:
            hits = None
        if not hits:  # RE2 gave up or could not read the text: one by one
            return {lit for lit in self.literals if lit in text}
        found = set(map(self._by_index.__getitem__, hits))
        found.discard("")  # index 0: the pattern that matches every text
        return found
