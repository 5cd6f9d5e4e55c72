"""``mailingest secrets-rename [--dry-run]``: move mailboxes' secrets from the names used
before each kind had a prefix of its own to their names now (an operator's one-off after
upgrading; ``shared.service.secret_rename``)."""

from __future__ import annotations

import argparse
from typing import Any

from shared.cli.actor import cli_actor


def register(sub: Any) -> None:
    p = sub.add_parser(
        "secrets-rename",
        help="move mailboxes' secrets to the names the deployed identities are granted",
    )
    p.add_argument("--dry-run", action="store_true", help="list the moves, change nothing")
    p.set_defaults(handler=secrets_rename)


def secrets_rename(args: argparse.Namespace) -> int:
    from shared.bootstrap import build_app
    from shared.service.secret_rename import rename_legacy_secrets

    app = build_app()
    moves = rename_legacy_secrets(
        app.state, app.secrets, app.clock, cli_actor(), dry_run=args.dry_run
    )
    for move in moves:
        print(f"{move.mailbox.key}: {move.old} -> {move.new}")
    done = "to move" if args.dry_run else "moved"
    print(f"{len(moves)} {'secret' if len(moves) == 1 else 'secrets'} {done}")
    return 0
