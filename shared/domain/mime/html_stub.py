"""A text/plain part that only points at the HTML one ("view this email in your browser",
"Ihr E-Mail-Programm kann HTML nicht anzeigen", "HTML olarak görüntüleyin"): newsletters,
channel managers and booking engines send one beside the HTML that holds the message. Such a
plain part is short, names HTML, a browser or an online version, and says far less than the
HTML part: the message's text is then the HTML's."""

from __future__ import annotations

import re

STUB_MAX_CHARS = 400  # a plain part longer than this says something of its own
# the HTML says at least twice as much as the plain part, and this much more (characters)
MORE_IN_HTML = 100
_POINTS_AT_HTML = re.compile(
    r"\bhtml\b|\bbrowser\b|web\s*version|online\s*version|view\s+(?:it|this|the|as)\b"
    r"|tarayıcı|görüntüle|webversion|im\s+browser|navigateur|version\s+en\s+ligne"
    r"|браузер|веб-верси|przeglądar|browseru|webbrowser|webweergave",
    re.IGNORECASE,
)


def points_at_html(plain: str) -> bool:
    """Whether ``plain`` is short and names HTML, a browser or an online version: only
    then is the HTML part's text worth making to compare (``is_html_stub``)."""
    said = plain.strip()
    return len(said) <= STUB_MAX_CHARS and bool(_POINTS_AT_HTML.search(said))


def is_html_stub(plain: str, html_text: str) -> bool:
    """Whether ``plain`` only points at the HTML part whose text is ``html_text``."""
    if not points_at_html(plain):
        return False
    said = plain.strip()
    more = len(html_text.strip())
    return more >= 2 * len(said) and more >= len(said) + MORE_IN_HTML
