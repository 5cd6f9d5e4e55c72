"""How events look on a terminal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_WIDTHS = (14, 12, 12)


def format_event_line(event: Mapping[str, Any]) -> str:
    """``tenant  mailbox  label  subject`` — one line per event for ``make run``."""
    label = str(event.get("classification", {}).get("label", "?"))
    subject = " ".join(str(event.get("subject") or "(no subject)").split())
    cols = (str(event.get("tenant_id", "?")), str(event.get("mailbox_id", "?")), label)
    head = "  ".join(c.ljust(w)[: max(w, len(c))] for c, w in zip(cols, _WIDTHS, strict=True))
    return f"{head}  {subject[:100]}"
