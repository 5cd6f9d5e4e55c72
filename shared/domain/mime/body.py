"""Walk a parsed MIME tree: pick the text and HTML bodies, collect attachments, recurse into
forwarded messages, unpack TNEF — within the limits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.message import Message

from shared.domain.message import Attachment
from shared.domain.mime.charsets import decode_bytes
from shared.domain.mime.headers import decode_param
from shared.domain.mime.limits import ParseLimits

TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")


@dataclass
class Collected:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    forwarded: list[Message] = field(default_factory=list)
    parts: int = 0
    text_chars: int = 0
    is_report: bool = False


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except (ValueError, LookupError, TypeError, HeaderParseError):
        name = None
    if name is None:
        try:
            raw = part.get_param("name")
        except (ValueError, LookupError, TypeError, HeaderParseError):
            raw = None
        if isinstance(raw, tuple):  # RFC 2231 (charset, language, value)
            try:
                raw = raw[2].encode("latin-1", "surrogateescape").decode(raw[0] or "utf-8")
            except (LookupError, UnicodeError):
                raw = raw[2]
        name = raw if isinstance(raw, str) else None
    return decode_param(name)


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError):
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("ascii", "surrogateescape")
    return b""


def _attachment(part: Message, data: bytes, name: str | None, inline: bool) -> Attachment:
    cid = part.get("Content-ID")
    return Attachment(
        filename=name,
        content_type=part.get_content_type(),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        inline=inline,
        content_id=str(cid).strip().strip("<>") if cid else None,
        payload=data,
    )


def walk(part: Message, out: Collected, limits: ParseLimits, depth: int = 0) -> None:
    out.parts += 1
    if out.parts > limits.max_parts:
        if out.parts == limits.max_parts + 1:
            out.defects.append(f"more than {limits.max_parts} MIME parts: the rest ignored")
        return
    if depth > limits.max_depth:
        out.defects.append(f"MIME nesting deeper than {limits.max_depth}: ignored below")
        return
    ctype = part.get_content_type()
    disposition = (part.get_content_disposition() or "").lower()
    name = _filename(part)
    if ctype == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            if disposition == "attachment" or name:
                try:
                    data = inner[0].as_bytes()
                except (ValueError, TypeError, LookupError, UnicodeError):
                    data = b""
                _add_attachment(part, data, name, out, limits, inline=False)
            out.forwarded.append(inner[0])
            walk(inner[0], out, limits, depth + 1)
        return
    if part.is_multipart():
        if ctype == "multipart/report":
            out.is_report = True
        children = part.get_payload()
        if not isinstance(children, list):
            return
        if ctype == "multipart/alternative":
            _alternative(list(children), out, limits, depth)
            return
        related = ctype == "multipart/related"
        for i, child in enumerate(children):
            if isinstance(child, Message):
                if related and i > 0 and not child.is_multipart():
                    _leaf(child, out, limits, inline_hint=True)
                else:
                    walk(child, out, limits, depth + 1)
        return
    _leaf(part, out, limits, inline_hint=False, disposition=disposition, name=name)


def _alternative(
    children: list[Message] | list[object], out: Collected, limits: ParseLimits, depth: int
) -> None:
    # text/plain and text/html of one body: take both (html kept for the event) without
    # duplicating the text; other children (related, mixed) are walked normally.
    for child in children:
        if isinstance(child, Message):
            walk(child, out, limits, depth + 1)


def _leaf(
    part: Message,
    out: Collected,
    limits: ParseLimits,
    *,
    inline_hint: bool,
    disposition: str | None = None,
    name: str | None = None,
) -> None:
    ctype = part.get_content_type()
    disposition = disposition if disposition is not None else part.get_content_disposition() or ""
    name = name if name is not None else _filename(part)
    data = _payload(part)
    is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment" and not name
    if is_body_text:
        text, trusted = decode_bytes(data, part.get_content_charset())
        if not trusted and any(b > 0x7F for b in data):
            out.defects.append(f"{ctype}: charset missing or wrong, detected")
        room = limits.max_text_chars - out.text_chars
        if room <= 0:
            return
        text = text[:room]
        out.text_chars += len(text)
        (out.texts if ctype == "text/plain" else out.htmls).append(text)
        return
    if ctype in ("message/delivery-status", "text/rfc822-headers"):
        return  # machine part of a bounce report
    if ctype in TNEF_TYPES:
        _tnef(part, data, name, out, limits)
        return
    inline = inline_hint or disposition == "inline" or bool(part.get("Content-ID") and not name)
    _add_attachment(part, data, name, out, limits, inline=inline and ctype.startswith("image/"))


def _add_attachment(
    part: Message,
    data: bytes,
    name: str | None,
    out: Collected,
    limits: ParseLimits,
    *,
    inline: bool,
) -> None:
    if len(out.attachments) >= limits.max_attachments:
        out.defects.append(f"more than {limits.max_attachments} attachments: the rest ignored")
        return
    out.attachments.append(_attachment(part, data, name, inline))


def _tnef(
    part: Message, data: bytes, name: str | None, out: Collected, limits: ParseLimits
) -> None:
    """winmail.dat: list what it carries (tnefparse), and keep the container itself."""
    _add_attachment(part, data, name or "winmail.dat", out, limits, inline=False)
    try:
        from tnefparse import TNEF

        tnef = TNEF(data)
    except Exception as exc:  # noqa: BLE001 - tnefparse raises many types on bad input
        out.defects.append(f"TNEF not readable: {type(exc).__name__}")
        return
    body = getattr(tnef, "body", None)
    if isinstance(body, bytes | str) and body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        out.texts.append(text[: max(0, limits.max_text_chars - out.text_chars)])
    for att in getattr(tnef, "attachments", [])[: limits.max_attachments]:
        payload = att.data if isinstance(att.data, bytes) else b""
        raw_name = att.long_filename() if hasattr(att, "long_filename") else att.name
        if isinstance(raw_name, bytes):
            raw_name = raw_name.decode("utf-8", "replace")
        if len(out.attachments) >= limits.max_attachments:
            break
        out.attachments.append(
            Attachment(
                filename=(raw_name or None) and str(raw_name).rstrip("\x00"),
                content_type="application/octet-stream",
                size=len(payload),
                sha256=hashlib.sha256(payload).hexdigest(),
                payload=payload,
            )
        )
