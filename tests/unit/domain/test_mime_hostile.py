"""Hostile and broken MIME: nothing but ``UnparseableMessage`` ever leaves the parser, and
what can be read is read. Property tests feed random and mutated messages."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shared.domain.classification import classify
from shared.domain.event import encode_event
from shared.domain.message import ParsedMessage
from shared.domain.mime import ParseLimits, UnparseableMessage, parse_message

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
SAMPLES = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]


def parse_or_refuse(raw: bytes, limits: ParseLimits | None = None) -> ParsedMessage | None:
    try:
        parsed = parse_message(raw, limits)
    except UnparseableMessage:
        return None
    # well-formed whatever the input: every string has a UTF-8 form (an event carries it)
    for text in _strings(parsed):
        text.encode()
    assert isinstance(parsed.subject, str)
    assert isinstance(parsed.text, str)
    for att in parsed.attachments:
        assert att.size == len(att.payload)
        assert att.sha256 == hashlib.sha256(att.payload).hexdigest()
    assert classify(parsed).label in (
        "booking",
        "stopsale",
        "opensale",
        "cancellation",
        "amendment",
        "other",
    )
    return parsed


def _strings(value: object) -> list[str]:
    """Every string a parsed message holds (its fields, addresses, attachments' names)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    return []


@pytest.mark.parametrize("header", ["From", "To", "Cc", "Reply-To", "Subject", "X-Custom"])
def test_raw_8bit_bytes_where_an_address_should_be_are_read_not_kept_as_escapes(
    header: str,
) -> None:
    """Undeclared 8-bit bytes as a whole header value (no angle address): read as text
    (UTF-8 first, then the legacy charsets), never a lone surrogate that no event can carry."""
    plain = {"From": b"res@hotel.example", "To": b"booking@acme.example", "Subject": b"t"}
    plain[header] = "été réservation".encode("latin-1")
    raw = b"".join(k.encode() + b": " + v + b"\r\n" for k, v in plain.items()) + b"\r\nHi\r\n"
    parsed = parse_or_refuse(raw)
    assert parsed is not None
    texts = _strings(parsed)
    assert not any("\ufffd" in t for t in texts)
    assert any("été" in t for t in texts) or header == "X-Custom"  # not a header of interest


def test_an_event_with_a_lone_surrogate_is_still_encoded_with_a_replacement_character() -> None:
    encoded = encode_event({"subject": "caf\udce9", "id": "e1"})
    assert json.loads(encoded) == {"subject": "caf\ufffd", "id": "e1"}


def test_empty_and_blank_input_is_unparseable() -> None:
    for raw in (b"", b"\r\n\r\n", b"   "):
        with pytest.raises(UnparseableMessage):
            parse_message(raw)


def test_over_the_size_limit_is_unparseable() -> None:
    with pytest.raises(UnparseableMessage, match="exceeds"):
        parse_message(b"Subject: x\r\n\r\n" + b"a" * 2000, ParseLimits(max_message_bytes=1000))


def test_missing_closing_boundary_keeps_the_text() -> None:
    raw = (
        b'Subject: Stop sale\r\nContent-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        b"--XX\r\nContent-Type: text/plain\r\n\r\nSTOP SALE from 01.08\r\n"
    )
    parsed = parse_or_refuse(raw)
    assert parsed is not None
    assert "STOP SALE" in parsed.text


def test_truncated_base64_attachment_is_kept_with_what_decodes() -> None:
    raw = (
        b'Subject: voucher\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        b'--B\r\nContent-Type: application/pdf; name="v.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJc\r\n--B--\r\n"
    )
    parsed = parse_or_refuse(raw)
    assert parsed is not None
    assert [a.filename for a in parsed.attachments] == ["v.pdf"]


def test_unknown_and_lying_charsets_are_detected() -> None:
    body = "Satış durdurma: tüm odalar kapatılmıştır.".encode("windows-1254")
    for declared in (b"x-unknown", b"us-ascii", b"utf-8"):
        raw = b"Subject: SD\r\nContent-Type: text/plain; charset=" + declared + b"\r\n\r\n" + body
        parsed = parse_or_refuse(raw)
        assert parsed is not None
        assert "kapat" in parsed.text
        assert "\ufffd" not in parsed.text or declared == b"utf-8"


@pytest.mark.parametrize(
    ("charset", "text"),
    [
        ("koi8-r", "Стоп-продажа с 01.08"),
        ("iso-8859-9", "Satışa açılış: Ağustos"),
        ("iso-8859-2", "Zrušení rezervace"),
        ("windows-1254", "İptal edilmiştir"),
    ],
)
def test_declared_charsets(charset: str, text: str) -> None:
    raw = (
        f"Subject: t\r\nContent-Type: text/plain; charset={charset}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + text.encode(charset)
    parsed = parse_or_refuse(raw)
    assert parsed is not None
    assert parsed.text.strip() == text


def test_nesting_bomb_is_bounded() -> None:
    depth = 200
    head = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(depth)
    )
    raw = b"Subject: deep\r\n" + head + b"Content-Type: text/plain\r\n\r\ndeep text\r\n"
    parsed = parse_or_refuse(raw, ParseLimits(max_depth=20))
    if parsed is not None:
        assert any("nesting" in d for d in parsed.defects)


def test_ten_thousand_parts_are_bounded() -> None:
    parts = b"".join(
        b"--P\r\nContent-Type: application/octet-stream\r\n\r\nx%d\r\n" % i for i in range(10_000)
    )
    raw = (
        b'Subject: many\r\nContent-Type: multipart/mixed; boundary="P"\r\n\r\n'
        + parts
        + b"--P--\r\n"
    )
    parsed = parse_or_refuse(raw, ParseLimits(max_parts=100, max_attachments=50))
    assert parsed is not None
    assert len(parsed.attachments) <= 50
    assert any("parts" in d for d in parsed.defects)


def test_nul_bytes_and_binary_headers() -> None:
    raw = b"Subject: a\x00b\xff\xfe\r\nFrom: \x00\x01 <x@y>\r\n\r\nbody\x00text"
    parsed = parse_or_refuse(raw)
    assert parsed is not None
    assert "body" in parsed.text


def test_header_only_message() -> None:
    parsed = parse_or_refuse(b"Subject: only a header\r\n")
    assert parsed is not None
    assert parsed.subject == "only a header"


def test_rfc2231_filename_in_latin5_and_broken_encoded_words() -> None:
    raw = (
        b"Subject: =?utf-8?q?bozuk_=C3?= =?unknown-charset?b?!!!?=\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n"
        b"--B\r\nContent-Type: text/csv\r\n"
        b"Content-Disposition: attachment; filename*=iso-8859-9'tr'%DCrg%FCp.csv\r\n\r\n"
        b"a,b\r\n--B--\r\n"
    )
    parsed = parse_or_refuse(raw)
    assert parsed is not None
    assert parsed.subject.startswith("bozuk")
    assert [a.filename for a in parsed.attachments] == ["Ürgüp.csv"]


def test_tnef_winmail_is_kept_even_when_unreadable() -> None:
    raw = (
        b'Subject: tnef\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n"
        b'--B\r\nContent-Type: application/ms-tnef; name="winmail.dat"\r\n\r\nnot tnef\r\n--B--\r\n'
    )
    parsed = parse_or_refuse(raw)
    assert parsed is not None
    assert [a.filename for a in parsed.attachments] == ["winmail.dat"]
    assert any("TNEF" in d for d in parsed.defects)


def test_a_25_mb_message_parses() -> None:
    from bench.ingest_bench import big_message

    raw = big_message(25)
    assert 24_000_000 < len(raw) < 28_000_000
    parsed = parse_or_refuse(raw)
    assert parsed is not None
    assert len(parsed.attachments) == 18


@given(st.binary(max_size=4000))
def test_random_bytes_never_escape(raw: bytes) -> None:
    parse_or_refuse(raw)


@given(
    st.sampled_from(range(len(SAMPLES))),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=20),
    st.integers(0, 10**6),
)
@example(24, [(8793, 0)], 239)  # found by hypothesis: bad base64 padding in an encoded-word
@example(3, [(442, 128)], 453)  # found by hypothesis: a raw 8-bit byte inside Content-Type
def test_mutated_corpus_messages_never_escape(
    index: int, flips: list[tuple[int, int]], cut: int
) -> None:
    raw = bytearray(SAMPLES[index])
    for position, value in flips:
        raw[position % len(raw)] = value
    parse_or_refuse(bytes(raw[: max(1, cut % (len(raw) + 1))]))


@given(
    st.sampled_from(range(len(SAMPLES))), st.sampled_from([b"--", b"boundary=", b"\r\n\r\n", b"=?"])
)
def test_damaged_structure_never_escapes(index: int, marker: bytes) -> None:
    parse_or_refuse(SAMPLES[index].replace(marker, b"", 3))
