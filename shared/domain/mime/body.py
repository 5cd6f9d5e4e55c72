"""Walk a parsed MIME tree: pick the text and HTML bodies, collect attachments, recurse into
forwarded messages, unpack TNEF — within the limits."""

from __future__ import annotations

import base64
import binascii
import hashlib
import quopri
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.errors import HeaderParseError
from email.message import Message

from shared.domain.message import Attachment
from shared.domain.mime.charsets import decode_bytes
from shared.domain.mime.headers import (
    RAW_HEADERS,
    decode_param,
    decode_rfc2231,
    recover_8bit,
    unfold,
)
from shared.domain.mime.limits import ParseLimits
from shared.domain.mime.part_headers import PartHeaders

TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")
# RFC 6532 §3.5: message/global is message/rfc822 with UTF-8 headers
ENCLOSED_MESSAGES = ("message/rfc822", "message/global")
# RFC 3462 / RFC 6522 and RFC 6533: the machine-readable parts of delivery reports
MACHINE_PARTS = (
    "message/delivery-status",
    "message/global-delivery-status",
    "message/rfc822-headers",
    "message/global-headers",
    "text/rfc822-headers",
    "message/disposition-notification",
)
# NUL and C0 controls (but tab and line ends) in a body: binary junk, never text
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOUNDARY_LINE = re.compile(r"^--([^\s\"]{1,200}?)(?:--)?[ \t]*\r?$", re.MULTILINE)
MAX_RECOVERIES = 3  # re-parses of multiparts whose boundary was missing or wrong


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
    recoveries: int = 0


_PARAM_ERRORS = (ValueError, LookupError, TypeError, IndexError, HeaderParseError)


# RFC 2045 §5.1: type "/" subtype, each a token (ASCII, no controls, spaces or tspecials)
_CONTENT_TYPE = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]+/[a-z0-9!#$%&'*+.^_`|~-]+")


def content_type(part: Message | PartHeaders) -> str:
    """The part's content type; one that is not a valid ``type/subtype`` (a raw 8-bit byte,
    a stray space) is the default RFC 2045 §5.2 gives a part without one — as for a part
    whose header the parser could not read at all."""
    heads = part if isinstance(part, PartHeaders) else PartHeaders(part)
    ctype = heads.content_type()
    return ctype if _CONTENT_TYPE.fullmatch(ctype) else heads.part.get_default_type()


def _param(heads: PartHeaders, header: str, param: str) -> str | None:
    """One parameter, decoded on its own: its raw 8-bit bytes read UTF-8 first (another
    value's legacy bytes in the same header no longer decide its charset), folds removed."""
    raw = heads.get(header)
    if raw is None or param not in str(raw).lower():
        return None  # most parts: no need for the stdlib's parameter parser
    try:
        value = heads.part.get_param(param, header=header.lower())
    except _PARAM_ERRORS:
        return None
    if isinstance(value, tuple):  # RFC 2231 (charset, language, value), continuations joined
        return decode_param(decode_rfc2231(value[0], str(value[2])))
    return decode_param(recover_8bit(unfold(value))) if isinstance(value, str) else None


def _filename(heads: PartHeaders) -> str | None:
    """Content-Disposition filename, else Content-Type name (RFC 2183 / RFC 2231 / the
    non-standard RFC 2047 word inside quotes)."""
    return _param(heads, "Content-Disposition", "filename") or _param(heads, "Content-Type", "name")


_SIMPLE_CHARSET = re.compile(r';\s*charset\s*=\s*"?([A-Za-z0-9_.:+-]{1,40})"?\s*(?:;|$)', re.I)


def _charset(heads: PartHeaders) -> str | None:
    raw = heads.get("Content-Type")
    if isinstance(raw, str) and "*" not in raw:
        # the usual '; charset="utf-8"' read directly (the stdlib parses every parameter)
        m = _SIMPLE_CHARSET.search(unfold(raw))
        return m.group(1).lower() if m else None
    try:
        return heads.part.get_content_charset()
    except _PARAM_ERRORS:
        return None


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


def _attachment(heads: PartHeaders, data: bytes, name: str | None, inline: bool) -> Attachment:
    cid = heads.get("Content-ID")
    return Attachment(
        filename=name,
        content_type=content_type(heads),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        inline=inline,
        content_id=str(cid).strip().strip("<>") if cid else None,
        payload=data,
    )


def walk(part: Message, out: Collected, limits: ParseLimits, depth: int = 0) -> None:
    if not _within_limits(out, limits, depth):
        return
    heads = PartHeaders(part)
    ctype = content_type(heads)
    if ctype in MACHINE_PARTS:
        return  # the machine part of a bounce report: headers or status fields, no content
    disposition = (heads.disposition() or "").lower()
    name = _filename(heads)
    if ctype in ENCLOSED_MESSAGES:
        _enclosed_message(heads, out, limits, depth, attached=disposition == "attachment" or name)
    elif part.is_multipart():
        _multipart(part, ctype, out, limits, depth)
    elif ctype.startswith("multipart/"):
        _broken_multipart(part, out, limits, depth)
    else:
        _leaf(
            heads, out, limits, inline_hint=False, ctype=ctype, disposition=disposition, name=name
        )


def _within_limits(out: Collected, limits: ParseLimits, depth: int) -> bool:
    """Count the part; say once when the part count or the nesting depth is exceeded."""
    out.parts += 1
    if out.parts > limits.max_parts:
        if out.parts == limits.max_parts + 1:
            out.defects.append(f"more than {limits.max_parts} MIME parts: the rest ignored")
        return False
    if depth > limits.max_depth:
        out.defects.append(f"MIME nesting deeper than {limits.max_depth}: ignored below")
        return False
    return True


def _enclosed_message(
    heads: PartHeaders, out: Collected, limits: ParseLimits, depth: int, *, attached: object
) -> None:
    """A forwarded message: listed as an attachment when attached, and walked for its text."""
    part = heads.part
    payload = part.get_payload()
    if not (isinstance(payload, list) and payload and isinstance(payload[0], Message)):
        return
    inner: Message = payload[0]
    cte = str(heads.get("Content-Transfer-Encoding") or "").strip().lower()
    if cte in ("base64", "quoted-printable"):
        # RFC 6532 §3.5 lets message/global be encoded; the parser read the encoded text
        inner = _decoded_message(inner, cte)
    if attached:
        try:
            data = inner.as_bytes()
        except (ValueError, TypeError, LookupError, UnicodeError, RecursionError):
            data = b""
        _add_attachment(heads, data, _filename(heads), out, limits, inline=False)
    out.forwarded.append(inner)
    walk(inner, out, limits, depth + 1)


def _decoded_message(encoded: Message, cte: str) -> Message:
    try:
        text = encoded.as_bytes()
    except (ValueError, TypeError, LookupError, UnicodeError, RecursionError):
        return encoded
    try:
        data = base64.b64decode(text) if cte == "base64" else quopri.decodestring(text)
    except (ValueError, binascii.Error):
        return encoded
    return message_from_bytes(data.lstrip(b"\r\n"), policy=RAW_HEADERS)


def _multipart(part: Message, ctype: str, out: Collected, limits: ParseLimits, depth: int) -> None:
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
        if not isinstance(child, Message):
            continue
        if related and i > 0 and not _is_container(child):
            _leaf(PartHeaders(child), out, limits, inline_hint=True)
        else:
            walk(child, out, limits, depth + 1)


def _is_container(part: Message) -> bool:
    ctype = content_type(part)
    return part.is_multipart() or ctype.startswith("multipart/") or ctype in ENCLOSED_MESSAGES


def _declared_boundary(part: Message, payload: str) -> str | None:
    """The boundary parameter as declared, unfolded (RFC 5322 §2.2.3: the fold's CRLF goes,
    its white space stays; some mailers fold where there was none, so without it too),
    when a line of the body uses it."""
    try:
        raw = part.get_param("boundary")
    except _PARAM_ERRORS:
        return None
    if not isinstance(raw, str) or "\n" not in raw:
        return None
    for candidate in (unfold(raw), re.sub(r"\r?\n[ \t]*", "", raw)):
        candidate = candidate.strip()
        if candidate and re.search(rf"^--{re.escape(candidate)}(--)?[ \t]*\r?$", payload, re.M):
            return candidate
    return None


def _broken_multipart(part: Message, out: Collected, limits: ParseLimits, depth: int) -> None:
    """A multipart whose boundary parameter is missing or names no line in the body (the
    parser then keeps the body as one string): find the boundary the parts really use and
    parse again; failing that, keep the body as text rather than lose it."""
    payload = part.get_payload()
    if not isinstance(payload, str) or not payload.strip():
        return
    declared = _declared_boundary(part, payload)
    found = _BOUNDARY_LINE.search(payload)
    boundary = declared or (found.group(1) if found else None)
    if boundary and out.recoveries < MAX_RECOVERIES:
        out.recoveries += 1
        head = f'Content-Type: {content_type(part)}; boundary="{boundary}"\r\n\r\n'
        body = payload.encode("ascii", "surrogateescape")
        reparsed = message_from_bytes(
            head.encode("ascii", "surrogateescape") + body, policy=RAW_HEADERS
        )
        if reparsed.is_multipart():
            out.defects.append(
                "multipart boundary parameter folded: unfolded"
                if declared
                else "multipart boundary missing or wrong: recovered from the body"
            )
            walk(reparsed, out, limits, depth + 1)
            return
    out.defects.append("multipart without usable boundary: body kept as text")
    add_text(out, limits, "text/plain", payload.encode("ascii", "surrogateescape"), None)


def add_text(
    out: Collected, limits: ParseLimits, ctype: str, data: bytes, charset: str | None
) -> None:
    """One body text (text/plain or text/html) decoded and counted against the limit."""
    text, trusted = decode_bytes(data, charset)
    if not trusted and not data.isascii():
        out.defects.append(f"{ctype}: charset missing or wrong, detected")
    room = limits.max_text_chars - out.text_chars
    if room <= 0:
        return
    text = CONTROLS.sub("", text[:room].replace("\r\n", "\n").replace("\r", "\n"))
    out.text_chars += len(text)
    (out.texts if ctype == "text/plain" else out.htmls).append(text)


def _alternative(
    children: list[Message] | list[object], out: Collected, limits: ParseLimits, depth: int
) -> None:
    # text/plain and text/html of one body: take both (html kept for the event) without
    # duplicating the text; other children (related, mixed) are walked normally.
    for child in children:
        if isinstance(child, Message):
            walk(child, out, limits, depth + 1)


def _leaf(
    heads: PartHeaders,
    out: Collected,
    limits: ParseLimits,
    *,
    inline_hint: bool,
    ctype: str | None = None,
    disposition: str | None = None,
    name: str | None = None,
) -> None:
    """A part that is no container; ``ctype``, ``disposition`` and ``name`` when the caller
    has read them (a ``name`` of None is read again: the caller may not have looked)."""
    part = heads.part
    ctype = ctype if ctype is not None else content_type(heads)
    disposition = disposition if disposition is not None else heads.disposition() or ""
    name = name if name is not None else _filename(heads)
    data = _payload(part)
    is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment" and not name
    if is_body_text:
        add_text(out, limits, ctype, data, _charset(heads))
        return
    if ctype in ("message/delivery-status", "text/rfc822-headers"):
        return  # machine part of a bounce report
    if ctype in TNEF_TYPES:
        _tnef(heads, data, name, out, limits)
        return
    inline = inline_hint or disposition == "inline" or bool(heads.get("Content-ID") and not name)
    _add_attachment(heads, data, name, out, limits, inline=inline and ctype.startswith("image/"))


def _add_attachment(
    heads: PartHeaders,
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
    out.attachments.append(_attachment(heads, data, name, inline))


def _tnef(
    heads: PartHeaders, data: bytes, name: str | None, out: Collected, limits: ParseLimits
) -> None:
    """winmail.dat: list what it carries (tnefparse), and keep the container itself."""
    _add_attachment(heads, data, name or "winmail.dat", out, limits, inline=False)
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
