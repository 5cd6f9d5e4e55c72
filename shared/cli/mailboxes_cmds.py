"""``mailingest mailboxes add|list|show|disable|enable``."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any
from urllib.parse import urlencode, urljoin

from shared.cli.actor import cli_actor
from shared.cli.app import cli_app
from shared.config import OAuthSettings, PageSettings
from shared.domain.models import (
    AfterProcessing,
    AuthMethod,
    Mailbox,
    OAuthProvider,
    Provider,
    TlsMode,
)
from shared.errors import ConfigError, ValidationError
from shared.ids import MailboxId, TenantId
from shared.service.health_view import held_keys, stale, state_word


def register(sub: Any) -> None:
    boxes = sub.add_parser("mailboxes", help="add, list, show, disable mailboxes").add_subparsers(
        dest="action", required=True
    )
    p = boxes.add_parser(
        "add", help="add or update an IMAP or POP3 mailbox (a password, or OAuth with --oauth)"
    )
    p.add_argument("tenant_id")
    p.add_argument("mailbox_id")
    p.add_argument("--provider", choices=["imap", "pop3"], default="imap")
    p.add_argument("--address", required=True, help="the mailbox's email address")
    p.add_argument("--host", help="the server (with --oauth: the provider's, unless given)")
    p.add_argument(
        "--oauth",
        choices=[o.value for o in OAuthProvider],
        help="log in with OAuth (XOAUTH2) instead of a password: no password is asked, the "
        "mailbox waits turned off for an admin to sign in at the link printed (Microsoft 365 "
        "takes no password over IMAP or POP3)",
    )
    p.add_argument("--port", type=int)
    p.add_argument("--tls", choices=[t.value for t in TlsMode], default="tls")
    p.add_argument("--username", help="login name when it differs from the address")
    p.add_argument(
        "--password-env",
        metavar="VAR",
        help="read the password from this environment variable (default: prompt, or stdin)",
    )
    p.add_argument("--app-password", action="store_true", help="the secret is an app password")
    p.add_argument("--folder", default="INBOX")
    p.add_argument("--purpose", default="booking", help="booking, stopsale, ...")
    p.add_argument("--no-idle", action="store_true", help="poll instead of IMAP IDLE")
    p.add_argument("--poll-interval", type=int, default=60, help="seconds (fallback polling)")
    p.add_argument("--after", choices=[a.value for a in AfterProcessing], default="leave")
    p.add_argument("--move-to", help="folder for --after move")
    p.add_argument(
        "--insecure-skip-verify",
        action="store_true",
        help="do not verify the server certificate (development only)",
    )
    p.set_defaults(handler=mailboxes_add)
    p = boxes.add_parser("list", help="list mailboxes")
    p.add_argument("tenant_id", nargs="?")
    p.set_defaults(handler=mailboxes_list)
    p = boxes.add_parser("show", help="settings, cursor and health of one mailbox")
    p.add_argument("tenant_id")
    p.add_argument("mailbox_id")
    p.set_defaults(handler=mailboxes_show)
    for name, enabled in (("disable", False), ("enable", True)):
        p = boxes.add_parser(name, help=f"{name} a mailbox (the watcher picks it up)")
        p.add_argument("tenant_id")
        p.add_argument("mailbox_id")
        p.set_defaults(handler=mailboxes_enable, enabled=enabled)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env, "")
    elif sys.stdin.isatty():
        value = getpass.getpass("password: ")
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise ValidationError("no password given")
    return value


# the providers' servers for IMAP and POP3 with OAuth (Google: support.google.com/mail/answer/
# 7126229 and 7104828; Microsoft: learn.microsoft.com/exchange/clients-and-mobile-in-exchange-
# online/pop3-and-imap4/pop3-and-imap4)
OAUTH_HOSTS = {
    ("google", "imap"): "imap.gmail.com",
    ("google", "pop3"): "pop.gmail.com",
    ("microsoft", "imap"): "outlook.office365.com",
    ("microsoft", "pop3"): "outlook.office365.com",
}


def sign_in_link(tenant_id: str, mailbox_id: str, provider: str, mode: str) -> str:
    """Where an admin signs in to connect the mailbox: the OAuth start on the settings host
    (``MAILINGEST_SETTINGS_URL``), or its path when that is not configured here."""
    query = urlencode(
        {"tenant": tenant_id, "mailbox": mailbox_id, "provider": provider, "mode": mode}
    )
    try:
        base = OAuthSettings.from_env().settings_url
    except ConfigError:
        base = ""
    start = PageSettings.oauth_start_url
    return f"{urljoin(base, start) if base else start}?{query}"


def mailboxes_add(args: argparse.Namespace) -> int:
    host = args.host or (OAUTH_HOSTS[(args.oauth, args.provider)] if args.oauth else None)
    if host is None:
        raise ValidationError("--host is required (or --oauth for Google's or Microsoft's)")
    if args.oauth:
        method = AuthMethod.OAUTH2
    else:
        method = AuthMethod.APP_PASSWORD if args.app_password else AuthMethod.PASSWORD
    try:
        mailbox = Mailbox(
            tenant_id=TenantId(args.tenant_id),
            id=MailboxId(args.mailbox_id),
            provider=Provider(args.provider),
            address=args.address,
            purpose=args.purpose,
            host=host,
            port=args.port,
            tls=TlsMode(args.tls),
            verify_tls=not args.insecure_skip_verify,
            auth_method=method,
            username=args.username,
            folder=args.folder,
            idle=not args.no_idle,
            poll_interval_s=args.poll_interval,
            after_processing=AfterProcessing(args.after),
            move_to=args.move_to,
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    admin = cli_app().admin
    if args.oauth:
        stored = admin.add_awaiting_sign_in(mailbox, actor=cli_actor())
        link = sign_in_link(stored.tenant_id, stored.id, args.oauth, args.provider)
        print(f"mailbox {stored.key} saved, turned off until its first sign-in")
        print(f"an admin of the tenant signs in, in a browser, at: {link}")
        return 0
    stored = admin.add_mailbox(mailbox, password=_read_password(args), actor=cli_actor())
    print(f"mailbox {stored.key} saved")
    return 0


def mailboxes_list(args: argparse.Namespace) -> int:
    app = cli_app()
    tenant = TenantId(args.tenant_id) if args.tenant_id else None
    for m in app.state.list_mailboxes(tenant):
        state = "enabled" if m.enabled else "disabled"
        print(f"{m.key}\t{m.provider}\t{m.address}\t{m.folder}\t{state}")
    return 0


def mailboxes_show(args: argparse.Namespace) -> int:
    app = cli_app()
    tid, mid = TenantId(args.tenant_id), MailboxId(args.mailbox_id)
    mailbox = app.state.get_mailbox(tid, mid)
    now = app.clock.now()
    health = app.state.get_health(tid, mid, now)
    refresh = app.settings.watcher.idle_refresh_s
    held = held_keys(app.state, now)
    out = {
        "mailbox": mailbox.model_dump(mode="json"),
        "cursor": app.state.get_cursor(tid, mid).model_dump(mode="json"),
        "health": {
            **health.model_dump(mode="json"),
            "shown_state": state_word(mailbox, health, held),
            "stale": stale(health, mailbox, now, refresh, held),
        },
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def mailboxes_enable(args: argparse.Namespace) -> int:
    m = cli_app().admin.set_enabled(
        TenantId(args.tenant_id), MailboxId(args.mailbox_id), args.enabled, actor=cli_actor()
    )
    print(f"mailbox {m.key} {'enabled' if m.enabled else 'disabled'}")
    return 0
