"""What the built-in classifier answered on a fixed set of mails, kept as test data
(``tests/data/classification_reference.json``) so that a change to how the rules are matched
— not to the rules — can be shown to give exactly the same labels, rules and confidence.

The mails: the public labelled set, the written classification cases, the sample corpus, and
mails generated from them (one case's subject over another's body, as a reply quoting a
third, with a PDF attachment that carries a fourth's text) so that combinations nobody
wrote are covered too. The held-out set is not among them.

Written once from the classifier as it was before a restructuring, and again only when the
rules themselves change: ``python -m tests.unit.domain.classification_reference``.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from shared.domain.classification import classify
from shared.domain.mime import parse_message
from tests.unit.domain.classification_cases import CASES as WRITTEN
from tests.unit.domain.pdf_files import minimal_pdf
from tests.unit.domain.public_set import PUBLIC

DATA = Path(__file__).resolve().parents[2] / "data"
REFERENCE = DATA / "classification_reference.json"
CORPUS = DATA / "corpus"
GENERATED = 600
SEED = 20261207


@dataclass(frozen=True)
class Answer:
    """What the classifier said of one mail (every field the event carries)."""

    label: str
    score: float
    rules: list[str]
    confident: bool
    runner_up: str | None
    margin: float | None
    doubts: list[str]
    tags: list[str]


def _mail(
    subject: str,
    body: str,
    sender: str = "Reservations <res@partner.example>",
    pdf_text: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ops@agency.example"
    msg["Subject"] = subject
    msg.set_content(body)
    if pdf_text is not None:
        ascii_text = (
            pdf_text.encode("ascii", "replace")
            .decode()
            .replace("(", " ")
            .replace(")", " ")
            .replace("\\", " ")
        )
        msg.add_attachment(
            minimal_pdf(ascii_text[:200]),
            maintype="application",
            subtype="pdf",
            filename="details.pdf",
        )
    return msg.as_bytes()


def mails() -> dict[str, bytes]:
    """Every mail of the reference, by a stable name."""
    out: dict[str, bytes] = {}
    for i, (_, _, subject, body) in enumerate(PUBLIC):
        out[f"public/{i}"] = _mail(subject, body)
    for i, (_, subject, body) in enumerate(WRITTEN):
        out[f"written/{i}"] = _mail(subject, body, sender="sales@hotel.example")
    for path in sorted(CORPUS.glob("*.eml")):
        out[f"corpus/{path.name}"] = path.read_bytes()
    texts = [(c[2], c[3]) for c in PUBLIC] + [(c[1], c[2]) for c in WRITTEN]
    rng = random.Random(SEED)
    for i in range(GENERATED):
        (subject, _), (_, body), (_, quoted), (_, attached) = rng.sample(texts, 4)
        prefix = rng.choice(["", "Re: ", "FW: ", "AW: ", "YNT: "])
        quote = "\n".join(f"> {line}" for line in quoted.splitlines())
        text = f"{body}\n\nOn Mon, 7 Dec 2026 someone wrote:\n{quote}" if prefix else body
        # a mail that says little, its meaning in the attachment, now and then
        short = rng.random() < 0.15
        out[f"generated/{i}"] = _mail(
            prefix + subject,
            "Please see the attached." if short else text,
            pdf_text=attached if short else None,
        )
    return out


def answer(raw: bytes) -> dict[str, Any]:
    result = classify(parse_message(raw))
    return asdict(
        Answer(
            result.label,
            result.score,
            list(result.rules),
            result.confident,
            result.runner_up,
            result.margin,
            list(result.doubts),
            list(result.tags),
        )
    )


def main() -> None:
    answers = {name: answer(raw) for name, raw in mails().items()}
    REFERENCE.write_text(json.dumps(answers, indent=0, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {len(answers)} answers to {REFERENCE}")


if __name__ == "__main__":
    main()
