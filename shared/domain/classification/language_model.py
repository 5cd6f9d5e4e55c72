"""py3langid's naive Bayes model scored the way ``LanguageIdentifier.rank`` scores it, with the
same numbers, faster: the byte n-grams are counted in one loop without a ``Counter``; the
model's table, restricted to the languages asked about, is kept row by row (py3langid keeps
a column slice of the whole model: the row of each feature found is gathered from a cache
line per language) and the rows taken are widened to float32 before they are multiplied
(float16 operands take numpy's slow path, not BLAS). The float16 values widen exactly, so
the products and sums are the ones py3langid computes.

Only the restricted table and the tokenizer are kept: the identifier that loaded them, with
the model of every language, is not.
"""

from __future__ import annotations

import math
import unicodedata
from array import array
from collections import Counter
from operator import itemgetter
from typing import Any

import numpy as np

_IS_FEATURE = (-1).__lt__  # a state's output: a feature's index, or -1 for none
_MAX, _SUM = np.maximum.reduce, np.add.reduce


class LanguageModel:
    """``rank(text)``: the languages by probability, most likely first, as py3langid ranks
    them (``norm_probs=True``)."""

    def __init__(self, identifier: Any) -> None:
        """``identifier``: a py3langid ``LanguageIdentifier`` (normalised probabilities)
        already restricted to the languages wanted (``set_languages``)."""
        # the walk's tables as flat C arrays (py3langid keeps two of them as lists of Python
        # ints, a pointer and an object to fetch per byte): what a walk touches stays in the
        # cache, where it decides the walk's time more than the interpreted work does
        self._next = identifier.tk_nextmove
        self._rowbase = array("l", identifier._rowbase)
        self._output = array("l", identifier.tk_output)
        # row by row (a feature's probabilities in one or two cache lines, not one line per
        # language); float16 as in the model, widened after the rows are taken
        self._table = np.ascontiguousarray(identifier.nb_ptc)
        self._prior = identifier.nb_pc
        self._classes: list[str] = list(identifier.nb_classes)
        # a label twice (script aliases: srl -> sr): the second column folds into the first
        self._aliases: list[tuple[int, int]] = list(identifier._alias_pairs)
        # one column per label, the first of its columns (which holds the merged score)
        firsts: dict[str, int] = {}
        for i, label in enumerate(self._classes):
            firsts.setdefault(label, i)
        self._labels = tuple(firsts)
        self._columns = tuple(firsts.values())

    def _counts(self, data: bytes) -> dict[int, int]:
        """Feature -> occurrences, in the order first seen (``Counter``'s order). The walk
        only records the states (the least Python a byte can cost); their features are
        looked up, kept and counted in C."""
        nm, rowbase = self._next, self._rowbase
        state = 0
        states = [state := nm[rowbase[state] + byte] for byte in data]
        return Counter(filter(_IS_FEATURE, map(self._output.__getitem__, states)))

    def _probabilities(self, text: str) -> Any:
        if text.isupper():
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
        found = self._counts(data)
        if found:
            idx = np.fromiter(found, dtype=np.intp, count=len(found))
            counts = np.fromiter(found.values(), dtype=np.float32, count=len(found))
            scores = np.log1p(counts) @ self._table[idx].astype(np.float32) + self._prior
        else:  # no feature: every language alike
            scores = np.zeros(len(self._classes), dtype=np.float32)
        # temperature sqrt(bytes), then softmax: py3langid's calibration across lengths
        # (the reductions called directly: ``ndarray.max`` and ``sum`` are Python wrappers
        # around the same ones)
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - _MAX(scores), out=scores)
        scores /= _SUM(scores)
        for first, dupe in self._aliases:
            scores[first] += scores[dupe]
            scores[dupe] = 0.0
        return scores

    def rank(self, text: str) -> list[tuple[str, float]]:
        probabilities = self._probabilities(text).tolist()
        merged = zip(self._labels, map(probabilities.__getitem__, self._columns), strict=True)
        return sorted(merged, key=itemgetter(1), reverse=True)
