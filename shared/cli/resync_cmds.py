"""``mailingest resync TENANT MAILBOX``: a mailbox's sync, now (Gmail / Graph here; IMAP /
POP3 through the watcher holding it, as the settings page's "Sync now")."""

from __future__ import annotations

import argparse
from typing import Any

from shared.cli.actor import cli_actor
from shared.domain.models import Provider
from shared.ids import MailboxId, TenantId


def register(sub: Any) -> None:
    p = sub.add_parser("resync", help="sync a mailbox now (IMAP/POP3: through its watcher)")
    p.add_argument("tenant_id")
    p.add_argument("mailbox_id")
    p.set_defaults(handler=resync)


def resync(args: argparse.Namespace) -> int:
    from shared.bootstrap import build_app, build_gmail, build_graph

    app = build_app()
    mailbox = app.state.get_mailbox(TenantId(args.tenant_id), MailboxId(args.mailbox_id))
    if mailbox.provider is Provider.GMAIL:
        result = build_gmail(app).sync.sync(mailbox)
        print(f"{mailbox.key}: {result.outcome}, {result.new_messages} new")
    elif mailbox.provider is Provider.GRAPH:
        outcome = build_graph(app).sync.sync(mailbox)
        print(f"{mailbox.key}: {outcome.outcome}, {outcome.new_messages} new")
    else:
        # IMAP / POP3: the settings page's "Sync now" (the watcher holding it starts its
        # session again: a catch-up, or a POP3 poll now)
        app.admin.request_sync(mailbox.tenant_id, mailbox.id, actor=cli_actor())
        print(f"{mailbox.key}: sync asked for; its watcher connects again and catches up")
    return 0
