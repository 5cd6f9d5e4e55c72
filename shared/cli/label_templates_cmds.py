"""``mailingest label EVENT_ID LABEL`` (a correction the classifier learns from) and
``mailingest templates list|delete TENANT`` (the examples learned, editable)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from shared.cli.actor import cli_actor
from shared.domain.classification import LABELS
from shared.errors import NotFound
from shared.ids import TenantId, event_owner


def register(sub: Any) -> None:
    p = sub.add_parser(
        "label", help="correct an event's label; later mails of the same template get it"
    )
    p.add_argument("event_id")
    p.add_argument("label", choices=LABELS)
    p.add_argument("--tenant", help="the tenant the event must belong to (default: its own)")
    p.set_defaults(handler=label)
    templates = sub.add_parser(
        "templates", help="list and delete the template examples learned from corrections"
    ).add_subparsers(dest="action", required=True)
    p = templates.add_parser("list", help="a tenant's examples, newest first")
    p.add_argument("tenant_id")
    p.add_argument("--json", action="store_true", help="one JSON object per example")
    p.set_defaults(handler=templates_list)
    p = templates.add_parser("delete", help="forget an example (audited)")
    p.add_argument("tenant_id")
    p.add_argument("example_id")
    p.set_defaults(handler=templates_delete)


def label(args: argparse.Namespace) -> int:
    from shared.bootstrap import build_app

    owner = event_owner(args.event_id)
    if args.tenant:
        tenant = TenantId(args.tenant)
    elif owner is not None:
        tenant = owner[0]
    else:
        raise NotFound(f"{args.event_id} is not an event id (tenant.mailbox.digest)")
    done = build_app().corrections.correct(tenant, args.event_id, args.label, actor=cli_actor())
    print(
        f"{done.event_id}: {done.before} -> {done.example.label}; later mails from "
        f"{done.example.sender} of this template: template:{done.example.id}"
    )
    return 0


def templates_list(args: argparse.Namespace) -> int:
    from shared.bootstrap import build_app

    for e in build_app().corrections.examples(TenantId(args.tenant_id)):
        row = {
            "id": e.id,
            "sender": e.sender,
            "label": e.label,
            "subject": " ".join(e.subject),
            "created_at": e.created_at.isoformat(),
            "created_by": e.created_by,
        }
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print("\t".join(str(v) for v in row.values()))
    return 0


def templates_delete(args: argparse.Namespace) -> int:
    from shared.bootstrap import build_app

    gone = build_app().corrections.delete(
        TenantId(args.tenant_id), args.example_id, actor=cli_actor()
    )
    print(f"deleted {gone.id} ({gone.sender} -> {gone.label})")
    return 0
