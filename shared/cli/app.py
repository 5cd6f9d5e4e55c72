"""The app a command works on: built when the command runs, not when its parser is."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.bootstrap import App


def cli_app() -> App:
    from shared.bootstrap import build_app

    return build_app()
