"""``mailingest replay ID…|--all`` (dead-lettered messages through the pipeline again) and
``mailingest dead-letters`` (what was dead-lettered and why)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from shared.cli.app import cli_app
from shared.ids import TenantId


def register(sub: Any) -> None:
    p = sub.add_parser("replay", help="run dead-lettered messages through the pipeline again")
    p.add_argument("ids", nargs="*", help="dead-letter ids (default: all, with --all)")
    p.add_argument("--all", action="store_true", help="replay every dead letter")
    p.add_argument("--tenant", help="with --all: only this tenant's")
    p.set_defaults(handler=replay)
    p = sub.add_parser("dead-letters", help="list dead-lettered messages and why")
    p.add_argument("--tenant")
    p.set_defaults(handler=dead_letters)


def replay(args: argparse.Namespace) -> int:
    app = cli_app()
    ids = list(args.ids)
    if args.all:
        tenant = TenantId(args.tenant) if args.tenant else None
        ids += [d.id for d in app.state.list_dead_letters(tenant)]
    if not ids:
        print("nothing to replay (give ids or --all)", file=sys.stderr)
        return 1
    failed = 0
    for letter_id in ids:
        result = app.pipeline.replay(letter_id)
        print(f"{letter_id}\t{result.outcome}\t{result.label}")
        failed += result.outcome == "dead_lettered"
    return 1 if failed else 0


def dead_letters(args: argparse.Namespace) -> int:
    app = cli_app()
    tenant = TenantId(args.tenant) if args.tenant else None
    for d in app.state.list_dead_letters(tenant):
        print(f"{d.id}\t{d.attempts}\t{d.last_failed_at.isoformat()}\t{d.reason}")
    return 0
