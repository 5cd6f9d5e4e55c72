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
# Only the lines holding one are tried against the full patterns (which are costly to try
# at every line start of a long text); the verbs are found by plain ``str.find``.
_WROTE_STEMS = tuple(
    dict.fromkeys(re.split(r"[(\[\\?*+|]", w)[0].lower() for w in WROTE.split("|"))
)
_ADDRESS_COLON = re.compile(r">[ \t]*:[ \t]*$", re.MULTILINE)
MAX_GATE_HITS = 200


def _gate(text: str) -> list[int]:
    """Positions of everything a reply header line must hold (bounded)."""
    low = text.lower()
    hits: list[int] = []
    # the stems the text holds at all (each looked for in C), in their order
    for stem in filter(low.__contains__, (*_WROTE_STEMS, "--")):
        i = low.find(stem)
        while i >= 0 and len(hits) < MAX_GATE_HITS:
            hits.append(i)
            i = low.find(stem, i + len(stem))
    for n, m in enumerate(_ADDRESS_COLON.finditer(text)):
        if n >= MAX_GATE_HITS:
            break
        hits.append(m.start())
    return hits


def _reply_header(text: str) -> int | None:
    """Where the first reply header line starts, if there is one."""
    starts = sorted({text.rfind("\n", 0, hit) + 1 for hit in _gate(text)})
    for start in starts:
        end = text.find("\n", start)
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
    lines = head.splitlines()
    if ">" in head:
        lines = [line for line in lines if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()
