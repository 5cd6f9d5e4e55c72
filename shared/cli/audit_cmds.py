"""``mailingest audit TENANT``: who changed what, when (no secret values), newest first."""

from __future__ import annotations

import argparse
import json
from typing import Any

from shared.ids import TenantId


def register(sub: Any) -> None:
    p = sub.add_parser("audit", help="a tenant's audit log, newest first")
    p.add_argument("tenant_id")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=audit)


def audit(args: argparse.Namespace) -> int:
    from shared.bootstrap import build_app

    app = build_app()
    for entry in app.state.list_audit(TenantId(args.tenant_id), limit=args.limit):
        details = json.dumps(entry.details, ensure_ascii=False, default=str)
        print(f"{entry.at.isoformat()}\t{entry.actor}\t{entry.action}\t{entry.target}\t{details}")
    return 0
