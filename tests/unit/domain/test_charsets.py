"""Charset names as mailers misspell them, and detection of undeclared 8-bit text that is
short (a subject, a filename) or mislabelled."""

from __future__ import annotations

import pytest

from shared.domain.mime.charsets import decode_bytes, detect, known_codec


@pytest.mark.parametrize(
    ("declared", "codec"),
    [
        ("utf8", "utf-8"),
        ('"UTF-8"', "utf-8"),
        ("unicode-1-1-utf-8", "utf-8"),
        ("win-1251", "cp1251"),
        ("cp-1251", "cp1251"),
        ("x-cp1251", "cp1251"),
        ("windows1254", "cp1254"),
        ("latin5", "iso8859-9"),
        ("8859-9", "iso8859-9"),
        ("iso-8859-8-i", "iso8859-8"),
        ("koi8r", "koi8-r"),
        ("x-koi8-r", "koi8-r"),
        ("x-mac-turkish", "mac-turkish"),
    ],
)
def test_charset_aliases(declared: str, codec: str) -> None:
    assert known_codec(declared) == codec


@pytest.mark.parametrize(
    "declared", ["", "unknown-8bit", "x-unknown", "base64", "rot13", "undefined", "idna", "bogus"]
)
def test_names_that_are_no_mail_charset(declared: str) -> None:
    assert known_codec(declared) is None


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        ("İPTAL EDİLDİ", "cp1254"),
        ("Güncelleme", "cp1254"),
        ("Şışk", "cp1254"),
        ("Ümit", "cp1254"),
        ("Müşteri: Ahmet Öz — 2.000 €", "cp1254"),
        ("Ağustos ayı için tüm kontenjan kapatılmıştır", "iso-8859-9"),
        ("Änderung Müller Straße", "latin-1"),
        ("Łódź Kraków", "iso-8859-2"),
        ("Стоп продаж", "koi8-r"),
        ("СТОП ПРОДАЖ", "koi8-r"),
        ("СТОП ПРОДАЖ", "cp1251"),
        ("Отмена", "cp1251"),
        ("Отмена", "koi8-r"),
        ("Заявка № 5", "cp1251"),
    ],
)
def test_short_undeclared_text_is_detected(text: str, charset: str) -> None:
    data = text.encode(charset)
    assert data.decode(detect(data)) == text


def test_utf8_labelled_as_a_single_byte_charset_is_read_as_utf8() -> None:
    data = "Satışa kapatılmıştır".encode()
    for declared in ("iso-8859-1", "windows-1254", "us-ascii"):
        text, trusted = decode_bytes(data, declared)
        assert text == "Satışa kapatılmıştır"
        assert not trusted


def test_damaged_utf8_keeps_its_charset() -> None:
    data = "Ayşe Yılmaz ".encode() + b"\xc4"
    text, _ = decode_bytes(data, "utf-8")
    assert text.startswith("Ayşe Yılmaz")


def test_declared_single_byte_charset_is_trusted_when_it_is_not_utf8() -> None:
    data = "Satış durdurma".encode("iso-8859-9")
    assert decode_bytes(data, "iso-8859-9") == ("Satış durdurma", True)
