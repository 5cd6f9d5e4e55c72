"""What walking a MIME part reads of its headers, each read once: its content type and
disposition, exactly as ``Message.get_content_type`` and ``Message.get_content_disposition``
read them, and any header's first value (``Message.get``: an index look-up for the parser's
``IndexedMessage``)."""

from __future__ import annotations

from email.message import Message
from typing import Any

_MISSING = object()


class PartHeaders:
    """``part``'s headers as walking it reads them."""

    __slots__ = ("part",)

    def __init__(self, part: Message) -> None:
        self.part = part

    def get(self, name: str) -> Any:
        """``part.get(name)``."""
        return self.part.get(name)

    def content_type(self) -> str:
        """``part.get_content_type()``: the type lower-cased, ``text/plain`` for one that is not
        ``type/subtype``, the part's default when there is no header."""
        value = self.part.get("content-type", _MISSING)
        if value is _MISSING:
            return self.part.get_default_type()
        ctype = str(value).partition(";")[0].strip().lower()
        return ctype if ctype.count("/") == 1 else "text/plain"

    def disposition(self) -> str | None:
        """``part.get_content_disposition()``."""
        value = self.part.get("content-disposition")
        return None if value is None else str(value).partition(";")[0].strip().lower()
