"""``mailingest run``: the whole system locally on real local parts (development only;
registered through the ``mailingest.commands`` entry point)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="start the local system (emulators, Dovecot, functions, watcher), deliver the "
        "sample emails and print events as they come; Ctrl-C stops everything",
    )
    p.add_argument("--corpus", type=Path, default=Path("tests/data/corpus"))
    p.add_argument("--state-dir", type=Path, default=Path(".local"))
    p.add_argument("--no-deliver", action="store_true", help="do not deliver the sample emails")
    p.add_argument("--exit-after", type=int, default=0, help="stop after N events (0: run on)")
    p.add_argument("--timeout", type=float, default=0, help="stop after S seconds (0: run on)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from mailingest_dev.local_system import LocalSystem, NoSampleEmails

    try:
        system = LocalSystem(
            corpus=args.corpus if not args.no_deliver else None,
            state_dir=args.state_dir,
        )
    except NoSampleEmails as exc:
        print(f"mailingest run: {exc}", file=sys.stderr)
        return 2
    return system.run(exit_after=args.exit_after, timeout_s=args.timeout)
