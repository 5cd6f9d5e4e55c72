"""The parser's message class: ``email.message.Message`` whose ``get`` finds a header through
an index of the lower-case names' first positions instead of lower-casing every name on every
call. The stdlib's own parser asks each part for its content type several times as it reads
it (``get_content_maintype``, ``get_boundary``), and a part of twenty headers made that a
scan of twenty names each time.

The index is made again whenever the header list is replaced (``__delitem__``,
``set_boundary``) or grows (``set_raw``, ``__setitem__``, ``add_header``: new names at the
end); ``replace_header`` changes a value in place, under the same name at the same position,
and ``get`` reads the value from the list, so it stays right.
"""

from __future__ import annotations

from email.message import Message
from typing import Any


class IndexedMessage(Message):
    """A ``Message`` with the same answers, looked up faster."""

    _names: dict[str, int]
    _indexed: list[tuple[str, Any]] | None = None  # the header list the index is of
    _indexed_count = -1  # its length then

    def get(self, name: str, failobj: Any = None) -> Any:
        headers: list[tuple[str, Any]] = self._headers  # type: ignore[attr-defined]
        if self._indexed is not headers or self._indexed_count != len(headers):
            names: dict[str, int] = {}
            for i, (key, _) in enumerate(headers):
                names.setdefault(key.lower(), i)
            self._names, self._indexed, self._indexed_count = names, headers, len(headers)
        at = self._names.get(name.lower())
        if at is None:
            return failobj
        key, value = headers[at]
        return self.policy.header_fetch_parse(key, value)
