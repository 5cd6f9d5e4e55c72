"""``mailingest``: operate the service from a terminal. Thin: parse arguments, call a use case,
print the result. Errors are mapped here to a one-line message and an exit code."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points

from shared.errors import ConfigError, MailIngestError, PermanentError

Handler = Callable[[argparse.Namespace], int]


def _parser() -> argparse.ArgumentParser:
    from shared.cli import (
        audit_cmds,
        connect_app_only_cmds,
        events_cmds,
        health_cmds,
        label_templates_cmds,
        mailboxes_cmds,
        parse_classify_cmds,
        replay_dead_letters_cmds,
        resync_cmds,
        secrets_rename_cmds,
        tenants_cmds,
        watch_cmds,
    )

    parser = argparse.ArgumentParser(
        prog="mailingest",
        description="MindOps Mail Ingest: mailboxes in, one classified event per email out.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # each module is named for the commands it registers (tests/unit/test_cli_modules.py)
    for commands in (
        tenants_cmds,
        mailboxes_cmds,
        parse_classify_cmds,
        replay_dead_letters_cmds,
        events_cmds,
        connect_app_only_cmds,
        health_cmds,
        resync_cmds,
        audit_cmds,
        label_templates_cmds,
        secrets_rename_cmds,
        watch_cmds,
    ):
        commands.register(sub)
    # development-only commands (``mailingest run``) from packages installed beside this one
    for plugin in entry_points(group="mailingest.commands"):
        plugin.load()(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from shared.observability import configure_logging

    parser = _parser()
    args = parser.parse_args(argv)
    configure_logging("DEBUG" if args.verbose else "WARNING", stream=sys.stderr)
    handler: Handler = args.handler
    try:
        return handler(args)
    except ConfigError as exc:
        print("configuration problems:", *exc.problems, sep="\n  ", file=sys.stderr)
        return 2
    except PermanentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except MailIngestError as exc:
        print(f"temporary failure, try again: {exc}", file=sys.stderr)
        return 75  # EX_TEMPFAIL
    except KeyboardInterrupt:
        logging.getLogger(__name__).info("interrupted")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
