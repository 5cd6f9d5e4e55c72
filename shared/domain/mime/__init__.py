"""Raw RFC 5322 / MIME bytes → ``ParsedMessage``, tolerant of what real mail does wrong.

``parse_message`` raises only ``UnparseableMessage``, and only when nothing usable can be
extracted (empty input, over the size limit, a structure that breaks the parser); everything
else parses best-effort with what was wrong listed in ``defects``.
"""

from __future__ import annotations

import re
from email import message_from_bytes
from email.errors import MessageError
from email.header import Header
from email.message import Message
from email.parser import BytesParser

from shared.domain.message import Attachment, ParsedMessage
from shared.domain.mime.body import Collected, add_text, walk
from shared.domain.mime.conventions import AUTO_REPLY, AUTO_REPLY_BODY, FORWARD_PREFIX
from shared.domain.mime.headers import (
    RAW_HEADERS,
    addresses,
    bound_raw,
    cut_text,
    date_utc,
    decode_text,
    message_ids,
    one_message_id,
)
from shared.domain.mime.html import html_to_text
from shared.domain.mime.html_stub import is_html_stub, points_at_html
from shared.domain.mime.limits import ParseLimits
from shared.domain.mime.pdf_text import is_pdf, pdf_text
from shared.domain.mime.quotes import new_text
from shared.errors import PermanentError

__all__ = ["ParseLimits", "UnparseableMessage", "parse_message"]

_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
INTERESTING_HEADERS = (
    "Auto-Submitted",
    "Precedence",
    "List-Id",
    "List-Unsubscribe",
    "X-Mailer",
    "Return-Path",
    "X-Autoreply",
)


class UnparseableMessage(PermanentError):
    """Nothing usable could be extracted from the raw message."""


_Headers = dict[str, list[str | Header]]


def _index(msg: Message) -> _Headers:
    """The top-level headers by lower-case name, read once (``Message.get`` scans them all
    on every call)."""
    heads: _Headers = {}
    try:
        items = msg.items()
    except (ValueError, TypeError):
        return heads
    for name, value in items:
        heads.setdefault(name.lower(), []).append(value)
    return heads


def _header(heads: _Headers, name: str, limit: int) -> str | Header | None:
    values = heads.get(name.lower())
    if not values:
        return None
    value = values[0]
    return value if isinstance(value, Header) else bound_raw(str(value), limit)


def _text_header(heads: _Headers, name: str, limit: int) -> str | None:
    value = _header(heads, name, limit)
    return None if value is None else cut_text(decode_text(value), limit)


def _all(heads: _Headers, name: str, limit: int) -> list[str | Header]:
    values = heads.get(name.lower(), [])
    return [v if isinstance(v, Header) else bound_raw(str(v), limit) for v in values]


def parse_message(raw: bytes, limits: ParseLimits | None = None) -> ParsedMessage:
    limits = limits or ParseLimits()
    if len(raw) > limits.max_message_bytes:
        raise UnparseableMessage(
            f"message of {len(raw)} bytes exceeds the {limits.max_message_bytes}-byte limit"
        )
    if not raw.strip():
        raise UnparseableMessage("empty message")
    try:
        try:
            msg = message_from_bytes(raw, policy=RAW_HEADERS)
            collected = Collected()
            walk(msg, collected, limits)
        except RecursionError:
            # a nesting bomb deeper than the stdlib parser's recursion: keep the headers and
            # the body as text, which is what a reader of such a message could see anyway
            msg, collected = _headers_and_text(raw, limits)
        return _build(raw, msg, collected, limits)
    except RecursionError:
        raise UnparseableMessage("MIME structure nested too deeply to parse") from None
    except (ValueError, TypeError, LookupError, AttributeError, IndexError, MessageError) as exc:
        raise UnparseableMessage(f"MIME structure not parseable: {type(exc).__name__}") from None


_MIME_NOISE = re.compile(r"^(--\S*|content-[\w-]+:.*|\s+\S+=.*)$", re.IGNORECASE | re.MULTILINE)
_BLANK_LINES = re.compile(r"\n\s*\n")


def _headers_and_text(raw: bytes, limits: ParseLimits) -> tuple[Message, Collected]:
    msg = BytesParser(policy=RAW_HEADERS).parsebytes(raw, headersonly=True)
    collected = Collected()
    collected.defects.append("MIME nesting too deep for the parser: body kept as plain text")
    body = msg.get_payload()
    if isinstance(body, str):
        data = body[: limits.max_text_chars].encode("ascii", "surrogateescape")
        add_text(collected, limits, "text/plain", data, None)
        if collected.texts:
            text = _MIME_NOISE.sub("", collected.texts[-1])
            collected.texts[-1] = _BLANK_LINES.sub("\n\n", text).strip()
    return msg, collected


AUTO_REPLY_BODY_CHARS = 600  # an auto-reply is short; a long mail mentioning leave is not one


def _auto_reply_body(text: str) -> bool:
    """A short body that opens with an auto-reply phrase ("I am out of the office until …",
    "Jestem poza biurem …") in any of the languages (``conventions``)."""
    head = text.lstrip()
    return len(head) <= AUTO_REPLY_BODY_CHARS and bool(AUTO_REPLY_BODY.match(head[:200]))


SAYS_LITTLE = 400  # characters of new text below which a PDF attachment's text is read
PDFS_READ = 2


def _attachment_text(fresh: str, attachments: list[Attachment], defects: list[str]) -> str:
    """The text of the first PDF attachments when the message itself says little ("please
    find attached"): where its meaning is. A PDF that cannot be read is a defect, no more."""
    if len(fresh.strip()) >= SAYS_LITTLE:
        return ""
    texts = []
    for att in [a for a in attachments if is_pdf(a.content_type, a.filename)][:PDFS_READ]:
        text = pdf_text(att.payload)
        if text is None:
            defects.append("PdfUnreadable")
        elif text.strip():
            texts.append(text.strip())
    return "\n\n".join(texts)


def _build(raw: bytes, msg: Message, c: Collected, limits: ParseLimits) -> ParsedMessage:
    hl = limits.max_header_chars
    heads = _index(msg)
    subject = cut_text(decode_text(_header(heads, "Subject", hl)), hl)
    senders = addresses(_all(heads, "From", hl))
    empty = not (senders or subject or c.texts or c.htmls or c.attachments)
    if empty and not heads:
        raise UnparseableMessage("no headers and no body found")
    html = "\n".join(c.htmls) if c.htmls else None
    text = "\n\n".join(t for t in c.texts if t.strip())
    if not text and html:
        text = html_to_text(html, limits.max_text_chars)
    elif html and points_at_html(text):
        html_text = html_to_text(html, limits.max_text_chars)
        if is_html_stub(text, html_text):  # "view it in your browser": the HTML says it
            text = html_text
    is_forward = bool(FORWARD_PREFIX.match(subject)) or bool(c.forwarded)
    auto = (_text_header(heads, "Auto-Submitted", hl) or "").strip().lower()
    precedence = (_text_header(heads, "Precedence", hl) or "").strip().lower()
    is_auto_reply = (
        auto.startswith("auto-replied")
        or "x-autoreply" in heads
        or "x-autorespond" in heads
        or precedence == "auto_reply"
        or bool(AUTO_REPLY.match(subject))
        or _auto_reply_body(text)
    )
    is_bounce = c.is_report or any(_BOUNCE_SENDER.match(a.address) for a in senders)
    defects = list(c.defects)
    defects.extend(type(d).__name__ for d in getattr(msg, "defects", [])[:20])
    fresh = new_text(text, is_forward=is_forward)
    attachment_text = _attachment_text(fresh, c.attachments, defects)
    headers = {}
    for name in INTERESTING_HEADERS:
        value = _header(heads, name, hl)
        if value is not None:
            headers[name] = decode_text(value)
    return ParsedMessage(
        subject=subject,
        from_=senders[0] if senders else None,
        to=addresses(_all(heads, "To", hl)),
        cc=addresses(_all(heads, "Cc", hl)),
        reply_to=addresses(_all(heads, "Reply-To", hl)),
        date=date_utc(_text_header(heads, "Date", hl)),
        message_id=one_message_id(_text_header(heads, "Message-ID", hl)),
        in_reply_to=one_message_id(_text_header(heads, "In-Reply-To", hl)),
        references=message_ids(_text_header(heads, "References", hl * 4)),
        text=text,
        html=html,
        new_text=fresh,
        attachments=tuple(c.attachments),
        attachment_text=attachment_text,
        is_auto_reply=is_auto_reply,
        is_bounce=is_bounce,
        headers=headers,
        defects=tuple(dict.fromkeys(defects)),
        size=len(raw),
    )
