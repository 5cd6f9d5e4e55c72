"""``mailingest watch``: the IMAP IDLE / POP3 watcher in the foreground (what the always-on
container runs). ``mailingest run`` (the whole system locally) is development-only and
comes from ``mailingest_dev`` when it is installed (its ``mailingest.commands`` entry
point)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("watch", help="watch every IMAP/POP3 mailbox (the always-on container)")
    p.set_defaults(handler=watch)


def watch(args: argparse.Namespace) -> int:
    from shared.watcher_main import main as watcher_main

    return watcher_main()
