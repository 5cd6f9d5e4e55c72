"""Every sample parses with the right subject, sender and attachment names, and gets its
manifest label."""

from __future__ import annotations

import email
import json
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from shared.domain.classification import classify
from shared.domain.mime import parse_message
from tests.unit.domain.corpus_expected import EXPECTED

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
FILES = [m["file"] for m in MANIFEST]


def test_the_whole_corpus_is_covered() -> None:
    """Every .eml in the folder is in the manifest and has its expectations (a sample
    added without them fails here, whatever the count)."""
    on_disk = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert on_disk
    assert sorted(FILES) == on_disk
    assert sorted(f[:3] for f in FILES) == sorted(EXPECTED)


@pytest.mark.parametrize("name", FILES)
def test_subject_and_attachment_names(name: str) -> None:
    parsed = parse_message((CORPUS / name).read_bytes())
    subject, attachments = EXPECTED[name[:3]]
    assert parsed.subject == subject
    assert tuple(a.filename for a in parsed.attachments) == attachments
    assert parsed.message_id
    assert parsed.message_id.startswith("<")
    assert parsed.date is not None
    assert parsed.date.utcoffset() is not None
    assert parsed.text.strip()


@pytest.mark.parametrize("name", FILES)
def test_subject_matches_an_independent_stdlib_decoding(name: str) -> None:
    raw = (CORPUS / name).read_bytes()
    header = email.message_from_bytes(raw)["Subject"]
    expected = " ".join(str(make_header(decode_header(header))).split())
    assert parse_message(raw).subject == expected


@pytest.mark.parametrize("entry", MANIFEST, ids=[m["file"][:3] for m in MANIFEST])
def test_manifest_label(entry: dict[str, str]) -> None:
    parsed = parse_message((CORPUS / entry["file"]).read_bytes())
    result = classify(parsed)
    assert result.label == entry["label"], result.rules
    if result.label != "other":
        assert result.rules  # explainable: the rules that matched are named
        assert 0 < result.score <= 1


def test_quirks_called_out_in_the_corpus_readme() -> None:
    hotel = parse_message((CORPUS / FILES[6]).read_bytes())  # 007: name split mid-word
    assert hotel.from_ is not None
    assert hotel.from_.name == "Reservations – Lodos Tepesi Boutique Hotel"
    assert hotel.attachments[0].inline
    ru = parse_message((CORPUS / FILES[4]).read_bytes())  # 005: koi8-r name with a comma
    assert ru.from_ is not None
    assert ru.from_.address == "booking@severyantar-tour.example"
    assert "," in ru.from_.name
    bounce = parse_message((CORPUS / FILES[36]).read_bytes())
    assert bounce.is_bounce
    auto = parse_message((CORPUS / FILES[35]).read_bytes())
    assert auto.is_auto_reply
    forwarded = parse_message((CORPUS / FILES[7]).read_bytes())  # 008: message/rfc822
    assert "GA-33120" in forwarded.text
