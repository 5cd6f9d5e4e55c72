"""What is new in a reply: the text above the quoted history.

Cuts at the first reply header ("On … wrote:", "… yazdı:", "… schrieb:", "… написал(а):",
"-----Original Message-----", an Outlook "From: … Sent: …" block) and drops ">" lines.
A forward's history is kept: what was forwarded is the message's content.
"""

from __future__ import annotations

import re

from shared.domain.mime.conventions import FROM, ORIGINAL, SENT, WROTE

_REPLY_HEADERS = [
    rf"^\s*-{{2,}}\s*({ORIGINAL})\s*-{{2,}}",
    rf"^\s*-{{2,}}\s*({ORIGINAL})\s*:?\s*$",
    # "On … wrote:", "Am … schrieb …:", "W dniu … pisze:", "Le … a écrit :", "… yazdı:"
    # (a date or an address on the line: "as the guest wrote:" is not a reply header)
    rf"^(?=[^\n]*[\d@])[^\n]{{0,300}}\b({WROTE})\s*(\(а\)|\(a\))?(\s+.{{0,120}})?\s*[:：]\s*$",
    # Gmail in any language: "<date>, <name> <address>:" ("пн, 28 июл. 2025 г. в 10:00, …")
    r"^.{0,200}\b(19|20)\d\d\b.{0,100}\b\d{1,2}:\d\d\b.{0,200}<[^<>@\s]+@[^<>\s]+>\s*:\s*$",
    rf"^\s*\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}.{{0,80}}\b({WROTE})",
]
_OUTLOOK_BLOCK = re.compile(
    rf"^[ \t*]*({FROM})[ \t*]*:.*\n[ \t*]*(\S+[ \t*]*:.*\n[ \t*]*)?({SENT})[ \t*]*:",
    re.IGNORECASE | re.MULTILINE,
)
_REPLY_RE = re.compile("|".join(f"(?:{p})" for p in _REPLY_HEADERS), re.IGNORECASE | re.MULTILINE)
# What every reply header holds: a "wrote" verb, a dash rule, or a line ending in ">:".
# Only the lines around these are tried against the full patterns (they are costly to try
# at every line start of a long text).
_GATE = re.compile(rf"\b(?:{WROTE})|-{{2,}}|>[ \t]*:[ \t]*$", re.IGNORECASE | re.MULTILINE)
MAX_GATE_HITS = 200


def _reply_header(text: str) -> int | None:
    """Where the first reply header line starts, if there is one."""
    tried: set[int] = set()
    for n, hit in enumerate(_GATE.finditer(text)):
        if n >= MAX_GATE_HITS:
            break
        start = text.rfind("\n", 0, hit.start()) + 1
        if start in tried:
            continue
        tried.add(start)
        end = text.find("\n", hit.end())
        if _REPLY_RE.match(text[start : len(text) if end < 0 else end]):
            return start
    return None


def new_text(text: str, *, is_forward: bool) -> str:
    """``text`` without quoted replies; bounded work (one pass of each pattern)."""
    cut = len(text)
    start = _reply_header(text)
    if start is not None:
        cut = start
    if not is_forward:
        block = _OUTLOOK_BLOCK.search(text)
        if block and block.start() < cut:
            cut = block.start()
    head = text[:cut]
    lines = [line for line in head.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()
