"""The shape of the built-in classification data: a rule (a phrase, its label and weight) and
a language (its rules plus the words the engine needs for scopes: what negates, what lifts a
stop sale). Patterns match *folded* text (``text.fold``): lower case, Latin letters without
accents ("sprzedaży" → "sprzedazy", "ændring" → "aendring"), Arabic-script letters in one
form each; Cyrillic stays Cyrillic.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.labels import Label

B, S, O, C, A, X = Label  # noqa: E741 - the rule tables read best one letter per label
N = "neutral"


@dataclass(frozen=True)
class Rule:
    id: str  # "<language>.<label>.<name>": the event's classification.rules names it
    label: str  # a Label, or "neutral" (scores nothing, only consumes)
    pattern: str
    weight: float
    # A consuming rule blanks what it matched before the other rules run, so the words
    # inside it count once, for it: "stop sale cancelled" is an open sale, not also a stop
    # sale and a cancellation; "free cancellation" in a booking is terms, not a cancellation.
    consume: bool = False
    # A genre rule names mail that only talks about bookings (marketing, maintenance
    # notices, newsletters): when it is clearly there, operational words are its topic.
    genre: bool = False


@dataclass(frozen=True)
class Language:
    code: str
    rules: tuple[Rule, ...]
    # words that negate the intent word after them ("not cancelled", "keine Änderung")
    negations: tuple[str, ...] = ()
    # words that negate the intent word before them ("wir stornieren nicht", "annuleren niet")
    negations_after: tuple[str, ...] = ()
    # stop-sale phrases and the words that lift one: either order, in one sentence, is an
    # open sale ("stop sale lifted", "Aufhebung des Verkaufsstopps", "رفع وقف البيع")
    stop_terms: tuple[str, ...] = ()
    lift_terms: tuple[str, ...] = ()
    # the codes a language identifier gives its text (ISO 639-1; several for a module that
    # covers close languages, as ``nordic`` does) and its script: when identification is
    # unsure, every language of the text's script applies
    identified_as: tuple[str, ...] = ()
    # speech acts: words that open a conditional clause ("if", "falls", "eger", "если"),
    # that make a sentence a question without its "?" ("whether", "ли"), and that make a
    # question a request ("could you please cancel …?" is a cancellation)
    # heads of compounds ("buchung" in "Neubuchung"): a word with one of them inside is
    # followed by its parts (``compounds``), so rules for the parts match it
    compound_heads: tuple[str, ...] = ()
    conditionals: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()
    script: str = "latin"
