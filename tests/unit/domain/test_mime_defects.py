"""MIME defects found on real-world test mails, each a class fixed generally and
shown on a message written for this test (tests/data/mime)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.domain.message import ParsedMessage
from shared.domain.mime import ParseLimits, parse_message
from shared.domain.mime.charsets import decode_bytes, decode_runs, known_codec
from shared.domain.mime.headers import cut_text, decode_text
from shared.domain.mime.iso2022jp import decode_iso2022jp

DATA = Path(__file__).resolve().parents[2] / "data" / "mime" / "defects"


def parsed(name: str, limits: ParseLimits | None = None) -> ParsedMessage:
    return parse_message((DATA / name).read_bytes(), limits)


def test_white_space_next_to_an_encoded_word_across_a_fold_is_kept() -> None:
    # RFC 2047 §6.2 drops only white space *between two encoded-words*; unfold first
    assert parsed("fold-next-to-encoded-word.eml").subject == "Hotel Aydın Resort ✔ (12) şehir"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Hotel\r\n =?utf-8?Q?Ayd=C4=B1n?= Resort", "Hotel Aydın Resort"),
        ("friendly =?UTF-8?Q?=E2=9C=94?=\r\n (12)", "friendly ✔ (12)"),
        ("=?utf-8?Q?a?=\r\n =?utf-8?Q?b?=", "ab"),
        ("=?utf-8?Q?a?=  =?iso-8859-9?Q?=FD?=", "aı"),
        ("(=?utf-8?Q?a?=)", "(a)"),
        ("=?utf-8?B?w7w=?=\tx", "ü x"),
        ("=?utf-8?Q?=C3?= =?utf-8?Q?=BC?=", "ü"),  # one character split over two words
        ("=?utf-8*tr?Q?=C4=B0ptal?=", "İptal"),  # RFC 2231 language tag
    ],
)
def test_encoded_words(raw: str, text: str) -> None:
    assert decode_text(raw) == text


def test_folded_quoted_boundary_is_unfolded_and_no_multipart_becomes_an_attachment() -> None:
    p = parsed("folded-quoted-boundary.eml")
    assert "Inner plain text of the rooming list." in p.text
    assert "Rooming list attached" in (p.html or "")
    assert [a.content_type for a in p.attachments] == ["image/png"]
    assert not any(a.content_type.startswith("multipart/") for a in p.attachments)


def test_raw_utf8_is_read_per_value() -> None:
    p = parsed("raw-utf8-per-value.eml")
    # a subject in UTF-8 with one windows-1254 byte at the end: the UTF-8 stays UTF-8
    assert p.subject == "Otel Aydın rezervasyonı"
    # the filename's UTF-8 is read even though another parameter holds a legacy byte
    assert [a.filename for a in p.attachments] == ["Voucher_Güneş_Şahin.pdf"]


def test_one_bad_trailing_byte_does_not_turn_utf8_into_mojibake() -> None:
    assert decode_runs("Прайс отель".encode() + b"\xe2") == "Прайс отель\ufffd"
    assert decode_runs("İptal ğüş".encode("cp1254")) == "İptal ğüş"


@pytest.mark.parametrize(
    ("declared", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("ks_c_5601-1987", "cp949"),
        ("euc-kr", "cp949"),
        ("big5", "big5hkscs"),
        ("shift_jis", "cp932"),
        ("iso-2022-jp", "iso2022_jp"),
        ("iso-8859-8-i", "iso8859-8"),
    ],
)
def test_charset_labels_decode_with_their_superset(declared: str, codec: str) -> None:
    assert known_codec(declared) == codec


def test_charset_supersets_in_a_message() -> None:
    p = parsed("charset-supersets.eml")
    assert p.subject == "镕 酒店"
    texts = {
        a.filename: decode_bytes(a.payload, a.filename.split(".")[0])[0]
        for a in p.attachments
        if a.filename
    }
    assert texts["gb2312.txt"] == "镕基 酒店预订"
    assert texts["iso-8859-8-i.txt"] == "הזמנה חדשה במלון"
    assert texts["iso-2022-jp.txt"] == "①㈱ ホテル予約"
    assert texts["ks_c_5601-1987.txt"] == "똠방 호텔 예약"


def test_iso2022jp_with_nec_extensions_and_half_width_katakana() -> None:
    text = "株式会社 ①② ﾃｽﾄ abc"
    data = b'\x1b$B3t<02q<R\x1b(B \x1b$B-!-"\x1b(B \x1b(IC=D\x1b(B abc'
    assert decode_iso2022jp(data) == text


def test_a_damaged_multibyte_text_keeps_its_charset() -> None:
    text, trusted = decode_bytes("酒店预订".encode("gbk") + b"\xff", "gb2312")
    assert text.startswith("酒店预订")
    assert not trusted


def test_message_global_is_an_enclosed_message() -> None:
    p = parsed("message-global.eml")
    assert [a.filename for a in p.attachments] == ["first.u8msg", "second.u8msg"]
    assert all(a.content_type == "message/global" for a in p.attachments)
    assert "Yeni rezervasyon: 2 kişi." in p.text
    assert p.text.count("Yeni rezervasyon: 2 kişi.") == 2  # the base64-encoded one too


def test_rfc822_headers_and_status_parts_are_not_attachments_or_text() -> None:
    p = parsed("report-rfc822-headers.eml")
    assert p.is_bounce
    assert p.attachments == ()
    assert "Status: 5.1.1" not in p.text
    assert p.text.strip() == "The mail could not be delivered."


def test_a_header_is_cut_after_decoding_on_a_character_boundary() -> None:
    full = parsed("long-encoded-subject.eml").subject
    assert "=?" not in full
    assert full.startswith("Бронь отеля Бронь")
    assert len(full) == len("Бронь отеля " * 40) - 1
    short = parsed("long-encoded-subject.eml", ParseLimits(max_header_chars=100)).subject
    assert "=?" not in short
    assert len(short) <= 100
    assert full.startswith(short)


def test_cut_text_keeps_combining_marks_with_their_letter() -> None:
    assert cut_text("abce\u0301f", 4) == "abc"
    assert cut_text("ok 👩\u200d💻", 4) == "ok"


def test_an_invalid_encoded_word_is_kept_as_written() -> None:
    assert decode_text("=?utf-8?B?invalid!!?=") == "=?utf-8?B?invalid!!?="
    assert decode_text("a =?utf-8?Q?b?= =?utf-8?B?!!?= =?utf-8?Q?c?=") == "a b =?utf-8?B?!!?= c"


@pytest.mark.parametrize(
    ("disposition", "name"),
    [
        ("attachment; filename==?utf-8?B?xLBwdGFsLnBkZg==?=", "İptal.pdf"),
        (
            "attachment;\r\n filename*0*=utf-8''%C4%B0ptal;\r\n filename*1*=%20list.pdf",
            "İptal list.pdf",
        ),
        (
            'attachment; filename="very long name that is\r\n folded.pdf"',
            "very long name that is folded.pdf",
        ),
    ],
)
def test_filenames_unquoted_encoded_continued_or_folded(disposition: str, name: str) -> None:
    raw = (
        "From: a@b.example\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pdf\r\n"
        f"Content-Disposition: {disposition}\r\n\r\nxx\r\n--b--\r\n"
    ).encode()
    assert [a.filename for a in parse_message(raw).attachments] == [name]
