"""Who a command run from a terminal acts as, in the audit log."""

from __future__ import annotations

import os


def cli_actor() -> str:
    """``cli:<login name>`` (``cli:unknown`` where the environment does not say)."""
    return f"cli:{os.environ.get('USER', 'unknown')}"
