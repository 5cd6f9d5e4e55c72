"""The OpenAPI 3.1 description of the settings page's JSON API (``openapi.json`` beside this
module), served by the page at ``/openapi.json``; tests validate it and check the live
answers against its schemas."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def _text() -> str:
    return resources.files("shared.web").joinpath("openapi.json").read_text(encoding="utf-8")


def openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(_text())
    return document
