"""``mailingest events tail``: events as they arrive on the topic."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    events = sub.add_parser("events", help="watch the events topic").add_subparsers(
        dest="action", required=True
    )
    p = events.add_parser("tail", help="print events from the topic as they arrive")
    p.add_argument(
        "--subscription",
        default=None,
        help="a durable subscription to read (default: a private one, deleted at the end)",
    )
    p.add_argument("--json", action="store_true", help="print whole events")
    p.add_argument("--max", type=int, default=0, help="stop after N events (0: never)")
    p.add_argument("--timeout", type=float, default=0, help="stop after S seconds (0: never)")
    p.set_defaults(handler=events_tail)


def events_tail(args: argparse.Namespace) -> int:
    from shared.bootstrap import build_event_tail
    from shared.cli.output import format_event_line
    from shared.config import Settings

    tail = build_event_tail(Settings.from_env(), args.subscription)
    for data, _attributes in tail.iter(max_events=args.max, timeout_s=args.timeout):
        if args.json:
            print(data.decode("utf-8", "replace"), flush=True)
        else:
            print(format_event_line(json.loads(data)), flush=True)
    return 0
