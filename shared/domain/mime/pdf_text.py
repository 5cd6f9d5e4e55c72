"""The text of a PDF attachment, for a message whose own text says little ("please see the
attached", a voucher, a stop-sale notice as a PDF): read with pypdf, bounded — PDFs up to
``MAX_PDF_BYTES``, the first ``MAX_PAGES`` pages, ``MAX_CHARS`` characters — so a large or
hostile file costs little and never fails the message (it is then read as without it)."""

from __future__ import annotations

import io
import logging

MAX_PDF_BYTES = 2 * 1024 * 1024
MAX_PAGES = 3
MAX_CHARS = 4000
PDF_TYPES = ("application/pdf", "application/x-pdf")


def is_pdf(content_type: str, filename: str | None) -> bool:
    return content_type.lower() in PDF_TYPES or (filename or "").lower().endswith(".pdf")


def pdf_text(data: bytes) -> str | None:
    """The text of the first pages, or None when the file is too large or cannot be read."""
    if len(data) > MAX_PDF_BYTES or not data.startswith(b"%PDF"):
        return None
    from pypdf import PdfReader

    # pypdf logs every oddity of a malformed file at WARNING: not the message's news
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        parts: list[str] = []
        length = 0
        for page in reader.pages[:MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text)
            if length >= MAX_CHARS:
                break
    except Exception:  # noqa: BLE001 - a hostile or broken file raises anything; read without it
        return None
    return "\n".join(parts)[:MAX_CHARS]
