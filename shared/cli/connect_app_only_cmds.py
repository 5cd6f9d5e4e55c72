"""``mailingest connect-app-only TENANT MAILBOX``: switch a mailbox to Microsoft Graph with an
app-only grant (client credentials with the admin-consented application permission) — an
operator action, audited; the directory must already be proven by a delegated Microsoft
connect of one of the tenant's mailboxes (``ConnectFlow.connect_app_only``)."""

from __future__ import annotations

import argparse
from typing import Any

from shared.cli.actor import cli_actor


def register(sub: Any) -> None:
    p = sub.add_parser(
        "connect-app-only",
        help="connect a Microsoft 365 mailbox through Graph with app-only access (audited)",
    )
    p.add_argument("tenant_id")
    p.add_argument("mailbox_id")
    p.add_argument(
        "--directory",
        help="the Microsoft directory (tenant id) that consented; default: the one the "
        "tenant's delegated Microsoft connect proved, when there is one",
    )
    p.set_defaults(handler=connect_app_only)


def connect_app_only(args: argparse.Namespace) -> int:
    from shared.bootstrap import build_app, build_oauth

    app = build_app()
    flow = build_oauth(app).flow
    done = flow.connect_app_only(args.tenant_id, args.mailbox_id, cli_actor(), args.directory)
    grant = done.mailbox.oauth
    if grant is None:  # an app-only grant was just stored
        raise RuntimeError(f"{done.mailbox.key}: no grant stored")
    print(
        f"{done.mailbox.key}: Microsoft 365 (Graph), app-only, directory "
        f"{grant.directory_tenant}, as {grant.connected_address}"
    )
    if done.push_pending:
        print("notifications not started yet: the renew job (renew_watches) starts them")
        return 0
    print("notifications started (Graph subscription)")
    return 0
