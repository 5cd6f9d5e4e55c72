"""``mailingest parse FILE.eml…`` (the event JSON each file would become) and ``mailingest
classify FILE.eml…`` (file, label, score, matched rules): no cloud needed."""

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
        try:
            event = _offline_event(raw)
        except Exception as exc:  # noqa: BLE001 - say which file failed, go on with the rest
            print(f"{path}: could not be turned into an event: {exc!r}"[:500], file=sys.stderr)
            status = 1
            continue
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
