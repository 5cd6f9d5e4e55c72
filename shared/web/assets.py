"""The console's one stylesheet, served by the settings function itself (no CDN: the page
works where only the function is reachable, and the CSP needs no other origin). Read from
the package once, cached by the browser for an hour."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from shared.entrypoints import Response

STYLESHEET = "console.css"


@cache
def _css() -> str:
    return files("shared.web").joinpath("static", STYLESHEET).read_text(encoding="utf-8")


def stylesheet() -> Response:
    headers = {"Content-Type": "text/css; charset=utf-8", "Cache-Control": "private, max-age=3600"}
    return _css(), 200, headers
