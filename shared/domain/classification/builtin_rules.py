"""Built-in classification rules, as data: one module per language in ``languages/``.

Weights: specific intents (cancel, amend, stop/open sale) outweigh generic booking words, so
"Rezervasyon İptali" is a cancellation and "Booking modified" an amendment. Open-sale
phrases outweigh the stop-sale words they usually quote ("stop sale kaldırılmıştır").
"""

from __future__ import annotations

from shared.domain.classification.languages import LANGUAGES, NEGATIONS, NEGATIONS_AFTER, RULES
from shared.domain.classification.rule import Language, Rule

__all__ = ["LANGUAGES", "NEGATIONS", "NEGATIONS_AFTER", "RULES", "Language", "Rule"]
