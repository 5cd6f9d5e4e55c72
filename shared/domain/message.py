"""The normalized message every provider's raw MIME becomes (see ``shared.domain.mime``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Address:
    name: str
    address: str


@dataclass(frozen=True)
class Attachment:
    filename: str | None
    content_type: str
    size: int
    sha256: str
    inline: bool = False
    content_id: str | None = None
    # the decoded bytes: stored in the blob store when large, never put in an event
    payload: bytes = field(default=b"", repr=False, compare=False)


@dataclass(frozen=True)
class ParsedMessage:
    subject: str
    from_: Address | None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    date: datetime | None = None  # UTC
    message_id: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    text: str = ""  # text/plain, else converted from HTML
    html: str | None = None
    new_text: str = ""  # ``text`` without quoted replies / forwarded history
    attachments: tuple[Attachment, ...] = ()
    # the text of the first PDF attachments when the message itself says little: where its
    # meaning is, for the classifier (never put in an event)
    attachment_text: str = ""
    is_auto_reply: bool = False
    is_bounce: bool = False
    headers: dict[str, str] = field(default_factory=dict)  # headers of interest, decoded
    defects: tuple[str, ...] = ()  # what was wrong with the MIME, for the record
    size: int = 0  # raw bytes


@dataclass(frozen=True)
class Classification:
    label: str  # booking, stopsale, opensale, cancellation, amendment, other, unparseable
    score: float
    rules: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    skip: bool = False  # a tenant rule said: no event (counted)
    # False unless the label is almost surely right: worth a look (``classification.confidence``)
    confident: bool = True
    # why not confident: the runner-up label, the winner's lead over it in points, and the
    # doubts ("weak", "close", "stopsale_and_opensale", "question" ...); None/() when unset
    runner_up: str | None = None
    margin: float | None = None
    doubts: tuple[str, ...] = ()
