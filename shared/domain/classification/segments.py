"""The new text in two parts: what the sender says now, and what comes with every mail of
theirs — the signature after a sign-off or "-- ", and footer lines (booking-engine link bars,
unsubscribe notes, disclaimers; ``boilerplate``). The engine scores the footer as a field of
its own: its operational words ("Manage booking | Cancel | Amend") count little there, while
what it says of the genre (a newsletter's "unsubscribe") still counts."""

from __future__ import annotations

from shared.domain.classification.boilerplate import FOOTER_LINE, SIGN_OFF, SIGNATURE_DELIMITER

MAX_SIGN_OFF = 60  # a longer line says more than goodbye


def split_own_words(folded: str) -> tuple[str, str]:
    """(what the sender says, the signature and footer lines) of folded new text."""
    lines = folded.splitlines()
    own: list[str] = []
    rest: list[str] = []
    said = False  # a sign-off closes a text only after something was said
    for i, line in enumerate(lines):
        bare = line.strip()
        if bare == SIGNATURE_DELIMITER or (
            said and bare and len(bare) <= MAX_SIGN_OFF and SIGN_OFF.match(bare)
        ):
            rest.extend(lines[i:])
            break
        if bare and FOOTER_LINE.search(bare):
            rest.append(line)
            continue
        own.append(line)
        said = said or bool(bare)
    return "\n".join(own), "\n".join(rest)
