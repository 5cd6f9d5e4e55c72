"""Hostile MIME samples written for these tests (tests/data/mime): each parses best-effort
with what a reader could still see, and its defects recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.domain.classification import classify
from shared.domain.mime import UnparseableMessage, parse_message

DATA = Path(__file__).resolve().parents[2] / "data" / "mime"

# file: (subject, sender name, text fragment, attachment names, label, defect fragment)
EXPECTED: dict[str, tuple[str, str, str, tuple[str | None, ...], str, str | None]] = {
    "missing-boundary-param.eml": (
        "STOP SALE 01.08-10.08",
        "Hotel",
        "on stop sale 01.08-10.08",
        ("stop.csv",),
        "stopsale",
        "boundary missing or wrong",
    ),
    "wrong-boundary-param.eml": (
        "Open sale",
        "Hotel",
        "Sales are open again",
        (),
        "opensale",
        "boundary missing or wrong",
    ),
    "raw-8bit-headers-cp1254.eml": (
        "İPTAL EDİLDİ - Rezervasyon 4471",
        "Çağlar Şentürk",
        "iptal edilmiştir",
        ("İptal Şentürk.pdf",),
        "cancellation",
        "charset missing or wrong",
    ),
    "raw-8bit-headers-utf8.eml": (
        "Стоп продаж с 01.08",
        "Отель Море",
        "Вводим стоп продаж",
        ("стоп продаж.xls",),
        "stopsale",
        None,
    ),
    "utf8-labelled-latin1.eml": (
        "Satış durdurma",
        "Hotel",
        "Tüm odalar satışa kapatılmıştır.",
        (),
        "stopsale",
        "charset missing or wrong",
    ),
    "rfc2231-unknown-charset.eml": (
        "Rooming list",
        "Hotel",
        "see attached",
        ("Ürgüp rooming.csv", "Şışk.pdf"),
        "other",
        None,
    ),
    "charset-aliases.eml": (
        "Стоп продажа",
        "Hotel",
        "Стоп продаж\n\nİptal",
        (),
        "stopsale",
        None,
    ),
    "nul-and-controls.eml": (
        "Stop sale 01.08",
        "Hotel",
        "Stop sale for all rooms.",
        (),
        "stopsale",
        None,
    ),
    "truncated-base64-and-qp.eml": (
        "Booking confirmation 771",
        "Hotel",
        "Booking 771 is confirmed. Ayşe Yılmaz",
        ("voucher.pdf",),
        "booking",
        "CloseBoundaryNotFound",
    ),
    "header-only.eml": ("Stop sale 01.08-10.08", "Hotel", "", (), "stopsale", None),
    "nesting-bomb-3000.eml": (
        "Depth bomb",
        "Hotel",
        "Stop sale 01.08-10.08",
        (),
        "stopsale",
        "nesting too deep",
    ),
}


def test_every_sample_has_an_expectation() -> None:
    names = {p.name for p in DATA.glob("*.eml")}
    assert names == set(EXPECTED) | {"binary-garbage.eml"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_sample(name: str) -> None:
    subject, sender, fragment, names, label, defect = EXPECTED[name]
    parsed = parse_message((DATA / name).read_bytes())
    assert parsed.subject == subject
    assert parsed.from_ is not None
    assert parsed.from_.name == sender
    assert fragment in parsed.text
    assert "\x00" not in parsed.text + parsed.subject + parsed.from_.name
    assert "\r" not in parsed.text
    assert tuple(a.filename for a in parsed.attachments) == names
    assert classify(parsed).label == label
    if defect is not None:
        assert any(defect in d for d in parsed.defects), parsed.defects


def test_binary_garbage_is_refused_or_read_as_other() -> None:
    try:
        parsed = parse_message((DATA / "binary-garbage.eml").read_bytes())
    except UnparseableMessage:
        return
    assert classify(parsed).label == "other"
    assert all(a.size == len(a.payload) for a in parsed.attachments)
