"""The language model scored our way ranks exactly as py3langid ranks: the same languages in
the same order with the same probabilities, on the public set's texts cut as the classifier
cuts them, whole, in capitals, and on texts with nothing to go by."""

from __future__ import annotations

from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

from shared.domain.classification.language_model import LanguageModel
from tests.unit.domain.public_set import PUBLIC

ODD = ["", "   ", "12345", "STOP SALE HOTEL", "\ud800 lone surrogate", "😀 ok", "İPTAL"]


def test_the_same_ranking_as_py3langid() -> None:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["en", "tr", "de", "ru", "sr", "es", "he", "el", "kk"])
    model = LanguageModel(identifier)
    texts = [f"{subject}\n{body}" for _, _, subject, body in PUBLIC]
    for text in [*ODD, *texts, *(t[:80] for t in texts), *(t[:60].upper() for t in texts)]:
        assert model.rank(text) == identifier.rank(text), text[:60]
