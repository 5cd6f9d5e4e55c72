"""``mailingest parse|classify|replay|dead-letters|events``."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from shared.domain.models import Mailbox, Provider, TlsMode
from shared.ids import MailboxId, TenantId


def register(sub: Any) -> None:
    p = sub.add_parser("parse", help="print the event JSON each .eml file would become")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE.eml")
    p.set_defaults(handler=parse_files)
    p = sub.add_parser("classify", help="table of file, label, score and matched rules")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE.eml")
    p.set_defaults(handler=classify_files)
    p = sub.add_parser("replay", help="run dead-lettered messages through the pipeline again")
    p.add_argument("ids", nargs="*", help="dead-letter ids (default: all, with --all)")
    p.add_argument("--all", action="store_true", help="replay every dead letter")
    p.add_argument("--tenant", help="with --all: only this tenant's")
    p.set_defaults(handler=replay)
    p = sub.add_parser("dead-letters", help="list dead-lettered messages and why")
    p.add_argument("--tenant")
    p.set_defaults(handler=dead_letters)
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


_FILE_MAILBOX = Mailbox(
    tenant_id=TenantId("local"),
    id=MailboxId("files"),
    provider=Provider.IMAP,
    address="files@localhost",
    host="localhost",
    tls=TlsMode.PLAIN,
    secret_ref="none",  # noqa: S106 - a secret name; offline parsing needs no login
)


def _offline_event(raw: bytes) -> dict[str, Any]:
    """Run the real pipeline on in-memory adapters and return the event it published."""
    from shared.bootstrap import build_offline_ingest

    pipeline, sink = build_offline_ingest(_FILE_MAILBOX)
    pipeline.ingest(_FILE_MAILBOX, hashlib.sha256(raw).hexdigest(), raw)
    event: dict[str, Any] = json.loads(sink.messages[-1].data)
    return event


def parse_files(args: argparse.Namespace) -> int:
    status = 0
    for path in args.files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            print(f"{path}: {exc.strerror}", file=sys.stderr)
            status = 1
            continue
        event = _offline_event(raw)
        event["source_file"] = str(path)
        print(json.dumps(event, ensure_ascii=False, indent=2))
    return status


def classify_files(args: argparse.Namespace) -> int:
    from shared.domain.classification import classify, render_table
    from shared.domain.mime import UnparseableMessage, parse_message

    rows: list[tuple[str, str, float, tuple[str, ...]]] = []
    status = 0
    for path in args.files:
        try:
            parsed = parse_message(path.read_bytes())
        except OSError as exc:
            print(f"{path}: {exc.strerror}", file=sys.stderr)
            status = 1
            continue
        except UnparseableMessage as exc:
            rows.append((str(path), "unparseable", 0.0, (str(exc),)))
            continue
        result = classify(parsed)
        rows.append((str(path), result.label, result.score, result.rules))
    print(render_table(rows))
    return status


def _app() -> Any:
    from shared.bootstrap import build_app

    return build_app()


def replay(args: argparse.Namespace) -> int:
    app = _app()
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
    app = _app()
    tenant = TenantId(args.tenant) if args.tenant else None
    for d in app.state.list_dead_letters(tenant):
        print(f"{d.id}\t{d.attempts}\t{d.last_failed_at.isoformat()}\t{d.reason}")
    return 0


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
