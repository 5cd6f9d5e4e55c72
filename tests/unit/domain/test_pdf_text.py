"""A mail that says little ("please see the attached") is read with its PDF attachment's
text; a mail that speaks for itself is not (no PDF read); a PDF too large or unreadable is
left aside, the message parsed all the same."""

from __future__ import annotations

from email.message import EmailMessage

from shared.domain.classification import classify
from shared.domain.mime import parse_message
from shared.domain.mime.pdf_text import MAX_PDF_BYTES
from tests.unit.domain.pdf_files import minimal_pdf


def _mail(body: str, pdf: bytes, name: str = "notice.pdf") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Contracting <contracting@aqua.example>"
    msg["Subject"] = "Aqua Marine Resort"
    msg.set_content(body)
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
    return msg.as_bytes()


STOP = minimal_pdf("STOP SALE - all room types closed for sale from 01.08.2026 to 15.08.2026")


def test_a_mail_that_says_little_is_read_with_its_pdf() -> None:
    parsed = parse_message(_mail("Dear partners, please see the attached.\nBest regards", STOP))
    assert "STOP SALE" in parsed.attachment_text
    result = classify(parsed)
    assert result.label == "stopsale"
    assert any(r.endswith("@attachment_text") for r in result.rules), result.rules


def test_a_mail_that_speaks_for_itself_reads_no_pdf() -> None:
    body = "We confirm the booking below for Mr and Mrs Hale. " * 10
    parsed = parse_message(_mail(body, STOP))
    assert parsed.attachment_text == ""


def test_a_pdf_too_large_or_unreadable_is_left_aside() -> None:
    big = STOP + b"%" + b"x" * MAX_PDF_BYTES
    parsed = parse_message(_mail("See attached.", big))
    assert parsed.attachment_text == ""
    broken = parse_message(_mail("See attached.", b"%PDF-1.4\n1 0 obj << /Type /Catalog"))
    assert broken.attachment_text == ""
    assert "PdfUnreadable" in broken.defects
    assert len(broken.attachments) == 1
