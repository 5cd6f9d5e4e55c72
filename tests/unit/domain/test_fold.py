"""Folding letter by letter gives what translating the whole text with the table gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.classification.text import _FOLD, fold

_MARKS = re.compile(r"[\u064b-\u065f\u0670]")
_LATIN_MARKS = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")


def translated(text: str) -> str:
    """Folding as the whole table applied with ``str.translate``."""
    text = text.translate(_FOLD).lower()
    if not text.isascii():
        text = _MARKS.sub("", text)
        if re.search(r"[\u0300-\u036f]", text):
            text = unicodedata.normalize(
                "NFC", _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
            )
    return re.sub(r"[ \t\r\f\v]+", " ", text)


LETTERS = "".join(chr(k) for k in _FOLD) + "aIiZ  \t\r\f\v\n.-éйЙΣσ\u0301\u064eé"


@settings(max_examples=500)
@given(st.text(alphabet=LETTERS, max_size=60) | st.text(max_size=60))
def test_the_same_as_translating_the_text(text: str) -> None:
    assert fold(text) == translated(text)


def test_examples() -> None:
    assert fold("İPTAL EDİLMİŞTİR") == "iptal edilmistir"
    assert fold("Stornierung  für\tGäste") == "stornierung fur gaste"
    assert fold("ABC") == "abc"


def test_no_replacement_holds_a_letter_that_is_replaced() -> None:
    """Folding replaces the letters one after the other: that is the same as replacing them
    all at once only while no replacement is replaced again."""
    from shared.domain.classification.text import _FOLDED, _FOLDED_LETTERS

    assert not [v for v in _FOLDED.values() if _FOLDED_LETTERS.intersection(v)]
