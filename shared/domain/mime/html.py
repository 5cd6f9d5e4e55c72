"""HTML bodies to readable text (inscriptis keeps table layout, which booking mails use)."""

from __future__ import annotations

import re

_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]{0,2000}>")


def html_to_text(html: str, max_chars: int) -> str:
    html = html[: max_chars * 4]
    try:
        from inscriptis import get_text

        text: str = get_text(html)
    except Exception:  # noqa: BLE001 - malformed HTML must not lose the message
        text = _TAGS.sub(" ", _SCRIPT.sub(" ", html))
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line.strip())[:max_chars]
