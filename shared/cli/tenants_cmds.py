"""``mailingest tenants add|list``."""

from __future__ import annotations

import argparse
from typing import Any

from shared.cli.actor import cli_actor
from shared.cli.app import cli_app


def register(sub: Any) -> None:
    tenants = sub.add_parser("tenants", help="add and list tenants").add_subparsers(
        dest="action", required=True
    )
    p = tenants.add_parser("add", help="create a tenant")
    p.add_argument("tenant_id")
    p.add_argument("--name", required=True)
    p.add_argument(
        "--admin", action="append", default=[], help="email allowed on the settings page"
    )
    p.set_defaults(handler=tenants_add)
    p = tenants.add_parser("list", help="list tenants")
    p.set_defaults(handler=tenants_list)


def tenants_add(args: argparse.Namespace) -> int:
    tenant = cli_app().admin.add_tenant(
        args.tenant_id, args.name, actor=cli_actor(), admins=tuple(args.admin)
    )
    print(f"tenant {tenant.id} created")
    return 0


def tenants_list(args: argparse.Namespace) -> int:
    for tenant in cli_app().state.list_tenants():
        print(f"{tenant.id}\t{tenant.name}")
    return 0
