"""A MIME part's headers read once. ``Message.get`` scans every header of the part, lower-casing
each name, on every call, and walking a part asks for its Content-Type, Content-Disposition,
filename, charset and Content-ID several times over (a top-level part has twenty headers):
here the first value of each name is found in one pass, and the content type and disposition
are read from it exactly as ``Message.get_content_type`` and
``Message.get_content_disposition`` read them."""

from __future__ import annotations

from email.message import Message
from typing import Any

_MISSING = object()


class PartHeaders:
    """The first value of each of ``part``'s headers (what ``part.get(name)`` returns)."""

    __slots__ = ("_first", "part")

    def __init__(self, part: Message) -> None:
        self.part = part
        self._first: dict[str, Any] | None = {}
        try:
            items = part.items()
        except (ValueError, TypeError):  # the part's own methods then (they raise or not)
            self._first = None
            return
        for name, value in items:
            self._first.setdefault(name.lower(), value)

    def get(self, name: str) -> Any:
        """``part.get(name)``."""
        if self._first is None:
            return self.part.get(name)
        return self._first.get(name.lower())

    def content_type(self) -> str:
        """``part.get_content_type()``: the type lower-cased, ``text/plain`` for one that is not
        ``type/subtype``, the part's default when there is no header."""
        if self._first is None:
            return self.part.get_content_type()
        value = self._first.get("content-type", _MISSING)
        if value is _MISSING:
            return self.part.get_default_type()
        ctype = str(value).partition(";")[0].strip().lower()
        return ctype if ctype.count("/") == 1 else "text/plain"

    def disposition(self) -> str | None:
        """``part.get_content_disposition()``."""
        if self._first is None:
            return self.part.get_content_disposition()
        value = self._first.get("content-disposition")
        return None if value is None else str(value).partition(";")[0].strip().lower()
