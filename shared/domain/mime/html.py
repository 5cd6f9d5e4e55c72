"""HTML bodies to readable text: one line per block (paragraph, div, list item, table row),
table cells side by side, scripts and styles dropped, entities decoded.

lxml parses (C, tolerant of the HTML mailers write); one walk over its tree writes the text.
This replaced inscriptis, whose layout engine cost ten times the whole rest of parsing an
HTML-only mail (``ingest.parse_classify_msgs_per_s``).
"""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped]
from lxml import html as lxml_html

_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]{0,2000}>")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "svg", "object"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl", "dt",
        "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead",
        "tfoot", "tr", "ul", "caption",
    }
)  # fmt: skip
_CELL = frozenset({"td", "th"})
_PARSE_ERRORS = (etree.ParserError, etree.XMLSyntaxError, ValueError, TypeError)


def _pieces(root: etree._Element) -> list[str]:
    """The text of ``root`` in document order, with line and cell breaks (an explicit
    stack: deep nesting must not hit the recursion limit)."""
    out: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag.rsplit("}", 1)[-1].lower() if isinstance(el.tag, str) else ""
        if closing:
            if tag in _BLOCK:
                out.append("\n")
            if el.tail and el is not root:
                out.append(el.tail)
            continue
        if tag in _SKIP or not tag:  # a script, a comment or a processing instruction
            if el.tail and el is not root:
                out.append(el.tail)
            continue
        out.append("\n" if tag in _BLOCK else "\t" if tag in _CELL else "")
        if el.text:
            out.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    return out


def _fallback(html: str) -> str:
    return _TAGS.sub(" ", _SCRIPT.sub(" ", html))


def html_to_text(html: str, max_chars: int) -> str:
    html = _XML_DECLARATION.sub("", html[: max_chars * 4])
    if not html.strip():
        return ""
    try:
        text = "".join(_pieces(lxml_html.fromstring(html)))
    except _PARSE_ERRORS:
        text = ""
    if not text.strip():  # unparseable, or nested deeper than libxml2 keeps
        text = _fallback(html)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)[:max_chars]
